"""The way in: the greeting (/start), /help, the language, and blocking or unblocking."""

from __future__ import annotations

from telegram import ChatMember, InlineKeyboardMarkup, Update
from telegram.ext import ChatMemberHandler

from bot.adapter.cards import answer, inline_keyboard
from bot.adapter.opener import open_button_data
from bot.content.callback_data import ButtonData
from bot.content.render import RenderedButton
from bot.dialog.person import Person
from bot.feature import Command, Context, Feature, Kit
from dialogs.call_flow import CALL_FLOW
from dialogs.daily_flow import DAILY_FLOW

LANGUAGE = "lang"  # `lang:0:<code>`


def feature(kit: Kit) -> Feature:
    catalog, replies = kit.catalog, kit.replies

    def start_keyboard(person: Person) -> InlineKeyboardMarkup:
        def button(label: str, data: str) -> RenderedButton:
            return RenderedButton(replies.label(person, label), data)

        return inline_keyboard(
            (
                (button("start_call", open_button_data(CALL_FLOW.code)),),
                (button("daily_subscribe", open_button_data(DAILY_FLOW.code)),),
                tuple(
                    button(f"lang_{code}", ButtonData(LANGUAGE, 0, code).encode())
                    for code in catalog.languages
                ),
            )
        )

    async def start(update: Update, context: Context) -> None:
        """The greeting — or, from a link `t.me/<bot>?start=<payload>`, what it names;
        an unknown or malformed payload falls back to the greeting."""
        person = await replies.person_of(update)
        payload = context.args[0] if context.args else ""
        link = kit.links.get(payload) or kit.links.get(payload.partition("_")[0] + "_")
        if payload and link is not None and await link(update, context, person, payload):
            return
        assert update.effective_chat is not None
        chat = update.effective_chat
        await chat.send_message(
            replies.say(person, "start", name=person.user.first_name),
            reply_markup=start_keyboard(person),
        )
        await replies.reply(update, person, "sos_hint")  # with the persistent keyboard

    async def help_(update: Update, context: Context) -> None:
        await replies.reply(update, await replies.person_of(update), "help")

    async def switch(update: Update, context: Context, person: Person, lang: str | None) -> None:
        """Set the language, the chat's menu, and redraw the open cards in place."""
        person = await kit.people.set_language(person, lang)
        await kit.menu.set_for_chat(context.bot, person.chat_id, person.lang)
        query = update.callback_query
        if query is not None and query.message is not None:
            await kit.cards.edit_in_place(
                query,
                replies.say(person, "start", name=person.user.first_name),
                start_keyboard(person),
            )
        await replies.reply(update, person, "language_set")
        for flow in kit.dialogs.flows:
            current = await kit.dialogs.current(person, flow)
            if current is not None and current[1] is not None:
                await kit.cards.show(context.bot, person, *current)

    async def language(update: Update, context: Context) -> None:
        """`/language` toggles between the languages."""
        await switch(update, context, await replies.person_of(update), None)

    async def language_button(
        update: Update, context: Context, person: Person, data: ButtonData
    ) -> None:
        assert update.callback_query is not None
        await answer(update.callback_query)
        if data.arg != person.lang and data.arg in catalog.languages:
            await switch(update, context, person, data.arg)

    async def chat_member(update: Update, context: Context) -> None:
        """Blocked (kicked) → nothing more is sent; unblocked (member) → active again."""
        change = update.my_chat_member
        if change is None or change.chat.type != change.chat.PRIVATE:
            return  # leaving a group says nothing about the person's own chat
        active = change.new_chat_member.status not in (ChatMember.BANNED, ChatMember.LEFT)
        await kit.people.set_active(change.from_user.id, active)

    return Feature(
        name="home",
        commands=(
            Command("language", language),
            Command("help", help_),
            Command("start", start),
        ),
        buttons={LANGUAGE: language_button},
        update_handlers=(ChatMemberHandler(chat_member, ChatMemberHandler.MY_CHAT_MEMBER),),
    )
