"""Logging that never shows a secret or what people typed, at any level.

The Bot API URL holds the token, and httpx's request log and PTB's exceptions quote it: a
filter on the root handler masks it, and the webhook secret, in every record. At DEBUG,
PTB logs whole updates and request bodies, aiosqlite the statements' values: the
libraries stay at INFO or above whatever the level, so DEBUG adds the bot's own lines.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# a bot token inside a text (the Bot API URL holds it as `bot<id>:<secret>`), or bare
TOKEN_TEXT = re.compile(r"bot\d+:[A-Za-z0-9_-]+|\b\d{5,}:[A-Za-z0-9_-]{30,}")
URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")
# what each library's DEBUG (or INFO) output would carry: updates, bodies, statement values
LIBRARY_FLOORS = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiohttp": logging.INFO,
    "apscheduler": logging.INFO,
    "aiosqlite": logging.INFO,
    "asyncio": logging.INFO,
}
OWN_LOGGERS = ("bot", "dialogs", "__main__")


def masked(text: str) -> str:
    """A text fit to store or hand to a person: every URL and bot token replaced.

    Error texts quote the request URL, which carries the token; a stored detail ends up in
    backups and in the person's `/export`, where no filter on a log handler reaches.
    """
    return TOKEN_TEXT.sub("<token>", URL.sub("<url>", text))


class TokenFilter(logging.Filter):
    """Masks the token, the other given secrets and any token-shaped text in a record."""

    def __init__(self, token: str | None, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        token_secret = (token or "").rpartition(":")[2]
        self.secrets = [s for s in (token_secret, *secrets) if s]

    def hide(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<token>")
        return TOKEN_TEXT.sub("<token>", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = self.hide(message)
        if hidden != message:
            record.msg, record.args = hidden, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = self.hide(text), None
        return True


class LibraryDebugFilter(logging.Filter):
    """Drops a library's record below INFO: a library not in `LIBRARY_FLOORS` (or one
    given a lower level later) still cannot print an update or a request body."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.INFO:
            return True
        return record.name.split(".", 1)[0] in OWN_LOGGERS


def quiet_libraries(level: int) -> None:
    """Each library at its floor, or at `level` if that is higher."""
    for name, floor in LIBRARY_FLOORS.items():
        logging.getLogger(name).setLevel(max(floor, level))


def setup_logging(level: str, token: str | None, secrets: Iterable[str] = ()) -> None:
    """The root handler with both filters; `secrets` (the webhook secret) are masked too."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(LibraryDebugFilter())
    handler.addFilter(TokenFilter(token, secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    quiet_libraries(logging.getLogger().level)
