"""Practice before the real call: `/practice`, the bot plays a difficult client."""

from __future__ import annotations

from bot.content.catalog_check import TextRules
from bot.feature import Feature, Kit, opening
from bot.practice.layout import practice_card
from bot.practice.results import record_result
from dialogs.practice_flow import PRACTICE_FLOW

TEXTS = TextRules(numbers={"best": 80, "n": 2})  # a score, a stage


def feature(kit: Kit) -> Feature:
    return Feature(
        name="practice",
        flow=PRACTICE_FLOW,
        layout=practice_card,
        step_hooks={PRACTICE_FLOW.name: record_result},
        commands=(opening(kit, "practice", PRACTICE_FLOW.name),),
        texts=TEXTS,
    )
