"""Keep or part with this client? A few questions, then a verdict with its reasons."""

from __future__ import annotations

from telegram import Update

from bot.check.client import recall_client
from bot.check.layout import check_card
from bot.feature import Command, Context, Feature, Kit
from dialogs.check_flow import CHECK_FLOW


def feature(kit: Kit) -> Feature:
    async def check(update: Update, context: Context) -> None:
        person = await kit.replies.person_of(update)
        await kit.opener.open(context.bot, person, CHECK_FLOW.name)

    return Feature(
        name="check",
        flow=CHECK_FLOW,
        layout=check_card,
        step_hooks={CHECK_FLOW.name: recall_client},
        commands=(Command("check", check, opens=CHECK_FLOW.name),),
    )
