"""The event loop the bot runs on: uvloop where it is installed, asyncio's own elsewhere.

The loop's own work is a large share of what a press costs, and uvloop does it in C
(figures in `bench/README.md`). Loops come from a factory, not a global policy: asyncio's
policies are deprecated from Python 3.14. The tests run on the same loop, so they check
what runs.
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
