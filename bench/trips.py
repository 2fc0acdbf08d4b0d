"""Benchmark: what a press's write costs on aiosqlite's thread, against the loop's own
connection that issue 20 gave up.

A press writes one UPDATE and commits. Here many presses run at once on the bot's loop,
each doing a press's worth of Python between its writes (`--work`), and each writing
under one lock as `Database.transaction()` does, in one of four ways:

* `none`   — no write: the work alone, subtracted from the others;
* `loop`   — sqlite3 on the loop, as before issue 20 (1dc4e11);
* `thread` — aiosqlite, the write and then the commit: two trips (a block that wrote before);
* `queued` — aiosqlite, the commit queued behind the write: one wake (a press's step).

Modes alternate round by round, so the machine's drift falls on all alike. Printed: the
process's CPU per press (both threads), and the write's share of it, the work taken off.

    .venv/bin/python bench/trips.py
    .venv/bin/python bench/trips.py --presses 100 --work 1000 --seconds 3 --rounds 5
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiosqlite

from bot.run.loop import new_loop

MODES = ("none", "loop", "thread", "queued")
PEOPLE = 1000
UPDATE = "UPDATE dialogs SET revision = revision + 1, state_json = ? WHERE user_id = ?"
STATE = '{"values": {"complaint": "the invoice was late again"}, "history": ["listen"]}'


def work(loops: int) -> int:
    """A press's Python between writes: parsing, rendering and sending, here a busy loop."""
    total = 0
    for i in range(loops):
        total += i * i % 7
    return total


def create(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.executescript(
            """PRAGMA journal_mode=WAL;
            CREATE TABLE dialogs (user_id INTEGER PRIMARY KEY, revision INT, state_json TEXT);"""
        )
        db.executemany("INSERT INTO dialogs VALUES (?, 0, ?)", ((u, STATE) for u in range(PEOPLE)))


async def measure(mode: str, path: Path, presses: int, loops: int, seconds: float) -> float:
    """CPU seconds of the process per block, `presses` presses pressing for `seconds`."""
    writer = await aiosqlite.connect(path)
    own = sqlite3.connect(path)
    own.execute("PRAGMA synchronous=NORMAL")  # the bot's, on both
    await writer.execute("PRAGMA synchronous=NORMAL")
    lock = asyncio.Lock()

    async def on_loop(user: int) -> None:
        own.execute(UPDATE, (STATE, user))
        own.commit()

    async def two_trips(user: int) -> None:
        await writer.execute(UPDATE, (STATE, user))
        await writer.commit()

    async def one_wake(user: int) -> None:
        written = asyncio.ensure_future(writer.execute(UPDATE, (STATE, user)))
        committed = asyncio.ensure_future(writer.commit())
        try:
            await written
        finally:
            await committed

    async def nothing(user: int) -> None:
        return None

    block: Callable[[int], Awaitable[None]] = {
        "none": nothing,
        "loop": on_loop,
        "thread": two_trips,
        "queued": one_wake,
    }[mode]
    done = 0
    deadline = asyncio.get_running_loop().time() + seconds

    async def press(user: int) -> None:
        nonlocal done
        while asyncio.get_running_loop().time() < deadline:
            work(loops)
            async with lock:
                await block(user)
            done += 1
            await asyncio.sleep(0)  # the reply's send: others run

    started = time.process_time()
    await asyncio.gather(*(press(user) for user in range(presses)))
    spent = time.process_time() - started
    await writer.close()
    own.close()
    return spent / done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=100, help="pressing at once")
    parser.add_argument("--work", type=int, default=3000, help="loop turns of Python per press")
    parser.add_argument("--seconds", type=float, default=2.0, help="per mode per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    figures: dict[str, list[float]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "trips.sqlite3"
        create(path)
        loop = new_loop()
        for _ in range(args.rounds):
            for mode in MODES:
                per_block = measure(mode, path, args.presses, args.work, args.seconds)
                figures[mode].append(loop.run_until_complete(per_block))
        loop.close()
    base = statistics.median(figures["none"])
    print(f"{args.presses} presses at once, {args.rounds} rounds of {args.seconds:g} s per mode")
    print(f"the press's own work: {base * 1e6:.0f} µs CPU")
    print("mode      CPU µs per press   the write's share   rounds")
    for mode in MODES:
        median = statistics.median(figures[mode])
        rounds = " ".join(f"{value * 1e6:.0f}" for value in figures[mode])
        print(f"{mode:8}  {median * 1e6:16.0f}   {(median - base) * 1e6:17.0f}   {rounds}")


if __name__ == "__main__":
    main()
