"""Posts the webhook server refused, logged as one line a minute at most, with a count.

Anyone can post to the server, and a line per refused post would let them fill the
journal. The first refusal of a quiet spell is logged at once, so an operator sees an
attack start; what follows in the same minute is summed up at its end.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable

log = logging.getLogger(__name__)
EVERY = 60.0  # seconds between two lines at most


class Refusals:
    """Counts refused posts by reason and writes them out at most once every `every` s."""

    def __init__(
        self, monotonic: Callable[[], float] = time.monotonic, every: float = EVERY
    ) -> None:
        self.monotonic = monotonic
        self.every = every
        self.counts: Counter[str] = Counter()
        self.forged: tuple[int | None, int | None] | None = None  # the last (sender, chat)
        self._logged_at: float | None = None
        self._timer: asyncio.TimerHandle | None = None

    def refuse(self, reason: str) -> None:
        self.counts[reason] += 1
        now = self.monotonic()
        if self._logged_at is None or now - self._logged_at >= self.every:
            self.flush()
        elif self._timer is None:
            wait = self.every - (now - self._logged_at)
            self._timer = asyncio.get_running_loop().call_later(wait, self.flush)

    def forged_chat(self, sender: int | None, chat: int | None) -> None:
        """Ids only: the sender named is the person whose data was asked for."""
        self.forged = (sender, chat)
        self.refuse("forged chat")

    def flush(self) -> None:
        """The line for what was counted since the last one (nothing when nothing was)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._logged_at = self.monotonic()
        if not self.counts:
            return
        total = sum(self.counts.values())
        reasons = ", ".join(f"{reason}: {n}" for reason, n in self.counts.most_common())
        line = f"webhook: refused {total} post{'s' * (total != 1)} in the last minute ({reasons})"
        if self.forged is not None and self.counts["forged chat"]:
            line += f"; the last forged one: from user {self.forged[0]} in chat {self.forged[1]}"
        log.warning(line)
        self.counts.clear()
        self.forged = None
