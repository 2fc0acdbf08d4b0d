"""Benchmark: people pressing through the coach as fast as answers arrive, against two floors.

The stand-in Bot API (`tests/stub_api`) and the simulated people run in this process; each
bot under test runs as its own process, as a person would run it:

* `coach`       — `python -m bot` (TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL, COACH_DB_PATH),
                  `COACH_CHAT_RATE=0`: replies paced only after a 429, like the bare floors;
* `coach-paced` — the same with the default `COACH_CHAT_RATE=1` (1 edit/s per chat after a
                  burst of 3): what a person really gets; not compared with the floors;
* `ptb`         — `bench/floors/ptb_bot.py`, a bare python-telegram-bot (stock httpx);
* `ptb-aiohttp` — the same bare bot on the project's `AiohttpRequest`;
* `aiogram`     — `bench/floors/aiogram_bot.py`, a bare aiogram 3 bot (from `bench/.venv`);
* `…-card`      — `ptb-aiohttp-card`, `aiogram-card`: the same floors drawing the coach's own
                  listen card (`bench/floors/coach_card.json`: its HTML, seven buttons, one of
                  them for inline mode) instead of two words under two buttons, so the cost
                  of the card's size is told apart from the cost of the coach's own work;
* `…-uvloop`    — `ptb-aiohttp-uvloop`, `aiogram-uvloop`: the bare floors on uvloop, the loop
                  the coach runs on (`bot/run/loop.py`); the others run on asyncio's own.

Each person sends /call, then presses as soon as the previous press is answered: the
callback query answered *and* the card edited. Presses alternate the 🔥 flare-up button
and the first button (on the coach: listen → 🔥 → "client has spoken" → restate → 🔥 …),
so every press changes the card. Bots run in interleaved rounds (coach, floors, coach,
floors …) to spread a shared machine's noise over all of them. For each bot: presses
answered per second, p50/p90/p99 of press → answered and edited, CPU ms per press of the
bot process (utime+stime from /proc/<pid>/stat over the measured window), its peak RSS
(VmHWM), and the ratios coach/floor. The driver's own CPU use is printed too: near 100 %
of a core it, not the bot, is the limit.

    .venv/bin/python bench/coach.py                          # 20 and 100 people, 10 s, 2 rounds
    .venv/bin/python bench/coach.py --people 20 --seconds 5 --rounds 1 --bots coach,ptb
    .venv/bin/python bench/coach.py --bot-dir /tmp/before    # the coach of another checkout
    .venv/bin/python bench/coach.py --people 20 --bots coach --profile /tmp/prof  # py-spy
    .venv/bin/python bench/coach.py --database postgresql   # = --bots coach,coach-pg,coach-pg2

`coach-pg` is the coach on a PostgreSQL the benchmark starts (as the tests do:
`tests/postgres.py`), a fresh database per round; `coach-pg2` is two coach processes in
webhook mode behind a round-robin forwarder (`tests/forwarder.py`) sharing one: their CPU
and RSS are summed. `+server` is PostgreSQL's own CPU per press (SQLite's is the bot's).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    ROOT,
    BenchStub,
    cpu_seconds,
    inline_card,
    percentile,
    pick_button,
    status_mib,
    until,
)
from tests.forwarder import Forwarder
from tests.postgres import free_port, start_cluster

TOKEN = "123456:BENCH-token"
WEBHOOK_SECRET = "bench-webhook-secret-of-32-characters-at-least"
PRESS_TIMEOUT = 10.0  # a press not answered by then is counted as lost
PROJECT_PYTHON = Path(sys.executable)  # the project's venv: the coach and the PTB floors
BENCH_VENV = Path(os.environ.get("BENCH_VENV", ROOT / "bench" / ".venv"))  # aiogram, py-spy
BENCH_PYTHON = BENCH_VENV / "bin" / "python"
ALL_BOTS = (
    "coach",
    "coach-paced",
    "coach-pg",
    "coach-pg2",
    "ptb",
    "ptb-aiohttp",
    "aiogram",
    "ptb-aiohttp-card",
    "aiogram-card",
    "ptb-aiohttp-uvloop",
    "aiogram-uvloop",
)
FLOORS = ALL_BOTS[4:]
INSTANCES = {"coach-pg2": 2}  # coach processes behind the forwarder, sharing PostgreSQL
POSTGRESQL_ROUNDS = ["coach", "coach-pg", "coach-pg2"]  # `--database postgresql`
COACH_CARD = ROOT / "bench/floors/coach_card.json"  # the listen card, as the coach draws it


@dataclass
class Round:
    bot: str
    people: int
    presses: int = 0
    lost: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # ms
    cpu: float = 0.0  # bot process, s, over the window
    driver_cpu: float = 0.0  # this process, s, over the window
    peak_rss: float = 0.0  # MiB
    server_cpu: float = 0.0  # PostgreSQL's processes, s, over the window (0 on SQLite)
    start: float = 0.0  # s from spawning the bot to its first getUpdates

    @property
    def rate(self) -> float:
        return self.presses / self.seconds if self.seconds else 0.0


def command(bot: str, bot_dir: Path, root: str, database: dict) -> tuple[list[str], dict, Path]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": f"{root}/bot",
        "BENCH_API_ROOT": root,
    }
    if bot.startswith("coach"):
        env |= {**database, "COACH_CHAT_RATE": "1" if bot == "coach-paced" else "0"}
        return [str(PROJECT_PYTHON), "-m", "bot"], env, bot_dir
    if bot.endswith("-card"):  # the floor draws the coach's own card instead of two words
        env["BENCH_CARD"] = str(COACH_CARD)
        bot = bot.removesuffix("-card")
    if bot.endswith("-uvloop"):  # the floor on the coach's loop
        env["BENCH_UVLOOP"] = "1"
        bot = bot.removesuffix("-uvloop")
    if bot == "aiogram":
        return [str(BENCH_PYTHON), str(ROOT / "bench/floors/aiogram_bot.py")], env, ROOT
    http = "aiohttp" if bot == "ptb-aiohttp" else "httpx"
    script = str(ROOT / "bench/floors/ptb_bot.py")
    return [str(PROJECT_PYTHON), script, "--http", http], env, ROOT


async def person(
    stub: BenchStub, user_id: int, started: asyncio.Event, stop: asyncio.Event, out: list
) -> None:
    """/call, then press after press until told to stop; appends (end, latency s) or None."""
    wake = stub.watch(user_id)
    await stub.send_text(user_id, "/call", language_code="ru")
    if not await until(wake, lambda: inline_card(stub, user_id) is not None, 30):
        out.append(None)
        return
    started.set()
    card = inline_card(stub, user_id)
    assert card is not None
    flare = False
    while not stop.is_set():
        edits = card.edits
        begun = time.perf_counter()
        query_id = await stub.press(user_id, card.message_id, pick_button(card, flare))
        stub.query_owner[query_id] = user_id

        def replied(query_id: str = query_id, edits: int = edits) -> bool:
            return bool(stub.state.callback_attempts.get(query_id)) and card.edits > edits

        if not await until(wake, replied, PRESS_TIMEOUT):
            out.append(None)
            return
        ended = time.perf_counter()
        out.append((ended, ended - begun))
        flare = not flare


def database_env(bot: str, args: argparse.Namespace, tmp: Path, name: str) -> dict[str, str]:
    """Where this round's coach keeps its data: a new SQLite file or PostgreSQL database."""
    if bot.startswith("coach-pg"):
        return {"COACH_DATABASE_URL": args.cluster.new_database()}
    return {"COACH_DB_PATH": str(tmp / f"{name}-{time.monotonic_ns()}.db")}


