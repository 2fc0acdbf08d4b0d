"""Tips: `/tip` and *another tip*, and the 👍/👎 a daily tip gets."""

from __future__ import annotations

from telegram import Update

from bot.adapter.cards import answer, inline_keyboard
from bot.content.callback_data import ButtonData
from bot.content.catalog import Catalog
from bot.content.catalog_check import TextRules
from bot.content.render import RenderedButton
from bot.dialog.person import Person
from bot.feature import Command, Context, Feature, Kit
from bot.tips import history
from bot.tips.service import TipService

MORE = "tip"  # `tip:0:more`
FEEDBACK = "fb"  # `fb:<1 useful | 0 not for me>:<tip id>`
TEXTS = TextRules(sourced=("tips",), limits={"tips": 300})  # a tip is read in one go


def feedback_buttons(
    catalog: Catalog, person: Person, tip: str
) -> tuple[tuple[RenderedButton, ...], ...]:
    """👍 / 👎 under a daily tip."""
    return (
        tuple(
            RenderedButton(
                catalog.text(person.lang, f"ui.buttons.{label}"),
                ButtonData(FEEDBACK, useful, tip).encode(),
            )
            for label, useful in (("useful", 1), ("not_for_me", 0))
        ),
    )


def feature(kit: Kit) -> Feature:
    tips = TipService(kit.db, kit.catalog, kit.clock)
    replies = kit.replies

    async def send_tip(update: Update, person: Person) -> None:
        html = tips.render_tip(person.lang, await tips.next_tip(person.user_id))
        more = RenderedButton(
            replies.label(person, "more_tip"), ButtonData(MORE, 0, "more").encode()
        )
        assert update.effective_chat is not None
        await update.effective_chat.send_message(html, reply_markup=inline_keyboard(((more,),)))

    async def tip(update: Update, context: Context) -> None:
        await send_tip(update, await replies.person_of(update))

    async def more(update: Update, context: Context, person: Person, data: ButtonData) -> None:
        assert update.callback_query is not None
        await answer(update.callback_query)
        await send_tip(update, person)

    async def feedback(update: Update, context: Context, person: Person, data: ButtonData) -> None:
        """*Useful* / *not for me* on a daily tip; *not for me* makes its topic come later."""
        query = update.callback_query
        assert query is not None and query.message is not None
        if data.arg in tips.tip_ids and data.number in (0, 1):
            async with kit.db.transaction() as tx:
                await history.record_feedback(
                    tx,
                    person.user_id,
                    data.arg,
                    tips.topic(data.arg),
                    data.number == 1,
                    kit.clock(),
                )
        await kit.cards.settle(query, replies.say(person, "feedback_thanks"))

    async def tip_link(update: Update, context: Context, person: Person, payload: str) -> bool:
        await send_tip(update, person)
        return True

    return Feature(
        name="tips",
        commands=(Command("tip", tip),),
        buttons={MORE: more, FEEDBACK: feedback},
        deep_links={"tip": tip_link},
        texts=TEXTS,
    )
