"""Configuration from the environment, read once into one frozen dataclass."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

TELEGRAM_BASE_URL = "https://api.telegram.org/bot"


@dataclass(frozen=True)
class Config:
    token: str | None
    api_base_url: str
    db_path: str
    admin_ids: frozenset[int]
    log_level: str
    broadcast_rate: float
    tick_seconds: float = 20.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Config:
        admins = env.get("COACH_ADMIN_IDS", "")
        return cls(
            token=env.get("TELEGRAM_BOT_TOKEN") or None,
            api_base_url=env.get("TELEGRAM_API_BASE_URL") or TELEGRAM_BASE_URL,
            db_path=env.get("COACH_DB_PATH") or "data/coach.db",
            admin_ids=frozenset(int(part) for part in admins.split(",") if part.strip()),
            log_level=(env.get("COACH_LOG_LEVEL") or "INFO").upper(),
            broadcast_rate=float(env.get("COACH_BROADCAST_RATE") or 25),
            tick_seconds=float(env.get("COACH_TICK_SECONDS") or 20),
        )

    def __repr__(self) -> str:
        """Never print the token, even when the whole config is logged."""
        shown = "set" if self.token else "unset"
        return f"Config(token={shown}, api_base_url=…, db_path={self.db_path!r})"