def instance_envs(bot: str, args: argparse.Namespace, forwarder: Forwarder | None) -> list[dict]:
    """One environment per process: the single polling one, or webhook instances each on
    its own port behind the forwarder."""
    if forwarder is None:
        return [{}]
    return [
        {
            "COACH_WEBHOOK_URL": forwarder.url,
            "COACH_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "COACH_WEBHOOK_PORT": str(port),
        }
        for port in forwarder.targets
    ]


async def one_round(bot: str, people: int, args: argparse.Namespace, tmp: Path) -> Round:
    stub = BenchStub(token=TOKEN)
    await stub.start()
    result = Round(bot, people)
    forwarder = None
    if bot in INSTANCES:
        forwarder = Forwarder()
        forwarder.targets = [free_port() for _ in range(INSTANCES[bot])]
        await forwarder.start()
    database = database_env(bot, args, tmp, f"{bot}-{people}")
    log = open(tmp / f"{bot}.log", "w")  # noqa: SIM115 — closed below
    spawned = time.perf_counter()
    processes = []
    for extra in instance_envs(bot, args, forwarder):
        argv, env, cwd = command(bot, args.bot_dir, stub.base_url, database)
        processes.append(
            await asyncio.create_subprocess_exec(
                *argv, cwd=cwd, env=env | extra, stdout=log, stderr=log
            )
        )
    process = processes[0]
    tasks: list[asyncio.Task] = []
    try:
        polled = await _first_poll(stub, processes, 30)
        if not polled:
            raise RuntimeError(f"{bot} never polled; see {tmp / (bot + '.log')}")
        result.start = time.perf_counter() - spawned
        stop = asyncio.Event()
        started = asyncio.Event()
        out: list = []
        tasks = [
            asyncio.create_task(person(stub, 1000 + n, started, stop, out)) for n in range(people)
        ]
        await asyncio.wait_for(started.wait(), 30)
        await asyncio.sleep(args.warmup)
        spy = await profile(bot, people, process.pid, args, tmp)
        window_start = time.perf_counter()
        cpu0, driver0 = sum(cpu_seconds(p.pid) for p in processes), time.process_time()
        server0 = server_cpu(args)
        await asyncio.sleep(args.seconds)
        window_end = time.perf_counter()
        cpu1, driver1 = sum(cpu_seconds(p.pid) for p in processes), time.process_time()
        result.server_cpu = server_cpu(args) - server0
        result.peak_rss = sum(status_mib(p.pid) for p in processes)
        stop.set()
        if spy is not None:
            await spy.wait()
        await asyncio.wait(tasks, timeout=PRESS_TIMEOUT + 1)
        result.seconds = window_end - window_start
        result.cpu = cpu1 - cpu0
        result.driver_cpu = driver1 - driver0
        for entry in out:
            if entry is None:
                result.lost += 1
            elif window_start <= entry[0] < window_end:
                result.presses += 1
                result.latencies.append(entry[1] * 1000)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(*(_stop(p) for p in processes))
        log.close()
        if forwarder is not None:
            await forwarder.stop()
        await stub.stop()
    return result


