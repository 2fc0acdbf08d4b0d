"""The figures an operator watches, as SQL over the whole database. Counts only: no
person's text, name or id ever leaves this module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.database.connection import Tx, utc_text

DAYS = 30
SPARKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class Figures:
    people: int
    active_week: int
    blocked: int
    by_language: dict[str, int]
    calls: dict[str, int]  # outcome → count
    flareups_per_call: float
    kept: int
    missed: int
    tips_today: int
    tips_week: int
    feedback: dict[str, tuple[int, int]]  # topic → (👍, 👎)
    busiest_hours: list[tuple[int, int]]  # (UTC hour, calls), busiest first
    per_day: list[int]  # calls started on each of the last DAYS days, oldest first


async def figures(tx: Tx, now: datetime, default_language: str) -> Figures:
    people = await tx.one(
        """SELECT COUNT(*) AS n, SUM(last_seen_at >= ?) AS week, SUM(active = 0) AS blocked
           FROM users""",
        (utc_text(now - timedelta(days=7)),),
    )
    languages = await tx.all(
        """SELECT COALESCE(language, CASE WHEN lower(telegram_language) LIKE 'kk%' THEN 'kk'
                                          ELSE ? END) AS lang, COUNT(*) AS n
           FROM users GROUP BY lang ORDER BY n DESC""",
        (default_language,),
    )
    outcomes = await tx.all("SELECT outcome, COUNT(*) AS n FROM calls GROUP BY outcome")
    flares = await tx.one("SELECT AVG(flareups) AS avg FROM calls")
    promises = await tx.one(
        """SELECT SUM(follow_up IN ('done', 'feedback')) AS kept,
                  SUM(follow_up = 'missed' OR (follow_up IS NULL AND due_at <= ?)) AS missed
           FROM calls WHERE due_at IS NOT NULL""",
        (utc_text(now),),
    )
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    tips = await tx.one(
        """SELECT SUM(claimed_at >= ?) AS today, COUNT(*) AS week FROM deliveries
           WHERE kind = 'tip' AND status = 'sent' AND claimed_at >= ?""",
        (utc_text(day_start), utc_text(now - timedelta(days=7))),
    )
    topics = await tx.all(
        """SELECT topic, SUM(useful) AS up, SUM(1 - useful) AS down FROM tip_feedback
           GROUP BY topic ORDER BY topic"""
    )
    hours = await tx.all(
        """SELECT CAST(substr(started_at, 12, 2) AS INTEGER) AS hour, COUNT(*) AS n
           FROM calls GROUP BY hour ORDER BY n DESC, hour LIMIT 3"""
    )
    first_day = (now - timedelta(days=DAYS - 1)).date()
    days = await tx.all(
        """SELECT substr(started_at, 1, 10) AS day, COUNT(*) AS n FROM calls
           WHERE started_at >= ? GROUP BY day""",
        (first_day.isoformat(),),
    )
    counted = {row["day"]: row["n"] for row in days}
    assert people is not None and flares is not None and promises is not None and tips is not None
    return Figures(
        people=people["n"],
        active_week=people["week"] or 0,
        blocked=people["blocked"] or 0,
        by_language={row["lang"]: row["n"] for row in languages},
        calls={row["outcome"]: row["n"] for row in outcomes},
        flareups_per_call=round(flares["avg"] or 0.0, 2),
        kept=promises["kept"] or 0,
        missed=promises["missed"] or 0,
        tips_today=tips["today"] or 0,
        tips_week=tips["week"] or 0,
        feedback={row["topic"]: (row["up"], row["down"]) for row in topics},
        busiest_hours=[(row["hour"], row["n"]) for row in hours],
        per_day=[counted.get((first_day + timedelta(days=n)).isoformat(), 0) for n in range(DAYS)],
    )


def sparkline(values: list[int]) -> str:
    """Calls per day as one line of bars: no plotting library for one small chart."""
    top = max(values) if values else 0
    if not top:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[round(value / top * (len(SPARKS) - 1))] for value in values)
