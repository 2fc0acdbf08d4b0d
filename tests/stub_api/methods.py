"""The Bot API methods the stub implements, with Telegram's refusals.

Each handler takes the state and the decoded parameters and returns the ``result`` of a
successful answer, or raises :class:`ApiError`.  ``getUpdates`` waits, so it lives in the
server; it is registered here (without a handler) so its name is known.
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import bad_request
from .markup import parse_reply_markup, require_inline
from .members import chat_member_json
from .models import Message, UploadedFile, now
from .params import Params
from .state import StubState
from .telegram_html import HtmlParseError, finalize_text, parse_html, utf16_len

__all__ = ["MAX_TEXT_LENGTH", "METHODS", "Method", "prepare_text"]

MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_ANSWER = 200
MAX_INLINE_RESULTS = 50
TOO_MANY_RESULTS = "Too many inline query results specified"
MAX_RESULT_ID_BYTES = 64
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_LANGUAGE_RE = re.compile(r"^([a-z]{2})?$")
_SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")

Handler = Callable[[StubState, Params], Any]


@dataclass(frozen=True)
class Method:
    """A Bot API method: its canonical name and handler (None: handled by the server)."""

    name: str
    handler: Handler | None


METHODS: dict[str, Method] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    """Register a handler; Telegram method names are case-insensitive."""

    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = Method(name, handler)
        return handler

    return register


METHODS["getupdates"] = Method("getUpdates", None)


# --- text -------------------------------------------------------------------------------


def prepare_text(p: Params, *, too_long: str) -> tuple[str, str, list[dict[str, Any]]]:
    """Raw text, plain text and entities of a message, refused like Telegram refuses them."""
    raw = p.text("text")
    if raw == "":
        raise bad_request("message text is empty")
    parse_mode = p.text("parse_mode").strip()
    explicit = p.get("entities")
    try:
        if explicit:
            if not isinstance(explicit, list) or not all(isinstance(e, dict) for e in explicit):
                raise bad_request("can't parse entities JSON object")
            plain, entities = raw, [dict(e) for e in explicit]
        elif parse_mode.lower() == "html":
            plain, entities = parse_html(raw)
        elif parse_mode.lower() in ("markdown", "markdownv2"):
            raise bad_request(f"stub: parse_mode {parse_mode} is not implemented, use HTML")
        elif parse_mode:
            raise bad_request("unsupported parse_mode")
        else:
            plain, entities = raw, []
        plain, entities = finalize_text(plain, entities)
    except HtmlParseError as error:
        raise bad_request(f"can't parse entities: {error.description}") from None
    if not plain:
        raise bad_request("message text is empty")
    if utf16_len(plain) > MAX_TEXT_LENGTH:
        raise bad_request(too_long)
    return raw, plain, entities


def _target(state: StubState, p: Params) -> tuple[int, int]:
    """Chat and message an edit or delete is aimed at."""
    if p.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # the stub sends no inline messages
    chat_id = state.resolve_chat(p.get("chat_id"))
    message_id = p.integer("message_id", "message identifier is not specified")
    return chat_id, message_id


def _reply_to(state: StubState, p: Params, chat_id: int) -> int | None:
    params = p.get("reply_parameters")
    if isinstance(params, dict):
        message_id, allow = (
            params.get("message_id"),
            bool(params.get("allow_sending_without_reply")),
        )
    else:
        message_id, allow = p.get("reply_to_message_id"), p.flag("allow_sending_without_reply")
    if message_id is None:
        return None
    if state.find_message(chat_id, int(message_id)) is None:
        if allow:
            return None
        raise bad_request("message to be replied not found")
    return int(message_id)


# --- sending and editing ----------------------------------------------------------------


@method("sendMessage")
def send_message(state: StubState, p: Params) -> dict[str, Any]:
    chat_id = state.resolve_chat(p.get("chat_id"))
    raw, plain, entities = prepare_text(p, too_long="message is too long")
    markup = parse_reply_markup(p.get("reply_markup"))
    state.check_not_blocked(chat_id)
    reply_to = _reply_to(state, p, chat_id)
    message = state.add_message(
        Message(
            message_id=state.new_message_id(chat_id),
            chat_id=chat_id,
            text=plain,
            html=raw,
            entities=entities,
            reply_markup=markup,
            parse_mode=p.get("parse_mode"),
            reply_to_message_id=reply_to,
        )
    )
    if markup is not None and "keyboard" in markup:
        state.reply_keyboards[chat_id] = markup
    elif markup is not None and markup.get("remove_keyboard"):
        state.reply_keyboards[chat_id] = None
    return state.message_json(message)


MAX_CAPTION_LENGTH = 1024


@method("sendDocument")
def send_document(state: StubState, p: Params) -> dict[str, Any]:
    """A document uploaded by the bot; tests read it back from ``state.documents``."""
    chat_id = state.resolve_chat(p.get("chat_id"))
    document = p.get("document")
    if not isinstance(document, UploadedFile):
        raise bad_request("there is no document in the request")
    caption, entities = p.text("caption"), []
    if caption and p.text("parse_mode").lower() == "html":
        try:
            caption, entities = parse_html(caption)
        except HtmlParseError as error:
            raise bad_request(f"can't parse entities: {error.description}") from None
    if utf16_len(caption) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    state.check_not_blocked(chat_id)
    message_id = state.new_message_id(chat_id)
    file_id = f"doc{chat_id}_{message_id}"
    content: dict[str, Any] = {
        "document": {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": document.filename,
            "file_size": len(document.data),
        }
    }
    if caption:
        content["caption"] = caption
    message = state.add_message(
        Message(
            message_id=message_id,
            chat_id=chat_id,
            text=caption,
            html=p.text("caption"),
            entities=entities,
            reply_markup=None,
            content=content,
        )
    )
    state.documents[(chat_id, message_id)] = document
    return state.message_json(message)


def _editable(state: StubState, chat_id: int, message_id: int) -> Message:
    """The message an edit is aimed at, refused as TDLib refuses it: gone, someone else's,
    or sent with a reply keyboard, its removal or a force-reply (never editable)."""
    message = state.find_message(chat_id, message_id)
    if message is None:
        gone = state.gone_for_person(chat_id, message_id)
        raise bad_request(gone.gone_for_person if gone else "message to edit not found")
    if not message.from_bot or (message.reply_markup and not message.inline_keyboard):
        raise bad_request("message can't be edited")
    return message


@method("editMessageText")
def edit_message_text(state: StubState, p: Params) -> dict[str, Any]:
    chat_id, message_id = _target(state, p)
    raw, plain, entities = prepare_text(p, too_long="MESSAGE_TOO_LONG")
    markup = require_inline(parse_reply_markup(p.get("reply_markup")))
    state.check_not_blocked(chat_id)
    message = _editable(state, chat_id, message_id)
    if (plain, entities, markup) == (message.text, message.entities, message.inline_keyboard):
        raise bad_request(NOT_MODIFIED)
    message.text, message.html, message.entities = plain, raw, entities
    message.parse_mode = p.get("parse_mode")
    message.reply_markup = markup  # without reply_markup an edit removes the keyboard
    message.edits += 1
    message.edit_date = now()
    return state.message_json(message)


@method("editMessageReplyMarkup")
def edit_message_reply_markup(state: StubState, p: Params) -> dict[str, Any]:
    chat_id, message_id = _target(state, p)
    markup = require_inline(parse_reply_markup(p.get("reply_markup")))
    state.check_not_blocked(chat_id)
    message = _editable(state, chat_id, message_id)
    if markup == message.inline_keyboard:
        raise bad_request(NOT_MODIFIED)
    message.reply_markup = markup
    message.edits += 1
    message.edit_date = now()
    return state.message_json(message)


@method("deleteMessage")
def delete_message(state: StubState, p: Params) -> bool:
    chat_id, message_id = _target(state, p)
    message = state.find_message(chat_id, message_id)
    if message is None:
        raise bad_request("message to delete not found")
    message.deleted = True
    return True


@method("deleteMessages")
def delete_messages(state: StubState, p: Params) -> bool:
    chat_id = state.resolve_chat(p.get("chat_id"))
    ids = p.get("message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message identifiers are not specified")
    for message_id in ids:
        message = state.find_message(chat_id, int(message_id))
        if message is not None:
            message.deleted = True
    return True


@method("sendChatAction")
def send_chat_action(state: StubState, p: Params) -> bool:
    chat_id = state.resolve_chat(p.get("chat_id"))
    if p.text("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    state.check_not_blocked(chat_id)
    return True


def _too_old(state: StubState, pressed_at: float) -> bool:
    """Telegram waits a few seconds for a press's answer, then refuses it."""
    timeout = state.press_timeout
    return timeout is not None and time.monotonic() - pressed_at > timeout


