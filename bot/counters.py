"""The figures an operator watches, counted in memory and written to the log every few
minutes, in both modes: updates handled, errors, deliveries sent by kind.

Counts, not metrics: one process, no exporter to run. A restart starts them from zero;
the log line carries the figures since start and since the previous line, so a rate
can be read off the log alone.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import ContextTypes

log = logging.getLogger(__name__)
REPORT_SECONDS = 300


@dataclass
class Counters:
    """Fed by a handler seeing every update (group -1), an error handler and the
    scheduler, which counts what it sent into `sent` (shared: `Scheduler.sent`)."""

    sent: Counter[str] = field(default_factory=Counter)
    updates: int = 0
    errors: int = 0
    _previous: Counter[str] = field(default_factory=Counter, repr=False)

    async def count_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.updates += 1

    async def count_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.errors += 1

    def figures(self) -> Counter[str]:
        sent = {f"{kind}s sent": count for kind, count in self.sent.items()}
        return Counter({"updates handled": self.updates, "errors": self.errors, **sent})

    def line(self) -> str:
        """`updates handled 120 (+12), errors 0 (+0), tips sent 40 (+3), …`: since the
        start and, in brackets, since the previous line."""
        now = self.figures()
        text = ", ".join(
            f"{name} {value} (+{value - self._previous[name]})" for name, value in now.items()
        )
        self._previous = now
        return text

    async def report(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.info("figures: %s", self.line())
