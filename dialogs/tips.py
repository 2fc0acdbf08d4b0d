"""Which tip comes next: none repeats until the whole catalog has been seen.

Pure, with the random source passed in, so tests can walk a whole cycle and the daily
tips and `/tip` share one rule over one history.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    tip: str
    cycle: int


def choose_tip(
    catalog: Sequence[str],
    seen: Collection[str],
    cycle: int,
    rng: random.Random,
    weight: Callable[[str], float] = lambda tip: 1.0,
) -> Choice:
    """An unseen tip of the current cycle, or the first of a new cycle once all were seen.

    `weight` only orders what comes first (a topic marked *not for me* comes later); it
    never skips a tip, so the whole catalog is still seen before anything repeats.
    """
    unseen = [tip for tip in catalog if tip not in seen]
    pool, cycle = (unseen, cycle) if unseen else (list(catalog), cycle + 1)
    return Choice(rng.choices(pool, weights=[weight(tip) for tip in pool])[0], cycle)
