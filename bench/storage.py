"""Benchmark: the bot at 100,000 people — the scheduler tick, the start, the memory.

Seeds a database the way a year-old bot would look (plain sqlite3 `executemany` into the
schema `Database.open()` creates): 100,000 people, 50,000 of them subscribed to the daily
tip at times spread over the day in five zones (each with its stored next moment, and
today's tip delivered to those whose time has passed), 10,000 finished calls with an open
follow-up reminder due over the next 30 days, 3,000 calls running now (a few of them idle
for hours, for the sweep to close) and 20,000 finished dialogs.

Then, in this process, with a fake clock that moves 20 s per tick:

* the scheduler tick as the bot runs it (`bot.app.assemble` + `Scheduler.tick`: the idle
  sweep, every delivery's `due`, the hourly prune), with the jobs it finds counted instead
  of sent. Reported per tick: wall time, *event-loop time* (CPU of the loop's thread, which
  is what holds up every other update), the whole process's CPU (SQLite's thread too) and
  the longest stretch the loop could not answer a heartbeat;

and as its own process (`python -m bot` against the stand-in Bot API):

* start to the first getUpdates, and the bot's peak RSS once its first tick has run.

    .venv/bin/python bench/storage.py
    .venv/bin/python bench/storage.py --people 10000 --subscribers 5000   # quick check

Targets (issue 8): tick ≤ 50 ms of event-loop time, start ≤ 1.5 s, RSS ≤ 120 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, BenchStub, status_mib
from bot.app import assemble
from bot.config import Config
from bot.database.connection import Database, utc_text
from bot.delivery.scheduler import Job, Scheduler
from bot.run import loop
from dialogs.schedule import Subscription, next_tip_at, wall_time

ZONES = ("Asia/Almaty", "Europe/Moscow", "Asia/Aqtobe", "Asia/Oral", "UTC")
TOKEN = "123456:BENCH-token"


class CountingScheduler(Scheduler):
    """The real tick; the jobs it starts are counted, not sent."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.found: list[Job] = []

    def _start(self, delivery: object, job: Job) -> None:  # type: ignore[override]
        self.found.append(job)


