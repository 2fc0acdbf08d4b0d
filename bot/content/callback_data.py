"""One codec for every button's `callback_data`: `<route>:<number>:<arg>`.

`route` names who answers the press; `number` is the revision of the card the button was
drawn on, so an old card or a second tap is recognised, or the id of the record it acts
on. Telegram hands back whatever a client sends, so decoding trusts nothing: anything
unexpected decodes to None and is refused quietly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64  # Telegram's limit on callback_data
# ASCII digits only: `str.isdigit` accepts `²`, which `int` refuses.
PATTERN = re.compile(r"^([a-z]{1,5}):([0-9]{1,12}):([A-Za-z0-9_.\-]{0,48})$")


@dataclass(frozen=True)
class ButtonData:
    route: str
    number: int
    arg: str = ""

    def encode(self) -> str:
        data = f"{self.route}:{self.number}:{self.arg}"
        if not PATTERN.match(data) or len(data.encode()) > MAX_BYTES:
            raise ValueError(f"not valid callback data: {data!r}")
        return data


def decode(raw: str | None) -> ButtonData | None:
    """The button a press names, or None for anything forged, truncated or foreign."""
    if not raw or len(raw) > MAX_BYTES or not raw.isascii():
        return None
    match = PATTERN.match(raw)
    if match is None:
        return None
    return ButtonData(match[1], int(match[2]), match[3])
