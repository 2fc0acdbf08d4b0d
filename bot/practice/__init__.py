"""Practice before the real call: `/practice`, the bot plays a difficult client."""

from __future__ import annotations

from telegram import Update

from bot.feature import Command, Context, Feature, Kit
from bot.practice.layout import practice_card
from bot.practice.results import record_result
from dialogs.practice_flow import PRACTICE_FLOW


def feature(kit: Kit) -> Feature:
    async def practice(update: Update, context: Context) -> None:
        person = await kit.replies.person_of(update)
        await kit.opener.open(context.bot, person, PRACTICE_FLOW.name)

    return Feature(
        name="practice",
        flow=PRACTICE_FLOW,
        layout=practice_card,
        step_hooks={PRACTICE_FLOW.name: record_result},
        commands=(Command("practice", practice, opens=PRACTICE_FLOW.name),),
    )
