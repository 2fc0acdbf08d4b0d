"""Time zones from the `tzdata` package, never from the system's copy.

An old system database still puts Almaty at UTC+6, while Kazakhstan moved to UTC+5 on
1 March 2024; emptying the search path makes `zoneinfo` read the package's current data.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import timedelta, timezone, tzinfo
from functools import cache

zoneinfo.reset_tzpath(to=[])
FIXED = re.compile(r"^UTC([+-])(\d{2}):(\d{2})$")


@cache
def zone(name: str) -> tzinfo:
    """An IANA zone, or a fixed offset written `UTC+05:30` (what a person typed)."""
    match = FIXED.match(name)
    if match:
        offset = timedelta(hours=int(match[2]), minutes=int(match[3]))
        return timezone(offset if match[1] == "+" else -offset, name)
    return zoneinfo.ZoneInfo(name)
