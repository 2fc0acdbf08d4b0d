"""The live call coach: its flow, card layout, record and the ways in (/call, 🆘, /cancel)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.adapter.replies import ReplyKeyboard
from bot.call.layout import call_card
from bot.call.steps import call_step
from bot.content.catalog_check import TextRules
from bot.feature import Command, Context, Feature, Kit, opening
from dialogs.call_flow import CALL_FLOW

# The one-tap entry under every reply: a person mid-call will not type a command. Its
# input field says what may be typed (a complaint on the call's first cards, a description
# elsewhere), so the cards need not.
SOS = ReplyKeyboard("sos", "sos_placeholder")
# the values its cards show that a button sets, and the flare-ups its summary counts
TEXTS = TextRules(
    sourced=("call",),
    samples={
        "due_at": "2026-11-24T09:00:00+05:00",
        "due_days": "1",
        "remind": "cb2h",
        "cause": "expectations",
        "fault": "ours",
    },
    numbers={"flareups": 2},
)


def feature(kit: Kit) -> Feature:
    catalog, replies = kit.catalog, kit.replies
    sos_labels = [catalog.text(lang, f"ui.buttons.{SOS.button}") for lang in catalog.languages]

    # /call and the 🆘 button: the coach in one tap — the running call, or a new one
    call = opening(kit, "call", CALL_FLOW.name)

    async def cancel(update: Update, context: Context) -> None:
        person = await replies.person_of(update)
        closed = await kit.dialogs.close(person, CALL_FLOW.name)
        await replies.reply(update, person, "cancelled" if closed else "nothing_to_cancel")

    private_text = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return Feature(
        name="call",
        flow=CALL_FLOW,
        layout=call_card,
        step_hooks={CALL_FLOW.name: call_step},
        commands=(
            call,
            Command("cancel", cancel),
        ),
        update_handlers=(MessageHandler(private_text & filters.Text(sos_labels), call.callback),),
        texts=TEXTS,
        keyboard=SOS,
    )
