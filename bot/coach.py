"""The coach service: one place where an event meets the engine and the database.

Telegram handlers and the terminal mode both call it, so the rules live once: what a
stale or doubled press gets, when a call is closed for idleness, and that a transition
is committed before anything is shown. It returns what to show; it never sends.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.catalog import Catalog
from bot.storage import Storage, StoredDialog, User
from bot.timezones import zone
from dialogs import FLOWS
from dialogs.engine import (
    DialogState,
    NotAccepted,
    OpensCall,
    Press,
    Screen,
    Typed,
    screen,
    start,
    step,
)

IDLE_LIMIT = timedelta(hours=3)
CALL = "call"


class Show(enum.Enum):
    """What the adapter should do after an event."""

    CARD = "card"  # the call moved on: draw the new card in place of the old one
    REDRAW = "redraw"  # same card, but the screen never caught up (a crash mid-reply)
    ALREADY = "already"  # a second tap: the card on screen is already current
    STALE = "stale"  # a press on an older card: say so and send the current card anew
    CLOSED = "closed"  # a press on a card of a call that is over
    NO_TEXT = "no_text"  # text typed on a card that takes none
    OUTSIDE = "outside"  # text outside a running coach
    NOTHING = "nothing"  # an update seen before: already handled
    OPEN_CALL = "open_call"  # the button hands over to the call coach


@dataclass(frozen=True)
class Person:
    """A user as the coach sees them: stored record, language and time zone."""

    user: User
    lang: str
    zone: ZoneInfo

    @property
    def user_id(self) -> int:
        return self.user.user_id


@dataclass(frozen=True)
class Outcome:
    show: Show
    screen: Screen | None = None
    message_id: int | None = None


class Coach:
    def __init__(
        self,
        storage: Storage,
        catalog: Catalog,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.storage = storage
        self.catalog = catalog
        self.clock = clock

    async def person(
        self, user_id: int, chat_id: int, first_name: str, telegram_language: str | None
    ) -> Person:
        user = await self.storage.touch_user(
            user_id, chat_id, first_name, telegram_language, self.clock()
        )
        return self._person(user)

    def _person(self, user: User) -> Person:
        lang = self.catalog.language_for(user.language, user.telegram_language)
        name = user.timezone or self.catalog.value(lang, "ui.meta.default_timezone")
        return Person(user=user, lang=lang, zone=zone(name))

    async def set_language(self, person: Person, lang: str) -> Person:
        await self.storage.set_language(person.user_id, lang)
        user = await self.storage.user(person.user_id)
        assert user is not None
        return self._person(user)

    def _local_now(self, person: Person) -> datetime:
        return self.clock().astimezone(person.zone)

    def render_state(self, person: Person, state: DialogState) -> Screen:
        return screen(FLOWS[state.flow], state, self._local_now(person))

    async def _dialog(self, person: Person, flow: str) -> StoredDialog | None:
        """The user's dialog in a flow; a call left untouched too long is closed first."""
        stored = await self.storage.dialog(person.user_id, flow)
        idle = stored is not None and self.clock() - stored.updated_at > IDLE_LIMIT
        if idle and flow == CALL and stored.state.status == "active":
            await self.storage.close_calls(self.clock(), user_id=person.user_id)
            stored = await self.storage.dialog(person.user_id, flow)
        return stored

    async def _commit(self, person: Person, state: DialogState, update_id: int | None) -> Screen:
        await self.storage.save_transition(
            person.user_id, state, now=self.clock(), timezone=person.zone.key, update_id=update_id
        )
        return self.render_state(person, state)

    async def open_flow(
        self, person: Person, flow: str, node: str | None = None, update_id: int | None = None
    ) -> Screen:
        """Start a flow afresh (at `node`); a call left running is saved as unfinished first."""
        if flow == CALL:
            await self.storage.close_calls(self.clock(), user_id=person.user_id)
        stored = await self.storage.dialog(person.user_id, flow)
        state = start(FLOWS[flow], stored.state if stored else None, node)
        return await self._commit(person, state, update_id)

    async def open_call(self, person: Person, update_id: int | None = None) -> Screen:
        return await self.open_flow(person, CALL, update_id=update_id)

    async def cancel(self, person: Person) -> bool:
        return await self.storage.close_calls(self.clock(), user_id=person.user_id) > 0

    async def current(self, person: Person, flow: str = CALL) -> tuple[Screen, int | None] | None:
        """The card the user should see now and the message showing it, if any."""
        stored = await self._dialog(person, flow)
        if stored is None or stored.state.status == "closed":
            return None
        return self.render_state(person, stored.state), stored.message_id

    async def mark_shown(self, person: Person, shown: Screen, message_id: int) -> None:
        await self.storage.mark_shown(person.user_id, shown.flow, message_id, shown.revision)

    async def press(
        self, person: Person, flow: str, revision: int, button: str, message_id: int | None
    ) -> Outcome:
        stored = await self._dialog(person, flow)
        if stored is None or stored.state.status == "closed":
            return Outcome(Show.CLOSED)
        state = stored.state
        on_current_card = message_id is None or message_id == stored.message_id
        if not on_current_card:
            return Outcome(Show.STALE, self.render_state(person, state))
        if revision != state.revision:
            if stored.shown_revision < state.revision:
                return Outcome(Show.REDRAW, self.render_state(person, state), message_id)
            return Outcome(Show.ALREADY)
        try:
            new_state = step(FLOWS[state.flow], state, Press(button), self._local_now(person))
        except NotAccepted:
            return Outcome(Show.STALE, self.render_state(person, state))
        except OpensCall:
            return Outcome(Show.OPEN_CALL)
        return Outcome(Show.CARD, await self._commit(person, new_state, None), message_id)

    async def typed(self, person: Person, text: str, update_id: int | None = None) -> Outcome:
        """Typed text goes to a running call; anywhere else it is the caller's to interpret."""
        stored = await self._dialog(person, CALL)
        if update_id is not None and update_id <= person.user.last_update_id:
            if stored and stored.shown_revision < stored.state.revision:
                return Outcome(
                    Show.REDRAW, self.render_state(person, stored.state), stored.message_id
                )
            return Outcome(Show.NOTHING)
        if stored is None or stored.state.status != "active":
            return Outcome(Show.OUTSIDE)
        state = stored.state
        try:
            new_state = step(FLOWS[state.flow], state, Typed(text), self._local_now(person))
        except NotAccepted:
            return Outcome(Show.NO_TEXT)
        return Outcome(
            Show.CARD, await self._commit(person, new_state, update_id), stored.message_id
        )