async def profile(
    bot: str, people: int, pid: int, args: argparse.Namespace, tmp: Path
) -> asyncio.subprocess.Process | None:
    """py-spy over the measured window (`--profile DIR`): collapsed stacks per thread, of
    the samples where the bot was on the CPU, for `bench/profile.py` to summarize."""
    if args.profile is None or not bot.startswith(args.profile_bots):
        return None
    args.profile.mkdir(parents=True, exist_ok=True)
    out = args.profile / f"{bot}-{people}-{time.strftime('%H%M%S')}.txt"
    return await asyncio.create_subprocess_exec(
        str(BENCH_VENV / "bin" / "py-spy"),
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(round(args.seconds)),
        "--rate",
        "250",
        "--nonblocking",
        "--threads",
        "--format",
        "raw",
        "-o",
        str(out),
        stdout=open(tmp / "py-spy.log", "a"),
        stderr=asyncio.subprocess.STDOUT,
    )


def server_cpu(args: argparse.Namespace) -> float:
    """PostgreSQL's own CPU so far (a backend that ended meanwhile is not counted)."""
    if args.cluster is None:
        return 0.0
    total = 0.0
    for pid in args.cluster.server_pids():
        with contextlib.suppress(OSError):
            total += cpu_seconds(pid)
    return total


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


