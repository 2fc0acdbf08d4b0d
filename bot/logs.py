"""Logging that never shows the bot token.

httpx logs every request URL at INFO, and the Bot API URL contains the token; PTB's
exceptions can quote it too. A filter on the root handler masks it in every record, and
httpx is kept at WARNING so the request log does not drown the bot's own lines.
"""

from __future__ import annotations

import logging


class TokenFilter(logging.Filter):
    def __init__(self, token: str | None) -> None:
        super().__init__()
        secret = (token or "").rpartition(":")[2]
        self.secrets = [secret] if secret else []

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "<token>")
            record.msg, record.args = message, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            for secret in self.secrets:
                text = text.replace(secret, "<token>")
            record.exc_text, record.exc_info = text, None
        return True


def setup_logging(level: str, token: str | None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(TokenFilter(token))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
