"""A stand-in Telegram Bot API server for end-to-end tests of the bot.

The real PTB ``Application`` talks to it over real HTTP; it refuses what Telegram refuses
(bad HTML, over-long texts, invalid buttons, edits that change nothing, stale callback
queries, blocked users ...) so the bot's bugs show in tests, and it checks every request
against the published Bot API (``schema.py``; refusals are kept in ``schema_violations``).
Start with :class:`BotApiStub`; ``telegram_html.parse_html`` checks texts on its own.
"""

from .errors import ApiError
from .models import Call, CallbackQuery, Message, User
from .server import DEFAULT_TOKEN, BotApiStub
from .telegram_html import HtmlParseError, finalize_text, parse_html, utf16_len

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "BotApiStub",
    "Call",
    "CallbackQuery",
    "HtmlParseError",
    "Message",
    "User",
    "finalize_text",
    "parse_html",
    "utf16_len",
]
