"""The latest value per key, in memory and bounded.

Several parts remember a little per person or per message (what a card shows, a
language, a membership answer); beyond `size` keys the one set longest ago is dropped,
so a flood of strangers or of messages cannot grow the process.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Recent(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._values: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        return self._values.get(key)

    def put(self, key: K, value: V) -> None:
        self._values.pop(key, None)  # the newest at the end: the oldest go first
        self._values[key] = value
        if len(self._values) > self.size:
            del self._values[next(iter(self._values))]
