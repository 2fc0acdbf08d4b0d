"""Configuration from the environment, read once into one frozen dataclass and validated.

A bad value stops the start with one line naming the variable and what it expects,
rather than a division by zero at the first broadcast or a bare `ValueError` traceback.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import SplitResult, urlsplit

TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
TELEGRAM_API_HOST = urlsplit(TELEGRAM_BASE_URL).hostname
WEBHOOK_PORTS = (443, 80, 88, 8443)  # the only ones Telegram posts to, and only over https
WEBHOOK_URL_RULE = (
    "an https URL on port 443, 80, 88 or 8443 (http, and any port, only on loopback"
    " with TELEGRAM_API_BASE_URL set to a stand-in or a local Bot API server)"
)
MAX_BROADCAST_RATE = 1000.0  # Telegram: ~30/s for free bulk notifications, 1000/s paid
# setWebhook's secret_token alphabet; 32 characters at least, so it cannot be guessed
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,256}")
USER_ID = re.compile(r"[0-9]{1,20}")  # a Telegram user id as written: ASCII digits only
CHAT_ID = re.compile(r"-?[0-9]{1,20}")  # a group's id is negative
T = TypeVar("T")


class ConfigError(ValueError):
    """One configuration value is unusable; the message says which and why."""


@dataclass(frozen=True)
class Config:
    token: str | None
    api_base_url: str
    db_path: str
    admin_ids: frozenset[int]
    log_level: str
    broadcast_rate: float
    tick_seconds: float = 20.0
    http: str = "aiohttp"  # or "httpx": PTB's stock HTTP layer
    proxy_url: str | None = None
    chat_rate: float = 1.0  # sends per second per private chat; 0 paces only after a 429
    webhook: Webhook | None = None  # None: long polling
    # who may use the bot: these ids, and/or the members of this group; neither set: anyone
    allowed_users: frozenset[int] = frozenset()
    allowed_chat: int | None = None
    retention_days: int | None = None  # calls and practice results older than this go
    database_url: str | None = None  # PostgreSQL instead of the SQLite file at db_path

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Config:
        return cls(
            token=env.get("TELEGRAM_BOT_TOKEN") or None,
            api_base_url=env.get("TELEGRAM_API_BASE_URL") or TELEGRAM_BASE_URL,
            db_path=env.get("COACH_DB_PATH") or "data/coach.db",
            admin_ids=_read(env, "COACH_ADMIN_IDS", "", _ids, "comma-separated user ids"),
            log_level=_read(env, "COACH_LOG_LEVEL", "INFO", _level, "DEBUG/INFO/WARNING/ERROR"),
            broadcast_rate=_read(
                env,
                "COACH_BROADCAST_RATE",
                "25",
                _within(0.0, MAX_BROADCAST_RATE),
                f"messages per second, above 0 and at most {MAX_BROADCAST_RATE:g}",
            ),
            tick_seconds=_read(
                env, "COACH_TICK_SECONDS", "20", _within(0.0, 30.0), "seconds, above 0, at most 30"
            ),
            http=_read(
                env, "COACH_HTTP", "aiohttp", _one_of("aiohttp", "httpx"), "aiohttp or httpx"
            ),
            proxy_url=env.get("COACH_PROXY_URL") or None,
            chat_rate=_read(
                env, "COACH_CHAT_RATE", "1", _within(-1e-9, 30.0), "sends per second, 0 to 30"
            ),
            webhook=Webhook.from_env(env),
            allowed_users=_read(
                env, "COACH_ALLOWED_USERS", "", _ids, "comma-separated Telegram user ids"
            ),
            allowed_chat=_read(
                env, "COACH_ALLOWED_CHAT", "", _chat_id, "a group's chat id, e.g. -1001234567890"
            ),
            retention_days=_read(
                env, "COACH_RETENTION_DAYS", "", _days, "whole days, at least 1 (empty: keep)"
            ),
            database_url=_read(
                env,
                "COACH_DATABASE_URL",
                "",
                _database_url,
                "postgresql://user:password@host:5432/database (empty: SQLite at COACH_DB_PATH)",
                secret=True,
            ),
        )

    def __repr__(self) -> str:
        """Never print the token, even when the whole config is logged."""
        shown = "set" if self.token else "unset"
        database = "postgresql" if self.database_url else repr(self.db_path)
        return f"Config(token={shown}, api_base_url=…, database={database})"


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts updates (`url`, registered with `secret`) and where this
    process listens for them; a TLS-terminating proxy usually sits in between."""

    url: str
    secret: str
    listen: str = "127.0.0.1"  # behind the TLS proxy on this machine
    port: int = 8443

    @property
    def path(self) -> str:
        """The URL's path is the one updates are accepted on: a proxy passes it as is."""
        return urlsplit(self.url).path or "/"

    def __repr__(self) -> str:
        return f"Webhook(url={self.url!r}, listen={self.listen!r}, port={self.port})"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Webhook | None:
        url = _read(
            env,
            "COACH_WEBHOOK_URL",
            "",
            _webhook_url(local_api=_is_local_api(env.get("TELEGRAM_API_BASE_URL"))),
            WEBHOOK_URL_RULE,
        )
        if not url:
            return None
        secret = env.get("COACH_WEBHOOK_SECRET", "").strip()
        if not SECRET_TOKEN.fullmatch(secret):  # the value is never quoted: it is a secret
            wanted = "32 to 256 characters of A-Z a-z 0-9 _ - (python -m bot secret makes one)"
            state = "is not valid" if secret else "is required with COACH_WEBHOOK_URL"
            raise ConfigError(f"COACH_WEBHOOK_SECRET {state}: expected {wanted}")
        return cls(
            url=url,
            secret=secret,
            listen=env.get("COACH_WEBHOOK_LISTEN") or "127.0.0.1",
            port=_read(env, "COACH_WEBHOOK_PORT", "8443", _port, "a TCP port, 1 to 65535"),
        )