def seed(path: Path, args: argparse.Namespace, now: datetime) -> dict[str, int]:
    rng = random.Random(8)
    text = utc_text(now)
    counts: dict[str, int] = {}
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys=OFF")
    with db:
        users = []
        for user_id in range(1, args.people + 1):
            language = rng.choice(("ru", "ru", "kk"))
            users.append(
                (user_id, user_id, f"P{user_id}", language, language, ZONES[user_id % 5], text)
            )
        db.executemany(
            """INSERT INTO users (user_id, chat_id, first_name, language, telegram_language,
                                  timezone, created_at, last_seen_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [(*u, u[-1]) for u in users],
        )
        counts["people"] = len(users)

        subscribers = rng.sample(range(1, args.people + 1), args.subscribers)
        subscriptions, delivered = [], []
        for n, user_id in enumerate(subscribers):
            minute = (n * 1440 // args.subscribers + rng.randrange(5)) % 1440
            local_time = f"{minute // 60:02}:{minute % 60:02}"
            zone = ZoneInfo(ZONES[user_id % 5])
            sub = Subscription(True, local_time)
            today = now.astimezone(zone).date()
            moment = datetime.combine(today, wall_time(local_time), tzinfo=zone)
            passed = moment <= now
            if passed:  # today's tip went out at its time
                delivered.append((user_id, "tip", today.isoformat(), utc_text(moment), "sent"))
            upcoming = next_tip_at(sub, now, zone, delivered_today=passed)
            assert upcoming is not None
            subscriptions.append((user_id, local_time, text, utc_text(upcoming)))
        db.executemany(
            """INSERT INTO subscriptions (user_id, enabled, local_time, updated_at, next_due_at)
               VALUES (?, 1, ?, ?, ?)""",
            subscriptions,
        )
        db.executemany(
            """INSERT INTO deliveries (user_id, kind, key, claimed_at, status)
               VALUES (?, ?, ?, ?, ?)""",
            delivered,
        )
        counts["subscribers"] = len(subscriptions)
        counts["tips delivered today"] = len(delivered)

        # finished calls, each with an open reminder due over the next 30 days
        callers = rng.sample(range(1, args.people + 1), args.reminders)
        calls, reminders = [], []
        for n, user_id in enumerate(callers, start=1):
            started = now - timedelta(days=rng.uniform(0, 30))
            due = now + timedelta(seconds=rng.uniform(60, 30 * 86400))
            calls.append(
                (
                    n,
                    user_id,
                    1,
                    utc_text(started),
                    utc_text(started),
                    utc_text(started),
                    "Клиент недоволен сроками",
                    "исправим до пятницы",
                    "ours",
                    "tomorrow",
                    utc_text(due),
                    ZONES[user_id % 5],
                    "done",
                )
            )
            reminders.append((user_id, n, utc_text(due), utc_text(started)))
        # calls running now: most touched in the last two hours, a few idle for longer
        runners = rng.sample(sorted(set(range(1, args.people + 1)) - set(callers)), args.running)
        dialogs = []
        state = json.dumps({"values": {}, "history": [["listen", 0]], "flareups": 0})
        for n, user_id in enumerate(runners, start=len(calls) + 1):
            idle = n % 500 == 0  # 0.2 %: past the 3-hour limit
            touched = now - timedelta(hours=rng.uniform(3.5, 6) if idle else rng.uniform(0, 2))
            calls.append(
                (
                    n,
                    user_id,
                    1,
                    utc_text(touched),
                    utc_text(touched),
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    ZONES[user_id % 5],
                    "active",
                )
            )
            dialogs.append(
                (user_id, "call", "restate", 3, 1, "active", state, 100, 3, utc_text(touched))
            )
        counts["idle calls to close"] = sum(
            1 for n in range(len(callers) + 1, len(calls) + 1) if n % 500 == 0
        )
        db.executemany(
            """INSERT INTO calls (id, user_id, call_no, started_at, updated_at, ended_at,
                                  complaint, promise, fault, remind, due_at, timezone, outcome)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            calls,
        )
        db.executemany(
            "INSERT INTO reminders (user_id, call_id, due_at, created_at) VALUES (?, ?, ?, ?)",
            reminders,
        )
        counts["open reminders"] = len(reminders)
        counts["running calls"] = len(dialogs)
        # finished dialogs of other people: the sweep's partial index must skip them
        others = rng.sample(range(1, args.people + 1), args.finished)
        taken = set(runners)
        dialogs += [
            (user_id, "library", "menu", 2, 0, "closed", state, 50, 2, text)
            for user_id in others
            if user_id not in taken
        ]
        db.executemany(
            """INSERT INTO dialogs (user_id, flow, node, revision, run, status, state_json,
                                    message_id, shown_revision, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            dialogs,
        )
        counts["dialogs"] = len(dialogs)
    db.execute("ANALYZE")
    db.close()
    return counts


def config(path: Path) -> Config:
    return Config(
        token=TOKEN,
        api_base_url="http://127.0.0.1:9/bot",
        db_path=str(path),
        admin_ids=frozenset(),
        log_level="WARNING",
        broadcast_rate=25,
    )


async def heartbeat(stalls: list[float]) -> None:
    """Records how late a 1 ms sleep wakes: the loop's longest stretch without yielding."""
    loop = asyncio.get_running_loop()
    while True:
        before = loop.time()
        await asyncio.sleep(0.001)
        stalls.append(loop.time() - before - 0.001)


async def ticks(path: Path, now: datetime, count: int) -> list[dict[str, float]]:
    clock_now = [now]
    assembly = assemble(config(path), lambda: clock_now[0])
    kit, features = assembly.kit, assembly.features
    await kit.db.open()
    scheduler = CountingScheduler(
        kit.db,
        kit.dialogs,
        [delivery for feature in features for delivery in feature.deliveries],
        None,
        lambda: clock_now[0],
    )
    results = []
    stalls: list[float] = []
    beat = asyncio.create_task(heartbeat(stalls))
    try:
        for number in range(count):
            clock_now[0] = now + timedelta(seconds=20 * (number + 1))
            scheduler.found.clear()
            await asyncio.sleep(0.05)
            stalls.clear()
            wall, loop_cpu, cpu = time.perf_counter(), time.thread_time(), time.process_time()
            await scheduler.tick()
            results.append(
                {
                    "wall": 1000 * (time.perf_counter() - wall),
                    "loop": 1000 * (time.thread_time() - loop_cpu),
                    "cpu": 1000 * (time.process_time() - cpu),
                    "stall": 1000 * max(stalls, default=0.0),
                    "jobs": len(scheduler.found),
                }
            )
    finally:
        beat.cancel()
        await kit.db.close()
    return results


async def start_process(path: Path, settle: float) -> tuple[float, float, float]:
    """Seconds from spawning `python -m bot` to its first getUpdates; then its peak and
    current RSS (MiB) once its first tick (1 s after the start) has run."""
    stub = BenchStub(token=TOKEN)
    await stub.start()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": f"{stub.base_url}/bot",
        "COACH_DB_PATH": str(path),
    }
    log = open(path.with_suffix(".log"), "a")  # noqa: SIM115 — closed below
    spawned = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        while not any(call.method == "getUpdates" for call in stub.calls):
            if process.returncode is not None or time.perf_counter() - spawned > 60:
                raise RuntimeError(f"the bot did not poll; see {path.with_suffix('.log')}")
            await asyncio.sleep(0.002)
        started = time.perf_counter() - spawned
        await asyncio.sleep(settle)
        return started, status_mib(process.pid), status_mib(process.pid, "VmRSS")
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            await process.wait()
        log.close()
        await stub.stop()


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-storage-") as tmp:
        path = Path(tmp) / "coach.db"
        now = datetime.now(UTC).replace(microsecond=0)
        now = now.replace(second=30)  # ticks at :50, :10 …: the next minute's tips fall due
        begun = time.perf_counter()
        db = await Database(path).open()
        await db.close()
        counts = seed(path, args, now)
        print(
            f"seeded in {time.perf_counter() - begun:.1f} s: "
            + ", ".join(f"{value:,} {name}" for name, value in counts.items())
        )
        print(f"database file: {path.stat().st_size / 2**20:.0f} MiB")

        results = await ticks(path, now, args.ticks)
        print(f"\nscheduler tick, {args.ticks} ticks 20 s apart (fake clock):")
        print(
            f"{'tick':>4} {'wall ms':>8} {'loop ms':>8} {'CPU ms':>7} {'stall ms':>9} {'jobs':>5}"
        )
        for number, r in enumerate(results, start=1):
            print(
                f"{number:>4} {r['wall']:>8.1f} {r['loop']:>8.1f} {r['cpu']:>7.1f} "
                f"{r['stall']:>9.1f} {r['jobs']:>5.0f}"
            )
        steady = results[1:] or results
        print(
            f"first tick (prune, idle calls closed): loop {results[0]['loop']:.1f} ms; steady "
            f"ticks: loop median {statistics.median(r['loop'] for r in steady):.1f} ms, max "
            f"{max(r['loop'] for r in steady):.1f} ms; wall median "
            f"{statistics.median(r['wall'] for r in steady):.1f} ms (target: loop ≤ 50 ms)"
        )

        starts, peaks, now_rss = [], [], []
        for _ in range(args.starts):
            started, peak, rss = await start_process(path, args.settle)
            starts.append(started)
            peaks.append(peak)
            now_rss.append(rss)
        print(
            f"\n`python -m bot` on this database, {args.starts} starts: first getUpdates after "
            f"{', '.join(f'{s:.2f}' for s in starts)} s (median {statistics.median(starts):.2f} s, "
            f"target ≤ 1.5 s)"
        )
        print(
            f"bot RSS {args.settle:g} s after the first poll (its first tick has run): peak "
            f"{max(peaks):.0f} MiB, now {max(now_rss):.0f} MiB (target ≤ 120 MB = 114 MiB)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--subscribers", type=int, default=50_000)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--running", type=int, default=3_000)
    parser.add_argument("--finished", type=int, default=20_000)
    parser.add_argument("--ticks", type=int, default=6)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--settle", type=float, default=3.0, help="s after the first poll")
    args = parser.parse_args()
    with asyncio.Runner(loop_factory=loop.new_loop) as runner:  # the bot's own loop
        runner.run(run(args))


if __name__ == "__main__":
    main()
