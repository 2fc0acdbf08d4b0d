"""Daily tip settings between the settings card and the `subscriptions` table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from bot.schedule_store import ScheduleStore
from bot.timezones import zone
from dialogs.engine import DialogState
from dialogs.schedule import Subscription, next_tip_at, pause_until

DAILY = "daily"


class DailySettings:
    def __init__(self, store: ScheduleStore, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    async def apply(
        self, user_id: int, zone_name: str, state: DialogState
    ) -> tuple[str, DialogState]:
        """Write the requested `set_*` changes, then mirror what is stored; returns the zone too."""
        values = dict(state.values)
        requested = {key: values.pop(key) for key in list(values) if key.startswith("set_")}
        sub = await self.store.subscription(user_id)
        if "set_zone" in requested:
            zone_name = requested["set_zone"]
            await self.store.set_timezone(user_id, zone_name)
        today = self.clock().astimezone(zone(zone_name)).date()
        delivered = await self._delivered_today(user_id, today)
        if "set_enabled" in requested:
            sub = replace(sub, enabled=requested["set_enabled"] == "1")
        if "set_time" in requested:
            sub = replace(sub, local_time=requested["set_time"], enabled=True)
        if "set_pause" in requested:
            days = int(requested["set_pause"])
            until = pause_until(sub, days, self.clock(), zone(zone_name), delivered)
            sub = replace(sub, paused_until=until if days else None)
        if requested.keys() - {"set_zone"}:
            await self.store.save_subscription(user_id, sub, self.clock())
        mirrored = self.mirror(sub, zone_name, delivered)
        return zone_name, replace(state, values={**values, **mirrored})

    async def _delivered_today(self, user_id: int, today: date) -> bool:
        return bool(await self.store.claimed("tip", [(user_id, today.isoformat())]))

    def mirror(self, sub: Subscription, zone_name: str, delivered_today: bool) -> dict[str, str]:
        now = self.clock()
        local_today = now.astimezone(zone(zone_name)).date()
        paused = sub.paused_until is not None and sub.paused_until > local_today
        upcoming = next_tip_at(sub, now, zone(zone_name), delivered_today)
        return {
            "enabled": "1" if sub.enabled else "0",
            "time": sub.local_time,
            "zone": zone_name,
            "paused": "1" if paused else "0",
            "paused_until": sub.paused_until.isoformat() if paused and sub.paused_until else "",
            "next_at": upcoming.isoformat() if upcoming else "",
            "next_in_days": str((upcoming.date() - local_today).days) if upcoming else "",
        }
