"""`/export` as files on disk, built a batch of rows at a time off the event loop.

A person with years of calls has tens of megabytes stored: read whole on the loop, that
blocked everyone for seconds and held it all in memory twice. Each batch is read under
the lock briefly and formatted and written by a worker thread; a file that would pass
the Bot API's upload limit goes on in a next part."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from bot.content.catalog import Catalog
from bot.database.connection import Store
from bot.dialog.person import Person
from bot.privacy.data import PERSON_COLUMN, exported, personal_tables
from bot.privacy.sheet import headers, sheet_row

# the Bot API takes uploads up to 50 MB; a part stays below, with room for the form
PART_BYTES = 45 * 1000 * 1000
BATCH = 500  # rows read per trip to the database
KEY = "export_rowid"  # the position read up to, kept out of the exported rows
CALLS = "calls"  # the table the spreadsheet shows


class Parts:
    """Files of at most `limit` bytes each, numbered: a piece that would pass the limit
    closes the part (with `close`'s ending) and opens the next (with `open`'s start)."""

    def __init__(self, folder: Path, name: str, limit: int) -> None:
        self.folder, self.name, self.limit = folder, name, limit
        self.paths: list[Path] = []
        self._file: IO[bytes] | None = None
        self._size = 0
        self._filled = False  # the part holds a piece beyond its start

    def start(self) -> bytes:
        raise NotImplementedError

    def end(self) -> bytes:
        raise NotImplementedError

    def _write(self, data: bytes) -> None:
        assert self._file is not None
        self._file.write(data)
        self._size += len(data)

    def _open(self) -> None:
        path = self.folder / f"{self.name}.{len(self.paths) + 1}"
        self.paths.append(path)
        self._file = path.open("wb")
        self._size, self._filled = 0, False
        self._write(self.start())

    def piece(self, make: Callable[[], bytes]) -> None:
        """`make` is asked again after a new part opens: a piece may read differently
        as the first of a part (no comma before it)."""
        if self._file is None:
            self._open()
        data = make()
        if self._filled and self._size + len(data) + len(self.end()) > self.limit:
            self.close()
            self._open()
            data = make()
        self._write(data)
        self._filled = True

    def close(self) -> None:
        if self._file is None:
            self._open()
        self._write(self.end())
        assert self._file is not None
        self._file.close()
        self._file = None


class JsonParts(Parts):
    """`{"exported_at", "user_id", "part", "tables": {table: [rows]}}` per part."""

    def __init__(self, folder: Path, head: dict[str, Any], limit: int) -> None:
        super().__init__(folder, "json", limit)
        self.head = head
        self._table: str | None = None  # the table whose list is open in this part
        self._first_row = True

    def start(self) -> bytes:
        head = json.dumps({**self.head, "part": len(self.paths)}, ensure_ascii=False, indent=2)
        self._table, self._first_row = None, True
        return (head.removesuffix("\n}") + ',\n  "tables": {').encode()

    def end(self) -> bytes:
        return (("\n    ]" if self._table else "") + "\n  }\n}\n").encode()

    def table(self, name: str) -> None:
        self.piece(lambda: self._table_start(name))

    def _table_start(self, name: str) -> bytes:
        before = "" if self._table is None else "\n    ],"
        self._table, self._first_row = name, True
        return f"{before}\n    {json.dumps(name)}: [".encode()

    def row(self, row: dict[str, Any]) -> None:
        table = self._table
        assert table is not None
        self.piece(lambda: self._row(table, row))

    def _row(self, table: str, row: dict[str, Any]) -> bytes:
        lead = b""
        if self._table != table:  # a new part: the table's list opens again
            lead = self._table_start(table)
        comma = "" if self._first_row else ","
        self._first_row = False
        text = json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n      ")
        return lead + f"{comma}\n      {text}".encode()


class CsvParts(Parts):
    """The calls in the person's words, the headers again at the top of each part."""

    def __init__(self, folder: Path, catalog: Catalog, person: Person, limit: int) -> None:
        super().__init__(folder, "csv", limit)
        self.catalog, self.person = catalog, person

    def start(self) -> bytes:
        return _csv_line(headers(self.catalog, self.person)).encode("utf-8-sig")

    def end(self) -> bytes:
        return b""

    def row(self, call: dict[str, Any]) -> None:
        line = _csv_line(sheet_row(self.catalog, self.person, call)).encode()
        self.piece(lambda: line)


def _csv_line(cells: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    return out.getvalue()


async def build(
    db: Store, catalog: Catalog, person: Person, folder: Path, head: dict[str, Any]
) -> tuple[list[Path], list[Path]]:
    """The JSON parts and the spreadsheet parts of everything stored about `person`."""
    data = JsonParts(folder, head, PART_BYTES)
    sheet = CsvParts(folder, catalog, person, PART_BYTES)
    async with db.read() as tx:
        tables = await personal_tables(tx)
    for table in tables:
        await asyncio.to_thread(data.table, table)
        after = db.dialect.first_key  # below any row's
        while True:
            rows = await _batch(db, table, person.user_id, after)
            if not rows:
                break
            after = rows[-1][KEY]
            for row in rows:
                del row[KEY]
            await asyncio.to_thread(_write, data, sheet if table == CALLS else None, rows)
    await asyncio.to_thread(data.close)
    await asyncio.to_thread(sheet.close)
    return data.paths, sheet.paths


async def _batch(db: Store, table: str, user_id: int, after: Any) -> list[dict[str, Any]]:
    """The next rows of the person in `table`, in the order written: one batch per block,
    so SQLite's lock is held for one batch."""
    key, param = db.dialect.row_key, db.dialect.key_param
    async with db.read() as tx:
        rows = await tx.all(
            f"""SELECT {key} AS {KEY}, * FROM {table} WHERE {PERSON_COLUMN} = ?
                AND {key} > {param} ORDER BY {key} LIMIT ?""",
            (user_id, after, BATCH),
        )
    return [exported(dict(row)) for row in rows]


def _write(data: JsonParts, sheet: CsvParts | None, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        data.row(row)
        if sheet is not None:
            sheet.row(row)
