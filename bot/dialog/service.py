"""The dialog service: where an event meets the engine and the database, for every flow.

Telegram handlers and the terminal both call it, so the rules live once: stale presses,
where typed text goes, idle dialogs, and each step as one transaction committed before
anything is shown. It names no flow: what is special is declared on the flow or in its
feature's step hook. It returns what to show; it never sends.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.database import users
from bot.database.connection import Store, Tx
from bot.database.dialogs import (
    Conflict,
    StoredDialog,
    idle_dialogs,
    load_dialog,
    load_dialogs,
    mark_shown,
    save_dialog,
    unmark_shown,
)
from bot.dialog.person import People, Person
from dialogs.engine import (
    DialogState,
    HandsOver,
    InvalidInput,
    NotAccepted,
    Press,
    Screen,
    Typed,
    screen,
    start,
    step,
)
from dialogs.graph import Flow

PROMPT_LIMIT = timedelta(minutes=15)  # a card asking for text keeps it this long


@dataclass(frozen=True)
class Step:
    """One transition as a feature's hook sees it, inside the step's transaction."""

    person: Person
    before: DialogState | None
    after: DialogState
    now: datetime


# A feature's writes beside a step of its flow; returns the state to save (it may mirror
# what it stored back into the dialog, as the daily settings do).
StepHook = Callable[[Tx, Step], Awaitable[DialogState]]


class Show(enum.Enum):
    """What the adapter should do after an event."""

    CARD = "card"  # the dialog moved on: draw the new card in place of the old one
    REDRAW = "redraw"  # same card, but the screen never caught up (a failed reply, a crash)
    ALREADY = "already"  # a second tap: the card on screen is already current
    STALE = "stale"  # a press on an older card: retire it, send the current card anew
    RUNNING = "running"  # opened again while it runs: its card as it is
    CLOSED = "closed"  # a press on a card of a dialog that is over
    NO_TEXT = "no_text"  # text typed on a card that takes none
    OUTSIDE = "outside"  # text no dialog takes: the caller's to interpret
    NOTHING = "nothing"  # an update seen before: already handled
    HANDOVER = "handover"  # the button opens another flow (`Outcome.flow`)
    NEW_CARD = "new_card"  # a new run: a fresh card below, the finished one stays as it is
    BAD_INPUT = "bad_input"  # typed text the card takes but won't store (unreadable, too
    # long, already there): the notice says which


@dataclass(frozen=True)
class Outcome:
    show: Show
    screen: Screen | None = None
    message_id: int | None = None
    notice: str = ""  # a `ui.messages` key to tell the person besides the card
    flow: str = ""  # the flow a HANDOVER opens
    node: str = ""  # and the node it opens at ("" for the flow's start)
    finished: bool = False  # this step finished the dialog (a call's summary)
    recorded: bool = False  # already recorded as shown at `message_id` (undo if that fails)


class DialogService:
    def __init__(
        self,
        db: Store,
        people: People,
        flows: Mapping[str, Flow],
        hooks: Mapping[str, Sequence[StepHook]],
        clock: Callable[[], datetime],
    ) -> None:
        self.db = db
        self.people = people
        self.flows = flows
        self.hooks = hooks
        self.clock = clock

    def screen(self, person: Person, state: DialogState) -> Screen:
        return screen(self.flows[state.flow], state, self.people.local_now(person))

    async def _commit(
        self,
        tx: Tx,
        person: Person,
        before: DialogState | None,
        after: DialogState,
        message_id: int | None = None,
        shown_at: int | None = None,
        last: bool = False,
    ) -> DialogState:
        """The step, its feature's writes, the message taken and the card it will be shown
        on: one transaction, or none. `last`: the block writes nothing after this."""
        now = self.clock()
        for hook in self.hooks.get(after.flow, ()):
            after = await hook(tx, Step(person, before, after, now))
        expected = before.revision if before else None
        last = last and message_id is None  # else the message taken is written after it
        await save_dialog(tx, person.user_id, after, expected, now, shown_at, last)
        if message_id is not None:
            await users.take_message(tx, person.user_id, message_id)
        return after

    async def _load(self, tx: Tx, person: Person, flow: str) -> StoredDialog | None:
        """The person's dialog in a flow; one left running too long is closed first."""
        return await self._unless_idle(tx, person, await load_dialog(tx, person.user_id, flow))

    async def _unless_idle(
        self, tx: Tx, person: Person, stored: StoredDialog | None
    ) -> StoredDialog | None:
        """`stored` as it stands, or closed (and read again) if it was left too long."""
        if stored is None or not self._idle(stored):
            return stored
        await self._commit(tx, person, stored.state, _closed(stored.state))
        return await load_dialog(tx, person.user_id, stored.state.flow)

    def _idle(self, stored: StoredDialog) -> bool:
        limit = self.flows[stored.state.flow].idle_limit
        running = stored.state.status == "active"
        return running and limit is not None and self.clock() - stored.updated_at > limit

    async def enter(self, person: Person, flow: str, node: str | None = None) -> Outcome:
        """Open a flow: a resumable one that is running comes back as it is (🆘 mid-call
        wants the coach, not a reset); otherwise a fresh run (at `node`)."""
        graph = self.flows[flow]
        async with self.db.transaction() as tx:
            stored = await self._load(tx, person, flow)
            if graph.resumable and stored is not None and stored.state.status == "active":
                shown = self.screen(person, stored.state)
                return Outcome(Show.RUNNING, shown, stored.message_id)
            before = stored.state if stored else None
            after = await self._commit(tx, person, before, start(graph, before, node))
        return Outcome(Show.CARD, self.screen(person, after))

    async def close(self, person: Person, flow: str) -> bool:
        """Leave a running dialog (`/cancel`); False if there was none."""
        async with self.db.transaction() as tx:
            stored = await load_dialog(tx, person.user_id, flow)
            if stored is None or stored.state.status != "active":
                return False
            await self._commit(tx, person, stored.state, _closed(stored.state))
        return True

    async def idle_people(self, flow: str) -> list[int]:
        limit = self.flows[flow].idle_limit
        if limit is None:
            return []
        async with self.db.read() as tx:
            return await idle_dialogs(tx, flow, self.clock() - limit)

    async def close_if_idle(self, user_id: int, flow: str) -> bool:
        """The sweep's close, re-checked inside the transaction (the person may just have
        pressed): a dialog touched since is left alone."""
        person = await self.people.by_id(user_id)
        if person is None:
            return False
        async with self.db.transaction() as tx:
            stored = await load_dialog(tx, user_id, flow)
            if stored is None or not self._idle(stored):
                return False
            await self._commit(tx, person, stored.state, _closed(stored.state))
        return True

    async def current(self, person: Person, flow: str) -> tuple[Screen, int | None] | None:
        """The card the person should see now in a flow and the message showing it, if any;
        a flow that `mirrors_person` has its hooks work out what it shows anew."""
        async with self.db.transaction() as tx:
            stored = await self._load(tx, person, flow)
            if stored is None or stored.state.status == "closed":
                return None
            state = stored.state
            if self.flows[flow].mirrors_person:
                for hook in self.hooks.get(flow, ()):
                    state = await hook(tx, Step(person, stored.state, state, self.clock()))
        return self.screen(person, state), stored.message_id

    async def mark_shown(
        self, person: Person, shown: Screen, message_id: int, brought_up: bool = False
    ) -> None:
        """`brought_up`: the card was sent anew below everything — typed text is for it now."""
        now = self.clock() if brought_up else None
        async with self.db.transaction() as tx:
            await mark_shown(tx, person.user_id, shown.flow, message_id, shown.revision, now)

    async def unmark_shown(self, person: Person, shown: Screen) -> None:
        """The card recorded as shown with the step never made it to the screen: the next
        press or text redraws it."""
        async with self.db.transaction() as tx:
            await unmark_shown(tx, person.user_id, shown.flow, shown.revision)

    async def press(
        self, person: Person, flow: str, revision: int, button: str, message_id: int | None
    ) -> Outcome:
        try:
            async with self.db.transaction(on_loop=True) as tx:  # the press path's reads
                return await self._press(tx, person, flow, revision, button, message_id)
        except Conflict:  # another writer moved the dialog first: this press is the stale one
            return Outcome(Show.ALREADY)

    async def _press(
        self, tx: Tx, person: Person, flow: str, revision: int, button: str, message_id: int | None
    ) -> Outcome:
        stored = await self._load(tx, person, flow)
        if stored is None or stored.state.status == "closed":
            return Outcome(Show.CLOSED)
        state = stored.state
        if message_id is not None and message_id != stored.message_id:
            return Outcome(Show.STALE, self.screen(person, state), stored.message_id)
        if revision != state.revision:
            return self._catch_up(person, stored) or Outcome(Show.ALREADY)
        try:
            moved = step(self.flows[flow], state, Press(button), self.people.local_now(person))
        except HandsOver as handover:
            return Outcome(Show.HANDOVER, flow=handover.flow, node=handover.node)
        except NotAccepted:  # a button hidden since the card was drawn: show it as it is now
            shown = self.screen(person, state)
            return Outcome(Show.REDRAW, shown, stored.message_id, notice="stale_card")
        if moved.run != state.run:  # a new run: a fresh card below, shown later
            moved = await self._commit(tx, person, state, moved)
            return Outcome(Show.NEW_CARD, self.screen(person, moved), message_id)
        moved = await self._commit(tx, person, state, moved, shown_at=message_id, last=True)
        finished = moved.status == "done" and state.status != "done"
        shown = self.screen(person, moved)
        return Outcome(Show.CARD, shown, message_id, finished=finished, recorded=True)

    def _catch_up(self, person: Person, stored: StoredDialog) -> Outcome | None:
        if stored.behind:
            return Outcome(Show.REDRAW, self.screen(person, stored.state), stored.message_id)
        return None

    async def _text_target(self, tx: Tx, person: Person) -> StoredDialog | None:
        """The dialog the person looks at now takes the text: a card that asks for a line
        (or keeps it), touched a few minutes ago at most so a forgotten prompt cannot
        swallow later descriptions, or a running dialog that holds text. Text typed under
        a screen opened since is that screen's."""
        stored = await load_dialogs(tx, person.user_id)
        if not stored:
            return None
        latest = stored[0]
        flow = self.flows[latest.state.flow]
        node = flow.node(latest.state.node)
        asks = node.fills is not None or node.keeps_text
        recent = self.clock() - latest.updated_at < PROMPT_LIMIT
        if asks and recent and latest.state.status != "closed":
            return latest  # a finished dialog may still ask for a line (a call's lesson)
        if flow.holds_text and latest.state.status == "active":
            return await self._unless_idle(tx, person, latest)  # already read: no second trip
        return None

    async def typed(self, person: Person, text: str, message_id: int | None = None) -> Outcome:
        """Typed text goes to the dialog that takes it; anywhere else it is the caller's.

        `message_id` is the person's own message: ids only grow within a chat, so one at
        or below the last one taken is a redelivery after a restart, never new input.
        """
        try:
            async with self.db.transaction() as tx:
                return await self._typed(tx, person, text, message_id)
        except Conflict:
            return Outcome(Show.NOTHING)

    async def _typed(self, tx: Tx, person: Person, text: str, message_id: int | None) -> Outcome:
        stored = await self._text_target(tx, person)
        if message_id is not None and message_id <= person.user.last_message_id:
            return (stored and self._catch_up(person, stored)) or Outcome(Show.NOTHING)
        if stored is None or stored.state.status == "closed":
            return Outcome(Show.OUTSIDE)
        state = stored.state
        flow = self.flows[state.flow]
        field = flow.node(state.node).fills
        if stored.behind and field not in flow.notes:
            # the card on screen is not the one the text was meant for: show it, ask again
            # (a line for a note is the note's on either card; anything else may not be)
            shown = self.screen(person, state)
            return Outcome(Show.REDRAW, shown, stored.message_id, notice="send_again")
        try:
            moved = step(flow, state, Typed(text), self.people.local_now(person))
        except InvalidInput as error:
            return Outcome(Show.BAD_INPUT, notice=f"bad_{error.field}")
        except NotAccepted:
            return Outcome(Show.NO_TEXT)
        if moved == state:  # the card already holds it: show it if the screen lags
            return self._catch_up(person, stored) or Outcome(Show.BAD_INPUT, notice="noted")
        moved = await self._commit(tx, person, state, moved, message_id, stored.message_id)
        shown = self.screen(person, moved)
        return Outcome(Show.CARD, shown, stored.message_id, recorded=True)


def _closed(state: DialogState) -> DialogState:
    """Saved as left; the revision moves on, so buttons still on screen become stale rather
    than continuing a dialog the person has left (tomorrow's text is never a complaint)."""
    return replace(state, status="closed", revision=state.revision + 1)
