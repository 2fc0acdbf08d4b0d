"""Is this process fit to serve? The database answers, and the scheduler ticked lately.

Those are the bot's two quiet failures: a database gone (every press an error card) and a
dead tick (no tip, no reminder, while presses still work). Three tick intervals of
silence allow for one slow tick. The verdict comes from what the bot already knows, never
from a query: anyone may call `/healthz`, and a query holding the database lock would
make every press wait."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from bot.database.connection import Store
from bot.delivery.scheduler import Scheduler

STALE_AFTER_TICKS = 3


@dataclass(frozen=True)
class Verdict:
    healthy: bool
    database: str  # "ok" or what went wrong
    last_tick: datetime | None

    def as_json(self) -> dict[str, str | None]:
        return {
            "status": "ok" if self.healthy else "unhealthy",
            "database": self.database,
            "last_tick": self.last_tick.isoformat() if self.last_tick else None,
        }


@dataclass(frozen=True)
class Health:
    database: Store
    scheduler: Scheduler
    tick_seconds: float

    def check(self) -> Verdict:
        """Takes no lock and makes no trip to the database's thread."""
        database = self._database()
        last = self.scheduler.last_tick
        fresh = last is not None and (
            (self.scheduler.clock() - last).total_seconds() <= self._stale_after
        )
        return Verdict(database == "ok" and fresh, database, last)

    @property
    def _stale_after(self) -> float:
        return STALE_AFTER_TICKS * self.tick_seconds

    def _database(self) -> str:
        try:
            self.database.connection  # noqa: B018  raises when the database is not open
        except RuntimeError as error:
            return str(error)
        if self.database.last_error:  # PostgreSQL: the last block could not reach the server
            return self.database.last_error
        answered = self.database.answered_at
        if answered is None:
            return "no answer yet"
        silent = asyncio.get_running_loop().time() - answered
        if silent > self._stale_after:
            return f"no answer for {silent:.0f} s"
        return "ok"
