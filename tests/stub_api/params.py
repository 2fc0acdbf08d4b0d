"""Decoding of Bot API request parameters.

PTB posts ``application/x-www-form-urlencoded`` bodies where every *non-string* value is
JSON-encoded (numbers, booleans, lists, objects such as ``reply_markup``) while strings are
sent raw, without JSON quotes (``RequestParameter.json_value``).  The server therefore
cannot tell ``"123"`` the string from ``123`` the number by looking at the value: like
Telegram, it knows which fields are strings.  Those stay raw; every other value is
JSON-decoded when it parses, else kept as a string (``chat_id="@channel"``).

JSON bodies are accepted too: typed values are kept, string values of non-string fields
are decoded the same way (PTB's ``json_payload`` nests JSON-encoded strings).
"""

import json
from typing import Any

from .errors import bad_request

__all__ = ["STRING_FIELDS", "Params", "decode_params"]

STRING_FIELDS = frozenset(
    {
        "action",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "certificate",
        "description",
        "emoji",
        "inline_message_id",
        "inline_query_id",
        "ip_address",
        "language_code",
        "message_effect_id",
        "name",
        "next_offset",
        "parse_mode",
        "secret_token",
        "short_description",
        "text",
        "title",
        "url",
    }
)


def _decode(name: str, value: Any) -> Any:
    if name in STRING_FIELDS:
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value) if isinstance(value, int | float) else value
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Decode raw request values (form fields, query string or JSON body) by field type."""
    return {name: _decode(name, value) for name, value in raw.items()}


class Params:
    """Typed access to decoded parameters with Telegram's error texts."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def get(self, name: str, default: Any = None) -> Any:
        """The value, or *default* when absent or null."""
        value = self.values.get(name)
        return default if value is None else value

    def has(self, name: str) -> bool:
        """Whether the parameter was sent (and is not null)."""
        return self.values.get(name) is not None

    def integer(self, name: str, missing: str, *, default: int | None = None) -> int:
        """An integer parameter; *missing* is the Bad Request text when absent or invalid."""
        value = self.values.get(name)
        if value is None or value == "":
            if default is not None:
                return default
            raise bad_request(missing)
        if isinstance(value, bool):
            raise bad_request(missing)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(missing) from None

    def number(self, name: str, default: float) -> float:
        """A numeric parameter with a default."""
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def text(self, name: str, default: str = "") -> str:
        """A string parameter."""
        value = self.values.get(name)
        return default if value is None else str(value)

    def flag(self, name: str) -> bool:
        """A boolean parameter (absent means false)."""
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)