async def _first_poll(stub: BenchStub, processes: list, timeout: float) -> bool:
    """Every process is taking updates: its first getUpdates, or its setWebhook."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline and all(p.returncode is None for p in processes):
        methods = [call.method for call in stub.calls]
        if "getUpdates" in methods or methods.count("setWebhook") >= len(processes):
            return True
        await asyncio.sleep(0.005)
    return False


def summary(rounds: list[Round]) -> dict[str, float]:
    latencies = [ms for r in rounds for ms in r.latencies]
    presses = sum(r.presses for r in rounds)
    return {
        "rate": statistics.mean(r.rate for r in rounds),
        "p50": percentile(latencies, 0.50),
        "p90": percentile(latencies, 0.90),
        "p99": percentile(latencies, 0.99),
        "cpu": 1000 * sum(r.cpu for r in rounds) / presses if presses else float("nan"),
        "server": 1000 * sum(r.server_cpu for r in rounds) / presses if presses else 0.0,
        "rss": max(r.peak_rss for r in rounds),
        "driver": 100 * sum(r.driver_cpu for r in rounds) / sum(r.seconds for r in rounds),
        "lost": sum(r.lost for r in rounds),
        "start": statistics.median(r.start for r in rounds),
    }


def show(people: int, results: dict[str, list[Round]]) -> None:
    print(f"\n== {people} people ==")
    header = (
        f"{'bot':<12} {'presses/s':>10} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} "
        f"{'CPU ms/press':>13} {'+server':>8} {'peak RSS MiB':>13} {'driver CPU':>11} "
        f"{'lost':>5}"
    )
    print(header)
    figures = {bot: summary(rounds) for bot, rounds in results.items()}
    for bot, f in figures.items():
        print(
            f"{bot:<12} {f['rate']:>10.1f} {f['p50']:>8.1f} {f['p90']:>8.1f} {f['p99']:>8.1f} "
            f"{f['cpu']:>13.2f} {f['server']:>8.2f} {f['rss']:>13.0f} {f['driver']:>10.0f}% "
            f"{f['lost']:>5.0f}"
        )
    for bot, rounds in results.items():
        per_round = ", ".join(
            f"{r.rate:.0f}/s p99 {percentile(r.latencies, 0.99):.0f} ms "
            f"cpu {1000 * r.cpu / max(r.presses, 1):.2f}"
            for r in rounds
        )
        print(f"  rounds {bot:<12} {per_round}")
    _against_sqlite(figures)
    for coach in ("coach", "coach-paced"):
        if coach not in figures:
            continue
        c = figures[coach]
        for floor in FLOORS:
            if floor not in figures:
                continue
            f = figures[floor]
            print(
                f"  {coach}/{floor:<12} presses/s {c['rate'] / f['rate']:.2f}x, "
                f"p99 {c['p99'] / f['p99']:.2f}x, CPU/press {c['cpu'] / f['cpu']:.2f}x, "
                f"RSS {c['rss'] / f['rss']:.2f}x"
            )


def _against_sqlite(figures: dict[str, dict[str, float]]) -> None:
    """PostgreSQL's rounds against the coach on SQLite, the server's CPU counted in."""
    if "coach" not in figures:
        return
    c = figures["coach"]
    for bot in INSTANCES.keys() | {"coach-pg"}:
        if bot in figures:
            f = figures[bot]
            print(
                f"  {bot}/coach presses/s {f['rate'] / c['rate']:.2f}x, p99 "
                f"{f['p99'] / c['p99']:.2f}x, CPU/press with the server "
                f"{(f['cpu'] + f['server']) / c['cpu']:.2f}x"
            )


async def run(args: argparse.Namespace) -> None:
    bots = POSTGRESQL_ROUNDS if args.database == "postgresql" else args.bots.split(",")
    unknown = set(bots) - set(ALL_BOTS)
    if unknown:
        raise SystemExit(f"unknown bots: {', '.join(sorted(unknown))}")
    if any(bot.startswith("aiogram") for bot in bots) and not BENCH_PYTHON.exists():
        raise SystemExit("bench/.venv is missing: run `make bench-setup` first")
    print(
        f"{args.seconds:g} s per round after {args.warmup:g} s warm-up, {args.rounds} rounds, "
        f"bots {', '.join(bots)}; coach from {args.bot_dir}; {os.cpu_count()} CPUs"
    )
    uses_postgresql = any(bot.startswith("coach-pg") for bot in bots)
    args.cluster = start_cluster() if uses_postgresql else None
    try:
        await _rounds(args, bots)
    finally:
        if args.cluster is not None:
            args.cluster.stop()


async def _rounds(args: argparse.Namespace, bots: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-coach-") as tmp:
        for people in args.people:
            results: dict[str, list[Round]] = {bot: [] for bot in bots}
            for number in range(args.rounds):
                for bot in bots:
                    result = await one_round(bot, people, args, Path(tmp))
                    results[bot].append(result)
                    print(
                        f"  round {number + 1} {bot:<12} {people:>3} people: "
                        f"{result.rate:6.1f} presses/s, p99 "
                        f"{percentile(result.latencies, 0.99):6.1f} ms, "
                        f"{1000 * result.cpu / max(result.presses, 1):.2f} CPU ms/press, "
                        f"start {result.start:.2f} s, lost {result.lost}",
                        flush=True,
                    )
            show(people, results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured window per round")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--bots", default="coach,ptb,ptb-aiohttp,aiogram,coach-paced")
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql"),
        help="postgresql: the coach on SQLite, on PostgreSQL and as two instances on it",
    )
    parser.add_argument(
        "--bot-dir", type=Path, default=ROOT, help="checkout whose `python -m bot` runs"
    )
    parser.add_argument(
        "--profile", type=Path, help="record py-spy profiles of the measured windows into DIR"
    )
    parser.add_argument("--profile-bots", default="coach", help="profile bots whose name starts so")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
