"""Everything stored about one person: the tables with a `user_id` column, found in the
database's catalog, so a table added later is exported and forgotten without a list here.

The one writer that is not a table's owner, by design: erasure per owner would be only
as complete as the owners that remembered it. It deletes all of a person's rows at once,
so no owner's rule about a single row can be broken."""

from __future__ import annotations

from typing import Any

from bot.database.connection import Tx
from bot.logs import masked

PERSON_COLUMN = "user_id"
ERROR_COLUMN = "detail"  # an error's text, stored before it was masked on the way in


async def personal_tables(tx: Tx) -> list[str]:
    """Every table holding rows of a person; `users` last, as rows elsewhere point to it."""
    rows = await tx.all(tx.dialect.tables_with_column, (PERSON_COLUMN,))
    return sorted(sorted(row["name"] for row in rows), key=lambda table: table == "users")


def exported(row: dict[str, Any]) -> dict[str, Any]:
    """A row as it leaves: an error text stored by an older version may quote the request
    URL with the bot's token, which must never reach a person."""
    if isinstance(row.get(ERROR_COLUMN), str):
        row[ERROR_COLUMN] = masked(row[ERROR_COLUMN])
    return row


async def forget(tx: Tx, user_id: int) -> dict[str, int]:
    """Delete every row of the person in every table; how many went from each."""
    await tx.begin()
    await tx.execute(tx.dialect.defer_foreign_keys)  # checked at commit, when all are gone
    deleted = {}
    for table in await personal_tables(tx):
        count = await tx.changed(f"DELETE FROM {table} WHERE {PERSON_COLUMN} = ?", (user_id,))
        if count:
            deleted[table] = count
    return deleted
