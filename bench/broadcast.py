"""Benchmark: a daily-tip broadcast and the call coach at the same time.

Why it exists: the broadcast of daily tips goes out through its own paced `Bot`
(`bot/delivery/broadcaster.py`), so it should reach the configured rate and never make a
person who is mid-call wait. This script checks both claims with numbers: 20 people press
buttons in the call coach (a pause of 0.5 to 1.5 s between a reply and the next press), first
for `--baseline` seconds with no broadcast, then while one tick's worth of due tips is
broadcast; it prints the achieved send rate and the reply times the people felt in both
phases, and the ratio of their p99s.

Everything runs in this one process and event loop: the stand-in Bot API
(`tests/stub_api`, with an artificial network latency on every method), the real PTB
application built by `bot.app.build_application` (as `tests.harness.RunningBot` starts it),
a temporary SQLite file, and the simulated people. The stub therefore shares the CPU with
the bot, so the figures are an upper bound on what the bot alone would cost. Replies are
paced per chat as in production (`--chat-rate`, default 1/s after a burst of 3).

Run from the repository root with the project's venv:

    .venv/bin/python bench/broadcast.py                           # 10,000 tips at 25/s
    .venv/bin/python bench/broadcast.py --users 1000 --rate 200   # quick check

Options: --users N (subscribers who get a tip), --rate R (COACH_BROADCAST_RATE),
--people P (people using /call meanwhile), --latency S (stub delay per request),
--think S (mean pause of a person between a reply and the next press), --baseline S
(seconds of pressing without the broadcast first), --chat-rate R (COACH_CHAT_RATE).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import random
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `bot` and `tests` live at the root, which is not installed

from bot.app import build_application  # noqa: E402
from bot.delivery.scheduler import Scheduler  # noqa: E402
from bot.run import loop  # noqa: E402
from tests.db import seed_subscription, seed_user, seeding  # noqa: E402
from tests.harness import TOKEN, Clock, RunningBot, config_for, is_card  # noqa: E402
from tests.stub_api import BotApiStub, Message  # noqa: E402

SUBSCRIBER_BASE = 1_000_000  # subscriber ids: SUBSCRIBER_BASE + n
PERSON_BASE = 9_000_000  # ids of the people using the call coach meanwhile
TICK_SECONDS = 24 * 3600.0  # the bot's own repeating tick must not start a second broadcast
SCHEDULER_TICK = 20.0  # the ticks the broadcast is driven by here: COACH_TICK_SECONDS' default
REPLY_TIMEOUT = 60.0  # a press not answered by then counts as lost
FLARE = "🔥"


class BenchBot(RunningBot):
    """`RunningBot` with the broadcast rate under test (the harness fixes it at 25/s)."""

    def __init__(
        self, stub: BotApiStub, db_path: Path, clock: Clock, rate: float, chat_rate: float
    ) -> None:
        config = replace(
            config_for(stub, db_path, TICK_SECONDS), broadcast_rate=rate, chat_rate=chat_rate
        )
        self.app = build_application(config, clock)

    async def start(self) -> None:
        await super().start()
        assert self.app.job_queue is not None
        for job in self.app.job_queue.jobs():  # post_init's tick would fire after 1 s
            job.schedule_removal()


@dataclass
class Presses:
    """What the people measured: reply times in seconds, and presses that got no reply."""

    reply_times: list[float] = field(default_factory=list)
    lost: int = 0


async def seed(db_path: Path, stub: BotApiStub, users: int, now: datetime) -> None:
    """Subscribers due right now (their tip time is this UTC minute, their zone UTC)."""
    async with seeding(db_path) as tx:
        for n in range(users):
            user_id = SUBSCRIBER_BASE + n
            await seed_user(tx, user_id, now, "ru", "UTC")  # the user's zone wins over the default
            await seed_subscription(tx, user_id, now.strftime("%H:%M"), now)
            stub.add_user(user_id, first_name=f"User {n}")


def current_card(stub: BotApiStub, user_id: int) -> Message | None:
    cards = [m for m in stub.messages(user_id) if is_card(m)]
    return cards[-1] if cards else None


def pick_button(card: Message, flare: bool) -> str:
    """callback_data of the 🔥 flare-up button when asked and shown, else of the first one."""
    buttons = [b for row in card.reply_markup["inline_keyboard"] for b in row]
    if flare:
        for button in buttons:
            if button["text"].startswith(FLARE):
                return button["callback_data"]
    return buttons[0]["callback_data"]


async def use_coach(
    stub: BotApiStub,
    user_id: int,
    phase: list[tuple[asyncio.Future[None], Presses]],
    think: float,
    rng: random.Random,
) -> None:
    """One person: /call, then presses on their card, phase after phase: in each, until
    its future (a timer, the broadcast) is done, the reply times go to its `Presses`.

    The first press is "Слушаю клиента ▶"; then 🔥 flare-up and the first button alternate
    (listen → listen 🔥xn → restate → listen …), so every press really changes the card.
    The reply time is from the press to the moment the query is answered and the card edited.
    """
    await stub.send_text(user_id, "/call", language_code="ru")
    await stub.wait_for(lambda: current_card(stub, user_id) is not None, REPLY_TIMEOUT)
    flare = [False]
    for until, presses in phase:
        if not await press_until(stub, user_id, until, think, rng, presses, flare):
            return


async def press_until(
    stub: BotApiStub,
    user_id: int,
    until: asyncio.Future[None],
    think: float,
    rng: random.Random,
    presses: Presses,
    flare: list[bool],
) -> bool:
    """Presses until `until` is done (`flare[0]`: whether the next press is 🔥); False if a
    press went unanswered."""
    while not until.done():
        card = current_card(stub, user_id)
        assert card is not None
        edits = card.edits
        started = time.monotonic()
        query_id = await stub.press(user_id, card.message_id, pick_button(card, flare[0]))

        def replied(card: Message = card, edits: int = edits, query_id: str = query_id) -> bool:
            return bool(stub.state.callback_attempts.get(query_id)) and card.edits > edits

        try:
            await stub.wait_for(replied, REPLY_TIMEOUT)
        except AssertionError:
            presses.lost += 1
            return False  # the card is no longer where it was: this person stops measuring
        presses.reply_times.append(time.monotonic() - started)
        flare[0] = not flare[0]
        if think:
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
    return True


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    rank = math.ceil(share * len(sorted_values))
    return sorted_values[min(max(rank, 1), len(sorted_values)) - 1]


def reply_figures(presses: Presses) -> tuple[str, float]:
    times = sorted(t * 1000 for t in presses.reply_times)
    if not times:
        return f"no samples ({presses.lost} lost)", float("nan")
    figures = ", ".join(f"p{round(q * 100)} {percentile(times, q):.0f}" for q in (0.5, 0.95, 0.99))
    line = f"{figures}, max {times[-1]:.0f} ({len(times)} presses, {presses.lost} lost)"
    return line, percentile(times, 0.99)


def report(
    args: argparse.Namespace,
    stub: BotApiStub,
    people: set[int],
    alone: Presses,
    during: Presses,
    wall: float,
    seeding: float,
) -> None:
    tips = [
        call
        for call in stub.calls
        if call.method == "sendMessage" and int(call.params["chat_id"]) not in people
    ]
    sent = [call for call in tips if call.status == 200]
    too_many = sum(1 for call in stub.calls if call.status == 429)
    span = sent[-1].at - sent[0].at if len(sent) > 1 else 0.0
    achieved = (len(sent) - 1) / span if span > 0 else float("nan")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    print(
        f"users {args.users}, rate {args.rate:g}/s, people {args.people}, "
        f"latency {args.latency * 1000:g} ms, think {args.think:g} s, "
        f"chat rate {args.chat_rate:g}/s"
    )
    print(f"seeding:            {seeding:.1f} s")
    print(f"tips sent:          {len(sent)} of {args.users} ({len(tips) - len(sent)} failed)")
    print(f"broadcast wall:     {wall:.1f} s")
    print(
        f"achieved rate:      {achieved:.1f} tips/s over {span:.1f} s "
        f"(configured {args.rate:g}/s, {achieved / args.rate:.1%})"
    )
    print(f"429 responses:      {too_many}")
    alone_line, alone_p99 = reply_figures(alone)
    during_line, during_p99 = reply_figures(during)
    print(f"reply time (ms) without the broadcast ({args.baseline:g} s): {alone_line}")
    print(f"reply time (ms) during the broadcast:        {during_line}")
    print(f"people's p99 during / without:               {during_p99 / alone_p99:.2f}x")
    print(f"peak RSS:           {peak_mb:.0f} MiB (bot, stub and people together)")


async def broadcast_all(scheduler: Scheduler, stub: BotApiStub, users: int) -> None:
    """Tick as the bot's job queue does (every COACH_TICK_SECONDS) until every due tip is
    out: a tick takes at most a batch of due rows, the next ticks the rest."""

    def delivered() -> int:
        return sum(
            1
            for call in stub.calls
            if call.method == "sendMessage"
            and call.status == 200
            and SUBSCRIBER_BASE <= int(call.params["chat_id"]) < PERSON_BASE
        )

    while delivered() < users:
        await scheduler.tick()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(scheduler.drain()), SCHEDULER_TICK)
    await scheduler.drain()


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-broadcast-") as tmp:
        db_path = Path(tmp) / "coach.db"
        stub = BotApiStub(token=TOKEN)
        await stub.start()
        try:
            stub.set_latency("*", args.latency)
            clock = Clock(datetime.now(UTC).replace(second=30, microsecond=0))
            started = time.monotonic()
            await seed(db_path, stub, args.users, clock.now)
            seeding = time.monotonic() - started

            people = [PERSON_BASE + n for n in range(args.people)]
            alone, during = Presses(), Presses()
            rng = random.Random(1)
            bot = BenchBot(stub, db_path, clock, args.rate, args.chat_rate)
            await bot.start()
            try:
                scheduler: Scheduler = bot.app.bot_data["scheduler"]
                loop = asyncio.get_running_loop()
                baseline: asyncio.Future[None] = loop.create_future()
                broadcast: asyncio.Future[None] = loop.create_future()
                phases = [(baseline, alone), (broadcast, during)]
                users = [
                    asyncio.create_task(use_coach(stub, p, phases, args.think, rng)) for p in people
                ]
                try:
                    await asyncio.sleep(args.baseline)
                    baseline.set_result(None)
                    started = time.monotonic()
                    await broadcast_all(scheduler, stub, args.users)
                    wall = time.monotonic() - started
                    broadcast.set_result(None)
                    await asyncio.gather(*users)
                finally:
                    for task in users:
                        task.cancel()
                    await asyncio.gather(*users, return_exceptions=True)
            finally:
                await bot.stop()
        finally:
            await stub.stop()
    report(args, stub, set(people), alone, during, wall, seeding)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10_000, help="subscribers due now")
    parser.add_argument("--rate", type=float, default=25.0, help="broadcast rate, tips/s")
    parser.add_argument("--people", type=int, default=20, help="people using /call meanwhile")
    parser.add_argument("--latency", type=float, default=0.03, help="stub delay per request, s")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause between a reply and the next press, s"
    )
    parser.add_argument(
        "--baseline", type=float, default=60.0, help="seconds of pressing before the broadcast"
    )
    parser.add_argument(
        "--chat-rate", type=float, default=1.0, help="COACH_CHAT_RATE: replies per second per chat"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with asyncio.Runner(loop_factory=loop.new_loop) as runner:  # the bot's own loop
        runner.run(run(args))


if __name__ == "__main__":
    main()
