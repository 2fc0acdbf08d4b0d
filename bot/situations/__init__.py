"""The situation library: playbooks by category, and playbooks found from a description."""

from __future__ import annotations

from urllib.parse import urlencode

from telegram import Bot, InlineKeyboardButton, Update

from bot.adapter.cards import inline_keyboard
from bot.adapter.opener import open_button_data
from bot.content.catalog_check import TextRules
from bot.content.render import RenderedButton
from bot.dialog.person import Person
from bot.feature import Context, Feature, Kit, opening
from bot.situations.layout import situations_card
from bot.situations.search import PlaybookSearch
from dialogs.engine import Screen
from dialogs.situations_flow import MENU, SITUATIONS, SITUATIONS_FLOW, page_node, title_key

SHARE_PREFIX = "s_"  # `t.me/<bot>?start=s_<situation>`


def feature(kit: Kit) -> Feature:
    catalog, replies = kit.catalog, kit.replies
    search = PlaybookSearch(catalog)

    async def describe(update: Update, context: Context, person: Person, text: str) -> bool:
        """Free text outside a call: the best-matching playbooks, or the library menu."""
        found = search.find(text)
        if not found:
            await replies.reply(update, person, "not_matched")
            await kit.opener.open(context.bot, person, SITUATIONS_FLOW.name, MENU)
            return True
        buttons = tuple(
            (
                RenderedButton(
                    catalog.text(person.lang, title_key(situation)),
                    open_button_data(SITUATIONS_FLOW.code, page_node(situation)),
                ),
            )
            for situation in found
        )
        await replies.reply(update, person, "matched", reply_markup=inline_keyboard(buttons))
        return True

    async def playbook_link(update: Update, context: Context, person: Person, payload: str) -> bool:
        """`?start=s_<situation>` opens that playbook."""
        situation = payload.removeprefix(SHARE_PREFIX)
        if situation not in SITUATIONS:
            return False
        await kit.opener.open(context.bot, person, SITUATIONS_FLOW.name, page_node(situation))
        return True

    def share_button(person: Person, screen: Screen, bot: Bot) -> InlineKeyboardButton | None:
        """On a playbook's page: Telegram's share dialog with the page's own link."""
        if screen.part is None:
            return None
        situation = screen.card.split(".")[1]
        link = f"https://t.me/{bot.username}?start={SHARE_PREFIX}{situation}"
        return InlineKeyboardButton(
            catalog.text(person.lang, "ui.buttons.share"),
            url=f"https://t.me/share/url?{urlencode({'url': link})}",
        )

    return Feature(
        name="situations",
        flow=SITUATIONS_FLOW,
        layout=situations_card,
        commands=(opening(kit, "situations", SITUATIONS_FLOW.name),),
        text=describe,
        deep_links={SHARE_PREFIX: playbook_link},
        card_buttons={SITUATIONS_FLOW.name: share_button},
        texts=TextRules(sourced=("situations",)),
    )