@method("answerCallbackQuery")
def answer_callback_query(state: StubState, p: Params) -> bool:
    query_id = p.text("callback_query_id")
    attempts = state.callback_attempts.setdefault(query_id, [])
    query = state.callback_queries.get(query_id)
    if query is None or query.answered or query.expired or _too_old(state, query.at):
        attempts.append(QUERY_INVALID)
        raise bad_request(QUERY_INVALID)
    if len(p.text("text")) > MAX_CALLBACK_ANSWER:
        attempts.append("MESSAGE_TOO_LONG")
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    attempts.append("ok")
    state.callback_answers[query_id] = dict(p.values)
    return True


@method("answerInlineQuery")
def answer_inline_query(state: StubState, p: Params) -> bool:
    """At most 50 results, ids of 1-64 bytes and unique, one answer per query."""
    query_id = p.text("inline_query_id")
    attempts = state.inline_attempts.setdefault(query_id, [])
    query = state.inline_queries.get(query_id)
    if query is None or query.answered or query.expired:
        attempts.append(QUERY_INVALID)
        raise bad_request(QUERY_INVALID)
    results = p.get("results", [])
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        attempts.append("results")
        raise bad_request("can't parse inline query results JSON object")
    if len(results) > MAX_INLINE_RESULTS:
        attempts.append(TOO_MANY_RESULTS)
        raise bad_request(TOO_MANY_RESULTS)
    seen: set[str] = set()
    for result in results:
        result_id = str(result.get("id", ""))
        if not result.get("type"):
            attempts.append("RESULT_TYPE_INVALID")
            raise bad_request("RESULT_TYPE_INVALID")
        if not 1 <= len(result_id.encode()) <= MAX_RESULT_ID_BYTES:
            attempts.append("RESULT_ID_INVALID")
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            attempts.append("RESULT_ID_DUPLICATE")
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
    query.answered = True
    attempts.append("ok")
    state.inline_answers[query_id] = dict(p.values)
    return True


