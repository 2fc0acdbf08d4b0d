"""Opening a flow from a command or a button: the running card, or a fresh run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Bot, CallbackQuery, Update
from telegram.ext import ContextTypes

from bot.adapter.cards import Cards, answer
from bot.adapter.replies import Replies
from bot.content.callback_data import ButtonData
from bot.dialog.person import Person
from bot.dialog.service import DialogService, Show

OPEN = "go"  # `go:0:<flow code>[.<node>]`: a button that opens a flow (start the coach)


def open_button_data(flow_code: str, node: str = "") -> str:
    return ButtonData(OPEN, 0, f"{flow_code}.{node}" if node else flow_code).encode()


Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
Link = Callable[[Update, ContextTypes.DEFAULT_TYPE, Person, str], Awaitable[bool]]


class Opener:
    def __init__(self, dialogs: DialogService, cards: Cards, replies: Replies) -> None:
        self.dialogs = dialogs
        self.cards = cards
        self.replies = replies

    async def open(
        self,
        bot: Bot,
        person: Person,
        flow: str,
        node: str | None = None,
        query: CallbackQuery | None = None,
    ) -> None:
        """A running resumable flow comes back as it is (and a second tap on the button
        above its card does nothing more); otherwise a fresh run, as a new message."""
        outcome = await self.dialogs.enter(person, flow, node)
        assert outcome.screen is not None
        running = outcome.show is Show.RUNNING
        wording = self.dialogs.flows[flow].wording  # every resumable flow declares it
        if query is not None:  # at once: the card may wait for the chat's pace
            toast = wording.running if running and wording else None
            await answer(query, self.replies.say(person, toast) if toast else None)
        pressed = query.message.message_id if query is not None and query.message else 0
        if not (running and query is not None and (outcome.message_id or 0) > pressed):
            await self.cards.show(bot, person, outcome.screen)
            if running:  # the card moved below: the one above is a record now, not a control
                await self.cards.retire(bot, person.chat_id, outcome.message_id)

    def command(self, flow: str) -> Handler:
        """The handler of a command that opens `flow`."""

        async def open_flow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            await self.open(context.bot, await self.replies.person_of(update), flow)

        return open_flow

    def link(self, flow: str) -> Link:
        """`t.me/<bot>?start=<command>`: what the command does."""

        async def open_flow(
            update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person, payload: str
        ) -> bool:
            await self.open(context.bot, person, flow)
            return True

        return open_flow
