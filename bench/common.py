"""What the benchmarks share: process figures from /proc, percentiles, and a stand-in Bot
API that wakes exactly the person a request concerns.

`BenchStub` is the tests' `BotApiStub` with one addition: after each method it answers, it
wakes the simulated person whose chat (or whose callback query) the request was about.
The stub's own `wait_for` re-checks every waiter on every request, which with 100 people
pressing as fast as they can would make the driver, not the bot, the bottleneck.
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `tests` lives at the root, which is not installed

from tests.stub_api import BotApiStub, Message  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
FLARE = "🔥"


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process so far (its threads included), in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def status_mib(pid: int, field: str = "VmHWM") -> float:
    """A size from /proc/<pid>/status (VmHWM: peak resident set; VmRSS: now), in MiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (values need not be sorted)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = math.ceil(share * len(ordered))
    return ordered[min(max(rank, 1), len(ordered)) - 1]


def chat_of(params: dict[str, Any]) -> int | None:
    chat = params.get("chat_id")
    try:
        return int(chat) if chat is not None else None
    except (TypeError, ValueError):
        return None


class BenchStub(BotApiStub):
    """The stand-in Bot API, waking only the person a request was about."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.watchers: dict[int, asyncio.Event] = {}
        self.query_owner: dict[str, int] = {}

    def watch(self, user_id: int) -> asyncio.Event:
        return self.watchers.setdefault(user_id, asyncio.Event())

    async def _answer(self, entry: Any, call: Any, raw: Any) -> tuple[int, dict[str, Any]]:
        outcome = await super()._answer(entry, call, raw)
        chat = chat_of(call.params)
        if chat is None:
            chat = self.query_owner.get(str(call.params.get("callback_query_id")))
        if chat is not None and chat in self.watchers:
            self.watchers[chat].set()
        return outcome


async def until(event: asyncio.Event, done: Any, timeout: float) -> bool:
    """Wait until `done()` holds, woken by `event`; False after `timeout` seconds."""
    try:
        async with asyncio.timeout(timeout):
            while not done():
                event.clear()
                await event.wait()
    except TimeoutError:
        return False
    return True


def inline_card(stub: BotApiStub, user_id: int) -> Message | None:
    """The latest bot message in the chat with an inline keyboard."""
    for message in reversed(stub.messages(user_id)):
        if (message.reply_markup or {}).get("inline_keyboard"):
            return message
    return None


def pick_button(card: Message, flare: bool) -> str:
    """callback_data of the 🔥 flare-up button when asked and shown, else of the first one."""
    buttons = [b for row in card.reply_markup["inline_keyboard"] for b in row]
    buttons = [b for b in buttons if "callback_data" in b]
    if flare:
        for button in buttons:
            if button["text"].startswith(FLARE):
                return button["callback_data"]
    return buttons[0]["callback_data"]
