"""The way in: the greeting (/start), /help, the language, and blocking or unblocking."""

from __future__ import annotations

from telegram import ChatMember, InlineKeyboardMarkup, Update
from telegram.ext import ChatMemberHandler

from bot.adapter.cards import answer, inline_keyboard
from bot.adapter.opener import open_button_data
from bot.content.callback_data import ButtonData
from bot.content.render import RenderedButton
from bot.daily import subscribe_button
from bot.dialog.person import Person
from bot.feature import Command, Context, Feature, Kit
from dialogs.call_flow import CALL_FLOW

LANGUAGE = "lang"  # `lang:0:<code>`


class Home:
    def __init__(self, kit: Kit) -> None:
        self.kit = kit
        self.replies = kit.replies

    def start_keyboard(self, person: Person) -> InlineKeyboardMarkup:
        languages = tuple(
            RenderedButton(
                self.replies.label(person, f"lang_{code}"), ButtonData(LANGUAGE, 0, code).encode()
            )
            for code in self.kit.catalog.languages
        )
        start_call = RenderedButton(
            self.replies.label(person, "start_call"), open_button_data(CALL_FLOW.code)
        )
        return inline_keyboard(((start_call,), (subscribe_button(self.kit, person),), languages))

    def greeting(self, person: Person) -> str:
        return self.replies.say(person, "start", name=person.user.first_name)

    async def start(self, update: Update, context: Context) -> None:
        """The greeting — or, from a link `t.me/<bot>?start=<payload>`, what it names;
        an unknown or malformed payload falls back to the greeting."""
        person = await self.replies.person_of(update)
        payload = context.args[0] if context.args else ""
        links = self.kit.links
        link = links.get(payload) or links.get(payload.partition("_")[0] + "_")
        if payload and link is not None and await link(update, context, person, payload):
            return
        await self.kit.cards.send_editable(
            context.bot, person.chat_id, self.greeting(person), self.start_keyboard(person)
        )
        await self.replies.reply(update, person, "sos_hint")  # with the persistent keyboard

    async def help(self, update: Update, context: Context) -> None:
        await self.replies.reply(update, await self.replies.person_of(update), "help")

    async def switch(
        self, update: Update, context: Context, person: Person, lang: str | None
    ) -> None:
        """Set the language, the chat's menu, and redraw the open cards in place."""
        kit = self.kit
        person = await kit.people.set_language(person, lang)
        await kit.menu.set_for_chat(context.bot, person.chat_id, person.lang)
        query = update.callback_query
        if query is not None and query.message is not None:
            await kit.cards.edit_in_place(query, self.greeting(person), self.start_keyboard(person))
        await self.replies.reply(update, person, "language_set")
        for flow in kit.dialogs.flows:
            current = await kit.dialogs.current(person, flow)
            if current is not None and current[1] is not None:
                await kit.cards.show(context.bot, person, *current)

    async def language(self, update: Update, context: Context) -> None:
        """`/language` toggles between the languages."""
        await self.switch(update, context, await self.replies.person_of(update), None)

    async def language_button(
        self, update: Update, context: Context, person: Person, data: ButtonData
    ) -> None:
        assert update.callback_query is not None
        await answer(update.callback_query)
        if data.arg != person.lang and data.arg in self.kit.catalog.languages:
            await self.switch(update, context, person, data.arg)

    async def chat_member(self, update: Update, context: Context) -> None:
        """Blocked (kicked) → nothing more is sent; unblocked (member) → active again."""
        change = update.my_chat_member
        if change is None or change.chat.type != change.chat.PRIVATE:
            return  # leaving a group says nothing about the person's own chat
        active = change.new_chat_member.status not in (ChatMember.BANNED, ChatMember.LEFT)
        await self.kit.people.set_active(change.from_user.id, active)


def feature(kit: Kit) -> Feature:
    home = Home(kit)
    return Feature(
        name="home",
        commands=(
            Command("language", home.language),
            Command("help", home.help),
            Command("start", home.start),
        ),
        buttons={LANGUAGE: home.language_button},
        update_handlers=(ChatMemberHandler(home.chat_member, ChatMemberHandler.MY_CHAT_MEMBER),),
    )
