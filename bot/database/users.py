"""The `users` table: who writes to the bot, their language, zone and reachability."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.database.connection import Tx, utc_text

SEEN_GRANULARITY = timedelta(hours=1)  # `last_seen_at` is for "active this week", not audit


@dataclass(frozen=True)
class User:
    user_id: int
    chat_id: int
    first_name: str
    language: str | None
    telegram_language: str | None
    timezone: str | None
    last_message_id: int
    active: bool = True
    last_seen_at: str = ""


COLUMNS = (
    "user_id, chat_id, first_name, language, telegram_language, timezone, last_message_id, "
    "active, last_seen_at"
)


async def load_user(tx: Tx, user_id: int) -> User | None:
    row = await tx.one(f"SELECT {COLUMNS} FROM users WHERE user_id = ?", (user_id,))
    if row is None:
        return None
    return User(**{**dict(row), "active": bool(row["active"])})


def unchanged(user: User, first_name: str, telegram_language: str | None, now: datetime) -> bool:
    """Whether an arrival would write nothing new."""
    seen = user.last_seen_at and utc_text(now - SEEN_GRANULARITY) < user.last_seen_at
    return bool(
        seen
        and user.active
        and (user.first_name, user.telegram_language) == (first_name, telegram_language)
    )


async def record_arrival(
    tx: Tx, user_id: int, first_name: str, telegram_language: str | None, now: datetime
) -> None:
    """Create the person, or bring their Telegram details up to date. Writing again makes a
    person who had blocked the bot reachable again.

    The stored chat is the person's own id, never an update's chat: Telegram gives a
    private chat its person's id, so only a forged update names another, and the chat
    stored is where that person's reminders and tips go.
    """
    await tx.execute(
        """INSERT INTO users (user_id, chat_id, first_name, telegram_language,
                              created_at, last_seen_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (user_id) DO UPDATE SET first_name = excluded.first_name,
               telegram_language = excluded.telegram_language,
               last_seen_at = excluded.last_seen_at, active = 1""",
        (user_id, user_id, first_name, telegram_language, utc_text(now), utc_text(now)),
    )


# The bot changes a person's language or zone through `People`, which tells the features
# whose stored moments follow the zone (`People.zone_watchers`); these are its statements.


async def set_language(tx: Tx, user_id: int, language: str) -> None:
    await tx.execute("UPDATE users SET language = ? WHERE user_id = ?", (language, user_id))


async def set_timezone(tx: Tx, user_id: int, zone_name: str) -> None:
    await tx.execute("UPDATE users SET timezone = ? WHERE user_id = ?", (zone_name, user_id))


async def set_active(tx: Tx, user_id: int, active: bool) -> None:
    """Blocked or kicked: nothing more is sent, reminders included, until they write again."""
    await tx.execute("UPDATE users SET active = ? WHERE user_id = ?", (int(active), user_id))


async def take_message(tx: Tx, user_id: int, message_id: int) -> None:
    """Remember the person's last typed message taken, to spot redeliveries after a restart."""
    await tx.execute(
        f"""UPDATE users SET last_message_id = {tx.dialect.greatest}(last_message_id, ?)
            WHERE user_id = ?""",
        (message_id, user_id),
    )
