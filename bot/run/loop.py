"""The event loop the bot runs on: uvloop where it is installed (Linux and macOS), asyncio's
own elsewhere.

Why: the loop's own work — socket sends, `select`, task steps, wake-ups from SQLite's
thread — was about a quarter of the CPU a press costs; under uvloop it is libuv's C, and a
press costs a fifth less (README, Benchmarks). The tests run on the same loop
(`tests/conftest.py`), so what they check is what runs.
"""

from __future__ import annotations

import asyncio

try:
    import uvloop
except ImportError:  # Windows: uvloop is not built for it
    uvloop = None


def policy() -> asyncio.AbstractEventLoopPolicy:
    return uvloop.EventLoopPolicy() if uvloop is not None else asyncio.DefaultEventLoopPolicy()


def use() -> None:
    """Before PTB makes its loop (`run_polling`) or `asyncio.run` does (webhook mode)."""
    asyncio.set_event_loop_policy(policy())
