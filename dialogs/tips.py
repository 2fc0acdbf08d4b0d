"""Which tip comes next: none repeats until the whole catalog has been seen.

Pure, with the random source passed in, so tests can walk a whole cycle and the daily
tips and `/tip` share one rule over one history.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    tip: str
    cycle: int


def choose_tip(
    catalog: Sequence[str], seen: Collection[str], cycle: int, rng: random.Random
) -> Choice:
    """An unseen tip of the current cycle, or the first of a new cycle once all were seen."""
    unseen = [tip for tip in catalog if tip not in seen]
    if unseen:
        return Choice(rng.choice(unseen), cycle)
    return Choice(rng.choice(list(catalog)), cycle + 1)
