"""The daily settings card and the `subscriptions` table, in the step's transaction.

A button or a typed value asks for a change with a `set_*` value; this hook applies it
and mirrors what is stored back into the dialog (`enabled`, `time`, `zone`, `next_*`…),
so the card always shows what is really stored. It runs in the step's transaction, so
a failure leaves neither half."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from bot.daily.subscriptions import load_subscription, save_subscription
from bot.database.connection import Tx
from bot.delivery import claims
from bot.dialog.person import People
from bot.dialog.service import Step
from bot.timezones import zone
from dialogs.daily_flow import WORKDAYS
from dialogs.engine import DialogState
from dialogs.schedule import Subscription, next_tip_from_now, pause_until

TIP = "tip"  # the delivery kind of the daily tip


async def apply_settings(people: People, tx: Tx, step: Step) -> DialogState:
    state, now, user_id = step.after, step.now, step.person.user_id
    values = dict(state.values)
    requested = {key: values.pop(key) for key in list(values) if key.startswith("set_")}
    sub = await load_subscription(tx, user_id)
    zone_name = step.person.zone_name
    if "set_zone" in requested:
        zone_name = requested["set_zone"]
        await people.set_timezone(tx, user_id, zone_name, now)
    local = zone(zone_name)
    today = now.astimezone(local).date()
    delivered = await claims.claimed(tx, TIP, user_id, today.isoformat())
    if "set_enabled" in requested:
        sub = replace(sub, enabled=requested["set_enabled"] == "1")
    if "set_days" in requested:
        sub = replace(sub, workdays=requested["set_days"] == WORKDAYS)
    # choosing a time means wanting the tip: it is switched on, and the card says so
    turned_on = "set_time" in requested and not sub.enabled
    if "set_time" in requested:
        sub = replace(sub, local_time=requested["set_time"], enabled=True)
    if "set_pause" in requested:
        days = int(requested["set_pause"])
        until = pause_until(sub, days, now, local, delivered)
        sub = replace(sub, paused_until=until if days else None)
    upcoming = next_tip_from_now(sub, now, local, delivered)
    if requested:  # after a zone too: what the card says is what the scheduler reads
        await save_subscription(tx, user_id, sub, now, upcoming)
    shown = {**mirror(sub, zone_name, upcoming, today), "turned_on": "1" if turned_on else ""}
    return replace(state, values={**values, **shown})


def mirror(sub: Subscription, zone_name: str, upcoming: datetime | None, today: date) -> dict:
    """What is stored, as the card shows it; `today` is the person's local date."""
    paused = sub.paused_until is not None and sub.paused_until > today
    return {
        "enabled": "1" if sub.enabled else "0",
        "time": sub.local_time,
        "workdays": "1" if sub.workdays else "0",
        "zone": zone_name,
        "paused": "1" if paused else "0",
        "paused_until": sub.paused_until.isoformat() if paused and sub.paused_until else "",
        "next_at": upcoming.isoformat() if upcoming else "",
        "next_in_days": str((upcoming.date() - today).days) if upcoming else "",
    }
