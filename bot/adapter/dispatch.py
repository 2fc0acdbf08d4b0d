"""The generic Telegram side of dialogs: presses, typed text, opening a flow.

Every button press comes here first and is decoded once (`content.callback_data`): a
flow's code goes to the dialog service, a feature's action to the callback it declared,
anything else is refused quietly — answered, nothing moves. Typed text goes to the dialog
that takes it, else to the features' text fallbacks in their order. Handlers stay thin:
decode, call the service, show what it returns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from telegram import CallbackQuery, Update

from bot.adapter.cards import answer, inline_keyboard
from bot.adapter.opener import OPEN, open_button_data
from bot.content.callback_data import ButtonData, decode
from bot.content.catalog import SHORT_LIMIT
from bot.content.render import RenderedButton
from bot.dialog.person import Person
from bot.dialog.service import Outcome, Show
from bot.feature import Context, Feature, Kit

# a closed run of a flow without `wording` gets a fresh card, as a stale press does
TOASTS = {Show.ALREADY: "already_done", Show.STALE: "stale_card", Show.CLOSED: "stale_card"}


class Dispatch:
    def __init__(self, kit: Kit, features: Sequence[Feature]) -> None:
        self.kit = kit
        self.features = features
        self.by_code: Mapping[str, str] = {f.flow.code: f.flow.name for f in features if f.flow}
        routes = [route for f in features for route in f.buttons]
        taken = [*routes, *self.by_code, OPEN]
        clash = sorted({route for route in taken if taken.count(route) > 1})
        if clash:  # one press must have exactly one owner
            raise ValueError(f"button routes declared twice: {clash}")
        self.actions = {route: cb for f in features for route, cb in f.buttons.items()}

    async def press(self, update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        data = decode(query.data)
        if data is None or not self._own_card(update):
            await answer(query)  # forged, truncated, foreign: refused quietly
            return
        person = await self.kit.replies.person_of(update)
        if data.route == OPEN:
            await self._open_pressed(update, context, person, data.arg, query)
        elif data.route in self.by_code:
            await self._dialog_press(update, context, person, self.by_code[data.route], data)
        elif data.route in self.actions:
            await self.actions[data.route](update, context, person, data)
        else:
            await answer(query)

    @staticmethod
    def _own_card(update: Update) -> bool:
        """A press counts only on a card in the presser's own private chat."""
        query, user = update.callback_query, update.effective_user
        if query is None or user is None or query.message is None:
            return False
        return query.message.chat.id == user.id

    async def _open_pressed(
        self, update: Update, context: Context, person: Person, arg: str, query: CallbackQuery
    ) -> None:
        code, _, node = arg.partition(".")
        flow = self.kit.dialogs.flows.get(self.by_code.get(code, ""))
        if flow is None:
            await answer(query)
            return
        node_id = node if node in flow.nodes else None
        await self.kit.opener.open(context.bot, person, flow.name, node_id, query)

    async def _dialog_press(
        self, update: Update, context: Context, person: Person, flow: str, data: ButtonData
    ) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        kit, bot, pressed = self.kit, context.bot, query.message.message_id
        outcome = await kit.dialogs.press(person, flow, data.number, data.arg, pressed)
        wording = kit.dialogs.flows[flow].wording
        closed = outcome.show is Show.CLOSED
        # answered as soon as the step is taken, before the card waits for the chat's pace
        toast = wording.closed if closed and wording else TOASTS.get(outcome.show)
        toast = toast or outcome.notice
        await answer(query, kit.replies.say(person, toast) if toast else None)
        if closed:
            await kit.cards.retire(bot, person.chat_id, pressed)
            await self._start_again(update, context, person, flow)
            return
        await self._draw(update, context, person, flow, outcome)

    async def _draw(
        self, update: Update, context: Context, person: Person, flow: str, outcome: Outcome
    ) -> None:
        kit, bot = self.kit, context.bot
        if outcome.show is Show.HANDOVER:
            await self.kit.opener.open(bot, person, outcome.flow, outcome.node or None)
        elif outcome.show is Show.NEW_CARD and outcome.screen is not None:
            # the finished card stays, without its buttons
            await kit.cards.retire(bot, person.chat_id, outcome.message_id)
            await kit.cards.show(bot, person, outcome.screen)
        elif outcome.show is Show.STALE and outcome.screen is not None:
            assert update.callback_query is not None and update.callback_query.message
            await kit.cards.retire(bot, person.chat_id, update.callback_query.message.message_id)
            if outcome.message_id != update.callback_query.message.message_id:
                await kit.cards.retire(bot, person.chat_id, outcome.message_id)
            await kit.cards.show(bot, person, outcome.screen)
        elif outcome.screen is not None:
            await kit.cards.show(bot, person, outcome.screen, outcome.message_id, outcome.recorded)
        if outcome.finished:
            await self._finished(update, person, flow)

    async def _start_again(
        self, update: Update, context: Context, person: Person, flow: str
    ) -> None:
        """A press on a closed dialog's card: a flow that closes its runs offers a new one
        in its own words, one tap away; any other flow shows its fresh card at once."""
        graph = self.kit.dialogs.flows[flow]
        if graph.wording is None:
            await self.kit.opener.open(context.bot, person, flow)
            return
        label = self.kit.replies.label(person, graph.wording.again)
        button = RenderedButton(label, open_button_data(graph.code))
        await self.kit.replies.reply(
            update, person, graph.wording.offer, reply_markup=inline_keyboard(((button,),))
        )

    async def _finished(self, update: Update, person: Person, flow: str) -> None:
        for feature in self.features:
            if feature.on_finished is not None:
                await feature.on_finished(update, person, flow)

    async def text(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        kit = self.kit
        person = await kit.replies.person_of(update)
        outcome = await kit.dialogs.typed(person, message.text, message.message_id)
        if outcome.show is Show.OUTSIDE:
            await self._outside(update, context, person, message.text)
        elif outcome.show is Show.NO_TEXT:
            await kit.replies.reply(update, person, "no_text_here")
        elif outcome.show is Show.BAD_INPUT:
            await kit.replies.reply(update, person, outcome.notice)
        elif outcome.screen is not None:
            shown = outcome.message_id
            await kit.cards.show(context.bot, person, outcome.screen, shown, outcome.recorded)
            if outcome.notice:
                await kit.replies.reply(update, person, outcome.notice)
            elif outcome.show is Show.CARD and len(message.text) > SHORT_LIMIT:
                await kit.replies.reply(update, person, "text_too_long")

    async def _outside(self, update: Update, context: Context, person: Person, text: str) -> None:
        for feature in self.features:
            if feature.text is not None and await feature.text(update, context, person, text):
                return
        await self.kit.replies.reply(update, person, "not_matched")

    async def unknown_command(self, update: Update, context: Context) -> None:
        await self.kit.replies.reply(
            update, await self.kit.replies.person_of(update), "unknown_command"
        )

    async def media(self, update: Update, context: Context) -> None:
        """Stickers, photos, voice: the coach reads text and buttons only, and says so."""
        await self.kit.replies.reply(update, await self.kit.replies.person_of(update), "media")