def _read(
    env: Mapping[str, str],
    name: str,
    default: str,
    parse: Callable[[str], T],
    wanted: str,
    secret: bool = False,  # the value may hold a password: never quoted
) -> T:
    raw = env.get(name) or default
    try:
        return parse(raw.strip())
    except ValueError:
        shown = name if secret else f"{name}={raw!r}"
        raise ConfigError(f"{shown} is not valid: expected {wanted}") from None


def _ids(raw: str) -> frozenset[int]:
    """Plain decimal ids: `int()` would also take `1_000`, `+7`, `-5` and full-width digits."""
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not all(USER_ID.fullmatch(part) for part in parts):
        raise ValueError(raw)
    return frozenset(int(part) for part in parts)


def _chat_id(raw: str) -> int | None:
    if not raw:
        return None
    if not CHAT_ID.fullmatch(raw):
        raise ValueError(raw)
    return int(raw)


def _database_url(raw: str) -> str | None:
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("postgresql", "postgres") or not parts.path.strip("/"):
        raise ValueError(raw)
    return raw


def _days(raw: str) -> int | None:
    if not raw:
        return None
    if not USER_ID.fullmatch(raw) or int(raw) < 1:
        raise ValueError(raw)
    return int(raw)


def _level(raw: str) -> str:
    level = raw.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ValueError(level)
    return level


def _one_of(*choices: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw.lower() not in choices:
            raise ValueError(raw)
        return raw.lower()

    return parse


def _is_local_api(api_base_url: str | None) -> bool:
    """A stand-in or a local Bot API server, which (unlike Telegram's) posts to loopback."""
    return bool(api_base_url) and urlsplit(api_base_url).hostname != TELEGRAM_API_HOST


def _webhook_url(*, local_api: bool) -> Callable[[str], str]:
    """Checked here because Telegram refuses any other URL only at setWebhook, when the
    application and the server are already up."""

    def parse(raw: str) -> str:
        parts = urlsplit(raw)
        if raw and not (_telegram_posts_to(parts) or (local_api and _on_loopback(parts))):
            raise ValueError(raw)
        return raw

    return parse


def _telegram_posts_to(parts: SplitResult) -> bool:
    """https on one of its four ports; a port that is no number raises ValueError."""
    port = 443 if parts.port is None else parts.port
    return parts.scheme == "https" and bool(parts.hostname) and port in WEBHOOK_PORTS


def _on_loopback(parts: SplitResult) -> bool:
    """http(s) on any port of this machine: what a local Bot API server may post to."""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname == "localhost":  # urlsplit lower-cases the host
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:  # a name, not an address
        return False


def _port(raw: str) -> int:
    port = int(raw)
    if not 0 < port < 65536:
        raise ValueError(raw)
    return port


def _within(low: float, high: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        value = float(raw)
        if not low < value <= high:  # also refuses nan
            raise ValueError(raw)
        return value

    return parse
