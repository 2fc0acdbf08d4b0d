"""Time zones from the `tzdata` package, never from the system's copy.

An old system database still puts Almaty at UTC+6, while Kazakhstan moved to UTC+5 on
1 March 2024; emptying the search path makes `zoneinfo` read the package's current data.
"""

from __future__ import annotations

import zoneinfo
from functools import cache

zoneinfo.reset_tzpath(to=[])


@cache
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)
