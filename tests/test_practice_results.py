"""Practice results are the person's own: /export carries them, /forget removes them."""

from __future__ import annotations

from bot.database.connection import Database
from bot.privacy.data import forget, personal_tables


async def test_results_are_exported_and_forgotten_with_the_person(db_path):
    db = await Database(db_path).open()
    try:
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (user_id, chat_id, created_at, last_seen_at)"
                " VALUES (7, 7, '2026-11-23', '2026-11-23')"
            )
            await tx.execute(
                "INSERT INTO practice_results (user_id, scenario, finished_at, listen, restate,"
                " apologize, resolve, follow_up, total)"
                " VALUES (7, 'quality', '2026-11-23T06:00:00+00:00', 1, 1, 0, 1, 1, 80)"
            )
            await tx.execute(
                "INSERT INTO practice_offers (user_id, offered_at) VALUES (7, '2026-11-23')"
            )
        async with db.transaction() as tx:
            exported = set(await personal_tables(tx))  # what /export and /forget go through
            assert {"practice_results", "practice_offers"} <= exported
            await forget(tx, 7)
        async with db.read() as tx:
            assert await tx.all("SELECT * FROM practice_results") == []
            assert await tx.all("SELECT * FROM practice_offers") == []
    finally:
        await db.close()
