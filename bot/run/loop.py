"""The event loop the bot runs on: uvloop where it is installed (Linux and macOS), asyncio's
own elsewhere.

Why: the loop's own work — socket sends, `select`, task steps, wake-ups from SQLite's
thread — was about a quarter of the CPU a press costs; under uvloop it is libuv's C, and a
press costs a fifth less (README, Benchmarks). Loops are made by a factory rather than a
global policy (asyncio's policies are deprecated from Python 3.14). The tests run on the
same loop (`tests/conftest.py`), so what they check is what runs.
"""

from __future__ import annotations

import asyncio

try:
    import uvloop
except ImportError:  # Windows: uvloop is not built for it
    uvloop = None


def new_loop() -> asyncio.AbstractEventLoop:
    return uvloop.new_event_loop() if uvloop is not None else asyncio.new_event_loop()


def install() -> None:
    """The loop PTB's `run_polling` takes as the current one."""
    asyncio.set_event_loop(new_loop())
