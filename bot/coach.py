"""The coach service: one place where an event meets the engine and the database.

Telegram handlers and the terminal mode both call it, so the rules live once: what a
stale or doubled press gets, when a call is closed for idleness, and that a transition
is committed before anything is shown. It returns what to show; it never sends.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo

from bot.catalog import Catalog
from bot.daily import DAILY, DailySettings
from bot.layouts import format_due
from bot.schedule_store import ScheduleStore
from bot.storage import Storage, StoredDialog, User
from bot.timezones import zone
from dialogs import FLOWS
from dialogs.engine import (
    DialogState,
    InvalidInput,
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
PROMPT_LIMIT = timedelta(minutes=15)
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
    NEW_CARD = "new_card"  # a new call: a fresh card below, the finished one stays as it is
    BAD_INPUT = "bad_input"  # typed text the card takes, in a form it cannot read


@dataclass(frozen=True)
class Person:
    """A user as the coach sees them: stored record, language and time zone."""

    user: User
    lang: str
    zone_name: str

    @property
    def zone(self) -> tzinfo:
        return zone(self.zone_name)

    @property
    def user_id(self) -> int:
        return self.user.user_id


@dataclass(frozen=True)
class Outcome:
    show: Show
    screen: Screen | None = None
    message_id: int | None = None
    hint: str = ""


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
        self.schedule = ScheduleStore(storage)
        self.daily = DailySettings(self.schedule, clock)

    async def person(
        self, user_id: int, chat_id: int, first_name: str, telegram_language: str | None
    ) -> Person:
        user = await self.storage.touch_user(
            user_id, chat_id, first_name, telegram_language, self.clock()
        )
        return self._person(user)

    async def person_by_id(self, user_id: int) -> Person:
        user = await self.storage.user(user_id)
        assert user is not None
        return self._person(user)

    def format_moment(self, person: Person, moment: str, zone_name: str | None = None) -> str:
        """A stored moment in a zone (the person's unless given) and their language (Babel)."""
        local = datetime.fromisoformat(moment).astimezone(zone(zone_name or person.zone_name))
        return format_due(self.catalog, person.lang, local.isoformat())

    def zone_name(
        self, language: str | None, telegram_language: str | None, chosen: str | None
    ) -> str:
        """The zone the person set, else their language's: Almaty for kk, Moscow for ru."""
        lang = self.catalog.language_for(language, telegram_language)
        return chosen or str(self.catalog.value(lang, "ui.meta.default_timezone"))

    def _person(self, user: User) -> Person:
        lang = self.catalog.language_for(user.language, user.telegram_language)
        name = self.zone_name(user.language, user.telegram_language, user.timezone)
        return Person(user=user, lang=lang, zone_name=name)

    async def set_language(self, person: Person, lang: str | None = None) -> Person:
        """Switch to `lang`, or with none given to the other language (`/language`)."""
        if lang is None:
            lang = next(other for other in self.catalog.languages if other != person.lang)
        await self.storage.set_language(person.user_id, lang)
        user = await self.storage.user(person.user_id)
        assert user is not None
        return self._person(user)

    def _local_now(self, person: Person) -> datetime:
        return self.clock().astimezone(person.zone)

    def render_state(self, person: Person, state: DialogState) -> Screen:
        return screen(FLOWS[state.flow], state, self._local_now(person))

    async def close_idle_calls(self) -> int:
        """Calls untouched for IDLE_LIMIT are saved as unfinished (the scheduler's sweep)."""
        now = self.clock()
        return await self.storage.close_calls(now, idle_since=now - IDLE_LIMIT)

    async def _dialog(self, person: Person, flow: str) -> StoredDialog | None:
        """The user's dialog in a flow; a call left untouched too long is closed first."""
        stored = await self.storage.dialog(person.user_id, flow)
        idle = stored is not None and self.clock() - stored.updated_at > IDLE_LIMIT
        if idle and flow == CALL and stored.state.status == "active":
            await self.storage.close_calls(self.clock(), user_id=person.user_id)
            stored = await self.storage.dialog(person.user_id, flow)
        return stored

    async def _commit(
        self, person: Person, state: DialogState, message_id: int | None = None
    ) -> Screen:
        if state.flow == DAILY:
            zone_name, state = await self.daily.apply(person.user_id, person.zone_name, state)
            person = replace(person, zone_name=zone_name)
        await self.storage.save_transition(
            person.user_id,
            state,
            now=self.clock(),
            timezone=person.zone_name,
            message_id=message_id,
        )
        return self.render_state(person, state)

    async def open_flow(self, person: Person, flow: str, node: str | None = None) -> Screen:
        """Start a flow afresh (at `node`)."""
        stored = await self.storage.dialog(person.user_id, flow)
        return await self._commit(
            person, start(FLOWS[flow], stored.state if stored else None, node)
        )

    async def open_call(self, person: Person) -> Outcome:
        """The coach: the running call's card if there is one, else a new call.

        A person mid-call who taps 🆘 again wants the coach, not a reset that throws away
        what was typed; a new call starts from the summary, the End card, or /cancel.
        """
        stored = await self._dialog(person, CALL)
        if stored is not None and stored.state.status == "active":
            return Outcome(Show.STALE, self.render_state(person, stored.state), stored.message_id)
        return Outcome(Show.CARD, await self.open_flow(person, CALL))

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

    def _catch_up(self, person: Person, stored: StoredDialog) -> Outcome | None:
        """A step saved but never shown (the reply failed or the bot died): show it now."""
        if stored.shown_revision < stored.state.revision:
            return Outcome(Show.REDRAW, self.render_state(person, stored.state), stored.message_id)
        return None

    async def press(
        self, person: Person, flow: str, revision: int, button: str, message_id: int | None
    ) -> Outcome:
        stored = await self._dialog(person, flow)
        if stored is None or stored.state.status == "closed":
            return Outcome(Show.CLOSED)
        state = stored.state
        if message_id is not None and message_id != stored.message_id:
            return Outcome(Show.STALE, self.render_state(person, state))
        if revision != state.revision:
            return self._catch_up(person, stored) or Outcome(Show.ALREADY)
        try:
            new_state = step(FLOWS[state.flow], state, Press(button), self._local_now(person))
        except NotAccepted:
            return Outcome(Show.STALE, self.render_state(person, state))
        except OpensCall:
            return Outcome(Show.OPEN_CALL)
        new_screen = await self._commit(person, new_state)
        if new_state.call_no != state.call_no:
            # a new call keeps the finished one on screen: its summary is still needed
            return Outcome(Show.NEW_CARD, new_screen, message_id)
        return Outcome(Show.CARD, new_screen, message_id)

    async def _text_target(self, person: Person) -> StoredDialog | None:
        """A running call takes typed text, unless the settings card asking for a time or
        zone is the last card the person touched, a few minutes ago at most: a prompt left
        behind must not swallow later descriptions."""
        daily = await self.storage.dialog(person.user_id, DAILY)
        asks = daily is not None and FLOWS[DAILY].node(daily.state.node).fills is not None
        recent = asks and self.clock() - daily.updated_at < PROMPT_LIMIT
        if recent and await self.storage.latest_flow(person.user_id) == DAILY:
            return daily
        return await self._dialog(person, CALL)

    async def typed(self, person: Person, text: str, message_id: int | None = None) -> Outcome:
        """Typed text goes to a running call; anywhere else it is the caller's to interpret.

        `message_id` is the person's own message: ids only grow within a chat, so one at
        or below the last one taken is a redelivery after a restart, never new input.
        """
        stored = await self._text_target(person)
        if message_id is not None and message_id <= person.user.last_message_id:
            caught_up = stored and self._catch_up(person, stored)
            return caught_up or Outcome(Show.NOTHING)
        if stored is None or stored.state.status != "active":
            return Outcome(Show.OUTSIDE)
        caught_up = self._catch_up(person, stored)
        if caught_up:
            return caught_up
        state = stored.state
        try:
            new_state = step(FLOWS[state.flow], state, Typed(text), self._local_now(person))
        except InvalidInput as error:
            return Outcome(Show.BAD_INPUT, hint=f"bad_{error.field}")
        except NotAccepted:
            return Outcome(Show.NO_TEXT)
        new_screen = await self._commit(person, new_state, message_id)
        return Outcome(Show.CARD, new_screen, stored.message_id)