# --- the bot itself ---------------------------------------------------------------------


@method("getMe")
def get_me(state: StubState, p: Params) -> dict[str, Any]:
    return {
        **state.bot.to_json(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": state.inline_mode,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("getChat")
def get_chat(state: StubState, p: Params) -> dict[str, Any]:
    chat_id = state.resolve_chat(p.get("chat_id"))
    return {**state.chat_json(chat_id), "accent_color_id": 0, "max_reaction_count": 11}


@method("getChatMember")
def get_chat_member(state: StubState, p: Params) -> dict[str, Any]:
    """A person's status in a group the bot is in, as tests set it (``left`` for a known
    person never added); in a private chat its person and the bot are members."""
    chat_id = state.resolve_chat(p.get("chat_id"))
    user_id = p.integer("user_id", "user not found")
    if user_id == state.bot.id:
        return chat_member_json("member", state.bot.to_json())
    user = state.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    if chat_id in state.group_chats:
        status = state.chat_members.get(chat_id, {}).get(user_id, "left")
    else:
        status = "member" if user_id == chat_id else "left"
    return chat_member_json(status, user.to_json())


@method("logOut")
def log_out(state: StubState, p: Params) -> bool:
    return True


@method("close")
def close(state: StubState, p: Params) -> bool:
    return True


@method("setWebhook")
def set_webhook(state: StubState, p: Params) -> bool:
    secret = p.text("secret_token")
    if secret and not _SECRET_TOKEN_RE.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    state.webhook_url = p.text("url")
    state.webhook_secret = secret
    allowed = p.get("allowed_updates")
    if isinstance(allowed, list):
        state.allowed_updates = frozenset(allowed) if allowed else None
    if p.flag("drop_pending_updates"):
        state.updates.clear()
    return True


@method("deleteWebhook")
def delete_webhook(state: StubState, p: Params) -> bool:
    state.webhook_url = ""
    state.webhook_secret = ""
    if p.flag("drop_pending_updates"):
        state.updates.clear()
    return True


@method("getWebhookInfo")
def get_webhook_info(state: StubState, p: Params) -> dict[str, Any]:
    return {
        "url": state.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }


def _language(p: Params) -> str:
    language_code = p.text("language_code")
    if not _LANGUAGE_RE.match(language_code):
        raise bad_request("invalid language code specified")
    return language_code


def _scope(state: StubState, p: Params) -> dict[str, Any] | None:
    scope = p.get("scope")
    if scope is None:
        return None
    if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    if "chat_id" in scope:
        state.resolve_chat(scope["chat_id"])
    return scope


@method("setMyCommands")
def set_my_commands(state: StubState, p: Params) -> bool:
    commands = p.get("commands", [])
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND_RE.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = str(command.get("description", "")).strip()
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = state.scope_key(_scope(state, p), _language(p))
    if commands:
        state.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
    else:
        state.commands.pop(key, None)
    return True


@method("getMyCommands")
def get_my_commands(state: StubState, p: Params) -> list[dict[str, Any]]:
    return list(state.commands.get(state.scope_key(_scope(state, p), _language(p)), []))


@method("deleteMyCommands")
def delete_my_commands(state: StubState, p: Params) -> bool:
    state.commands.pop(state.scope_key(_scope(state, p), _language(p)), None)
    return True


def _bounded(p: Params, name: str, limit: int) -> str:
    value = p.text(name)
    if len(value) > limit:
        raise bad_request(f"{name.replace('_', ' ')} is too long")
    return value


@method("setMyDescription")
def set_my_description(state: StubState, p: Params) -> bool:
    state.descriptions[_language(p)] = _bounded(p, "description", 512)
    return True


@method("getMyDescription")
def get_my_description(state: StubState, p: Params) -> dict[str, Any]:
    return {"description": state.descriptions.get(_language(p), "")}


@method("setMyShortDescription")
def set_my_short_description(state: StubState, p: Params) -> bool:
    state.short_descriptions[_language(p)] = _bounded(p, "short_description", 120)
    return True


@method("getMyShortDescription")
def get_my_short_description(state: StubState, p: Params) -> dict[str, Any]:
    return {"short_description": state.short_descriptions.get(_language(p), "")}


@method("setMyName")
def set_my_name(state: StubState, p: Params) -> bool:
    state.names[_language(p)] = _bounded(p, "name", 64)
    return True


@method("getMyName")
def get_my_name(state: StubState, p: Params) -> dict[str, Any]:
    return {"name": state.names.get(_language(p), state.bot.first_name)}


@method("setChatMenuButton")
def set_chat_menu_button(state: StubState, p: Params) -> bool:
    chat_id = state.resolve_chat(p.get("chat_id")) if p.has("chat_id") else None
    button = p.get("menu_button", {"type": "default"})
    if not isinstance(button, dict) or button.get("type") not in ("commands", "web_app", "default"):
        raise bad_request("can't parse menu button JSON object")
    state.menu_buttons[chat_id] = button
    return True


@method("getChatMenuButton")
def get_chat_menu_button(state: StubState, p: Params) -> dict[str, Any]:
    chat_id = state.resolve_chat(p.get("chat_id")) if p.has("chat_id") else None
    return state.menu_buttons.get(chat_id) or state.menu_buttons.get(None) or {"type": "commands"}
