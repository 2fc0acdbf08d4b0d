"""Validation of ``reply_markup`` as the Bot API does it.

Only the checks that catch real bot bugs are reproduced; the error texts are Telegram's.
One deliberate difference: Telegram silently uses the first action of an inline button that
has several (the docs say "exactly one"), the stub refuses it so the bug shows.
"""

import json
from typing import Any

from .errors import bad_request

__all__ = [
    "BUTTON_ACTIONS",
    "callback_buttons",
    "inline_keyboard",
    "parse_reply_markup",
    "require_inline",
]

BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_MAX_BUTTONS = 100
_URL_PREFIXES = ("http://", "https://", "tg://", "ton://")
_MARKUP_ERROR = "can't parse reply keyboard markup JSON object"


def _check_url(url: Any) -> None:
    if not isinstance(url, str) or not url.strip():
        raise bad_request("BUTTON_URL_INVALID")
    lowered = url.strip().lower()
    if " " in lowered or ("://" in lowered and not lowered.startswith(_URL_PREFIXES)):
        raise bad_request("BUTTON_URL_INVALID")
    if "://" not in lowered and "." not in lowered:
        raise bad_request("BUTTON_URL_INVALID")


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    if "text" not in button:
        raise bad_request("can't parse inline keyboard button: Can't find field \"text\"")
    if not isinstance(button["text"], str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    actions = [name for name in BUTTON_ACTIONS if button.get(name) is not None]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be used, "
            f"got {', '.join(actions)} (stub-only check: Telegram would silently use the first)"
        )
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    action = actions[0]
    if action == "callback_data":
        data = button["callback_data"]
        if not isinstance(data, str):
            raise bad_request(
                'can\'t parse inline keyboard button: Field "callback_data" must be of type String'
            )
        if not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    elif action == "url":
        _check_url(button["url"])
    return {key: value for key, value in button.items() if value is not None}


def _rows(markup: dict[str, Any], field: str, kind: str) -> list[list[Any]]:
    rows = markup.get(field)
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'Field "{field}" of the {kind} must be an Array of Arrays')
    if sum(len(row) for row in rows) > _MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return rows


def _reply_keyboard(markup: dict[str, Any]) -> dict[str, Any]:
    rows = _rows(markup, "keyboard", "ReplyKeyboardMarkup")
    for row in rows:
        for button in row:
            text = button.get("text") if isinstance(button, dict) else button
            if not isinstance(text, str):
                raise bad_request("can't parse keyboard button: Can't find field \"text\"")
            if not text.strip():
                raise bad_request("keyboard button text must be non-empty")
    return markup


def parse_reply_markup(raw: Any) -> dict[str, Any] | None:
    """Decode and validate a ``reply_markup`` parameter; returns the normalised markup."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise bad_request(_MARKUP_ERROR) from None
    if not isinstance(raw, dict):
        raise bad_request(_MARKUP_ERROR)
    markup = {key: value for key, value in raw.items() if value is not None}
    if "inline_keyboard" in markup:
        rows = _rows(markup, "inline_keyboard", "InlineKeyboardMarkup")
        return {"inline_keyboard": [[_inline_button(b) for b in row] for row in rows]}
    if "keyboard" in markup:
        return _reply_keyboard(markup)
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise bad_request(_MARKUP_ERROR)


def inline_keyboard(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """The markup if it is an inline keyboard: the only kind a message carries."""
    if markup is not None and "inline_keyboard" in markup:
        return markup
    return None


def callback_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    """All buttons of an inline keyboard, in reading order."""
    keyboard = inline_keyboard(markup)
    if keyboard is None:
        return []
    return [button for row in keyboard["inline_keyboard"] for button in row]


def require_inline(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """Edits accept only inline keyboards (or none, which removes the keyboard)."""
    if markup is not None and inline_keyboard(markup) is None:
        raise bad_request("inline keyboard expected")
    return markup
