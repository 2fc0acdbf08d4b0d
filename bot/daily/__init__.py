"""The daily tip: its settings card (/daily), the offer after a first call, the delivery."""

from __future__ import annotations

from functools import partial

from telegram import Update

from bot.adapter.cards import inline_keyboard
from bot.adapter.opener import open_button_data
from bot.content.render import RenderedButton
from bot.daily.delivery import DailyTips
from bot.daily.layout import daily_card
from bot.daily.settings import apply_settings
from bot.daily.subscriptions import offer_once, zone_moved
from bot.dialog.person import Person
from bot.feature import Feature, Kit, opening
from bot.tips.service import TipService
from dialogs.call_flow import CALL_FLOW
from dialogs.daily_flow import DAILY_FLOW


def subscribe_button(kit: Kit, person: Person) -> RenderedButton:
    return RenderedButton(
        kit.replies.label(person, "daily_subscribe"), open_button_data(DAILY_FLOW.code)
    )


def feature(kit: Kit) -> Feature:
    async def offer(update: Update, person: Person, flow: str) -> None:
        """Offered once, after the first finished call (not after a practice round)."""
        if flow != CALL_FLOW.name:
            return
        async with kit.db.transaction() as tx:
            first = await offer_once(tx, person.user_id, kit.clock())
        if first:
            keyboard = inline_keyboard(((subscribe_button(kit, person),),))
            await kit.replies.reply(update, person, "daily_offer", reply_markup=keyboard)

    tips = TipService(kit.db, kit.catalog, kit.clock)
    return Feature(
        name="daily",
        flow=DAILY_FLOW,
        layout=daily_card,
        step_hooks={DAILY_FLOW.name: partial(apply_settings, kit.people)},
        commands=(opening(kit, "daily", DAILY_FLOW.name),),
        on_finished=offer,
        deliveries=(DailyTips(kit.db, kit.people, tips),),
        zone_moved=zone_moved,
    )
