"""The daily tip's weekly offer: a two-minute practice on the tip's topic.

Kept here, beside the practice, so the daily delivery only asks for the row of buttons
to add; when the last offer was made is stored in the delivery's own transaction, so a
tip that is composed again after a failed send does not offer twice in a week.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.adapter.opener import open_button_data
from bot.content.catalog import Catalog
from bot.content.render import RenderedButton
from bot.database.connection import Tx, utc_text
from bot.dialog.person import Person
from dialogs.practice_flow import INTRO, PRACTICE_FLOW
from dialogs.practice_scenarios import scenario_for_topic

OFFER_EVERY = timedelta(days=7)


async def weekly_offer(
    tx: Tx, catalog: Catalog, person: Person, topic: str, now: datetime
) -> tuple[tuple[RenderedButton, ...], ...]:
    """One row with the practice button when a week has passed since the last offer (and
    a scenario trains this topic); otherwise no rows. The first tip only starts the week:
    a new subscriber first gets the tips themselves, the practice from the second week."""
    scenario = scenario_for_topic(topic)
    if scenario is None:
        return ()
    row = await tx.one(
        "SELECT offered_at FROM practice_offers WHERE user_id = ?", (person.user_id,)
    )
    if row is not None and row["offered_at"] > utc_text(now - OFFER_EVERY):
        return ()
    await tx.execute(
        """INSERT INTO practice_offers (user_id, offered_at) VALUES (?, ?)
           ON CONFLICT (user_id) DO UPDATE SET offered_at = excluded.offered_at""",
        (person.user_id, utc_text(now)),
    )
    if row is None:  # the first tip starts the week
        return ()
    title = catalog.text(person.lang, f"practice.{scenario.id}.title")
    label = catalog.text(person.lang, "practice.offer.button", title=title)
    data = open_button_data(PRACTICE_FLOW.code, f"{scenario.id}.{INTRO}")
    return ((RenderedButton(label, data),),)
