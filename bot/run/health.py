"""Is this process fit to serve? The database answers, and the scheduler ticked lately.

Those are the two ways the bot fails quietly: a database file that went away (or a
connection closed under it) turns every press into an error card, and a dead tick sends
no tip and no reminder while presses still work. Three tick intervals of silence allow
for one slow tick (a large broadcast being claimed) before the alarm.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from bot.database.connection import Database
from bot.delivery.scheduler import Scheduler

DATABASE_TIMEOUT = 2.0  # seconds: a lock held longer than this is itself a problem
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
    database: Database
    scheduler: Scheduler
    tick_seconds: float

    async def check(self) -> Verdict:
        database = await self._database()
        last = self.scheduler.last_tick
        fresh = last is not None and (
            (self.scheduler.clock() - last).total_seconds() <= STALE_AFTER_TICKS * self.tick_seconds
        )
        return Verdict(database == "ok" and fresh, database, last)

    async def _database(self) -> str:
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT):
                await self.database.ping()
        except TimeoutError:
            return f"no answer within {DATABASE_TIMEOUT:g} s"
        except Exception as error:  # whatever the driver raises, the answer is "not ok"
            return f"{type(error).__name__}: {error}"
        return "ok"
