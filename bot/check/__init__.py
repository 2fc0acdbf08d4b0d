"""Keep or part with this client? A few questions, then a verdict with its reasons."""

from __future__ import annotations

from bot.check.client import recall_client
from bot.check.layout import check_card
from bot.content.catalog_check import TextRules
from bot.feature import Feature, Kit, opening
from dialogs.check_flow import CHECK_FLOW, QUESTIONS

# each answer is a value its verdict cards show
TEXTS = TextRules(
    sourced=("check",),
    samples={question: answers[0] for question, answers in QUESTIONS.items()},
)


def feature(kit: Kit) -> Feature:
    return Feature(
        name="check",
        flow=CHECK_FLOW,
        layout=check_card,
        step_hooks={CHECK_FLOW.name: recall_client},
        commands=(opening(kit, "check", CHECK_FLOW.name),),
        texts=TEXTS,
    )
