"""Inline phrasebook: `@bot a few words` in the chat with the client lists ready phrases
in the person's language; picking one sends it as the person's own message.

Switch inline mode on with BotFather (`/setinline`). The call's cards carry a
"💬 Phrases for the chat" button that opens the same list in a chat the person picks.
"""

from __future__ import annotations

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineQueryResultArticle,
    InputTextMessageContent,
    SwitchInlineQueryChosenChat,
    Update,
)
from telegram.ext import InlineQueryHandler

from bot.dialog.person import Person
from bot.feature import Context, Feature, Kit
from bot.phrasebook.phrases import Phrasebook
from dialogs.call_flow import CALL_FLOW
from dialogs.engine import Screen

CACHE_SECONDS = 30  # personal results: brief caching, the language may change


def feature(kit: Kit) -> Feature:
    book = Phrasebook(kit.catalog)

    async def inline(update: Update, context: Context) -> None:
        query = update.inline_query
        assert query is not None
        lang = await kit.people.language(query.from_user.id, query.from_user.language_code)
        results = [
            InlineQueryResultArticle(
                id=phrase.id,
                title=phrase.title,
                description=phrase.text,
                input_message_content=InputTextMessageContent(phrase.text, parse_mode=None),
            )
            for phrase in book.find(lang, query.query)
        ]
        await query.answer(results, cache_time=CACHE_SECONDS, is_personal=True)

    def chat_button(person: Person, screen: Screen, bot: Bot) -> InlineKeyboardButton | None:
        """Only where inline mode is on (BotFather's /setinline): without it the button
        would open an inline query nobody answers."""
        if not bot.supports_inline_queries:
            return None
        return InlineKeyboardButton(
            kit.catalog.text(person.lang, "ui.buttons.phrases_for_chat"),
            switch_inline_query_chosen_chat=SwitchInlineQueryChosenChat(
                query="", allow_user_chats=True, allow_group_chats=True
            ),
        )

    return Feature(
        name="phrasebook",
        update_handlers=(InlineQueryHandler(inline),),
        card_buttons={CALL_FLOW.name: chat_button},
    )
