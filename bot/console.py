"""The coach in a terminal: the same features, catalogs and database, numbered choices.

So the coach can be tried with no Telegram token, and a hard call rehearsed at a desk.
Every command that opens a flow works as in Telegram, and so do /tip, /history, /help,
/start and /language. Nothing is delivered here (no scheduler runs), and the cards that
promise a delivery say so. Printing is this module's job: it writes to the given stream,
not the log."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import io
import os
import re
from typing import TextIO

from bot.app import Assembly, assemble
from bot.config import Config
from bot.content.render import plain_text
from bot.dialog.person import Person
from bot.dialog.service import Outcome, Show
from bot.journal import month_start, records
from bot.journal.layout import JournalLayout
from bot.situations.search import PlaybookSearch
from bot.tips.service import TipService
from dialogs.call_flow import CALL_FLOW
from dialogs.engine import Screen
from dialogs.situations_flow import MENU, SITUATIONS_FLOW, page_node, title_key

CONSOLE_USER_ID = 0
QUIT_WORDS = {"/quit", "/exit", "/q"}
TERMINAL_SCREEN = 0
FIRST_FLOW = CALL_FLOW.name  # what the terminal opens when nothing runs: the coach
NUMBER = re.compile(r"[+-]?[0-9]+")
# values that name the moment of a delivery: a call's reminder, the next daily tip
DELIVERY_VALUES = ("due_at", "next_at")


class Console:
    def __init__(self, assembly: Assembly, person: Person, out: TextIO) -> None:
        self.kit = assembly.kit
        self.person = person
        self.out = out
        self.screen: Screen | None = None
        self.flow_commands = {
            f"/{command.name}": command.opens
            for feature in assembly.features
            for command in feature.commands
            if command.opens
        }
        self.tips = TipService(self.kit.db, self.kit.catalog, self.kit.clock)
        self.search = PlaybookSearch(self.kit.catalog)
        self.journal = JournalLayout(self.kit.catalog)
        self.asked: str | None = None  # a number that is no button, asked about
        self.announced: tuple[str, ...] = ()  # the deliveries last said to come in Telegram

    def write(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def say(self, key: str, **values: object) -> None:
        """A message as Telegram words it, or in the terminal's own words where Telegram's
        name a button the terminal lacks (`ui.console.<key>`)."""
        if self.kit.catalog.has(self.person.lang, f"ui.console.{key}"):
            self.tell(key, **values)
        else:
            self.write(plain_text(self.kit.replies.say(self.person, key, **values)))

    def tell(self, key: str, **values: object) -> None:
        """A terminal-only text (`ui.console`): what Telegram never needs to say."""
        text = self.kit.catalog.text(self.person.lang, f"ui.console.{key}", **values)
        self.write(plain_text(text))

    def words(self, key: str) -> set[str]:
        return set(self.kit.catalog.value(self.person.lang, f"ui.console.{key}").split())

    async def show(self, screen: Screen) -> None:
        """Print the card below everything. Like a card Telegram sends anew, it is the one
        in front of the person now, so it is recorded as brought up: typed text is its own,
        even when another dialog was touched since. The terminal is one "message", 0."""
        self.screen = screen
        await self.kit.dialogs.mark_shown(self.person, screen, TERMINAL_SCREEN, brought_up=True)
        card = self.kit.cards.renderer.render(self.person.lang, screen)
        self.write("\n" + "─" * 40 + "\n" + plain_text(card.html) + "\n")
        labels = [button.label for row in card.buttons for button in row]
        for number, label in enumerate(labels, start=1):
            self.write(f"  {number}. {label}")
        self.announce_delivery(screen)

    def announce_delivery(self, screen: Screen) -> None:
        """A card naming a reminder or the next tip promises what only the Telegram bot
        delivers: said once for each moment, not under every card that repeats it."""
        moments = tuple(screen.values.get(key, "") for key in DELIVERY_VALUES)
        if any(moments) and moments != self.announced:
            self.tell("telegram_only")
        self.announced = moments

    async def handle(self, line: str) -> None:
        """One line of input: a button number, a command, or free text for the card."""
        text = line.strip()
        if not text:
            return
        # read afresh, as the bot reads the person for each update: a zone chosen on the
        # daily card must count in the next step
        self.person = await self.kit.people.by_id(self.person.user_id) or self.person
        if self.asked is not None and await self.answered(text):
            return
        if text.startswith("/"):
            await self.command(text.lower())  # as Telegram matches them: /CALL is /call
        elif self.is_button_number(text):
            await self.press(int(text))
        elif self.is_stray_number(text):
            self.asked = text
            self.tell("no_such_button", number=text)
        else:
            await self.typed(text)

    async def command(self, text: str) -> None:
        """A command: one that opens a flow, or one the terminal does itself."""
        if text in self.flow_commands:
            await self.open(self.flow_commands[text])
        elif text == "/tip":
            tip = await self.tips.next_tip(self.person.user_id)
            self.write("\n" + plain_text(self.tips.render_tip(self.person.lang, tip)))
        elif text == "/language":
            await self.switch_language()
        elif text == "/help":
            self.tell("help")
        elif text == "/start":
            self.say("start", name="")
            self.say("console_hint")
        elif text == "/history":
            await self.history()
        elif text == "/cancel":
            closed = await self.kit.dialogs.close(self.person, FIRST_FLOW)
            self.say("cancelled" if closed else "nothing_to_cancel")
        else:
            self.say("unknown_command")

    async def switch_language(self) -> None:
        """The other language, and the card on screen again in it."""
        self.person = await self.kit.people.set_language(self.person)
        self.say("language_set")
        if self.screen is not None:
            current = await self.kit.dialogs.current(self.person, self.screen.flow)
            if current:
                await self.show(current[0])

    def is_button_number(self, text: str) -> bool:
        """A number is a button press, unless the card takes text and has no such button."""
        if self.screen is None or not text.isdecimal() or not text.isascii():
            return False
        count = sum(len(row) for row in self.screen.buttons)
        return 1 <= int(text) <= count or not self.screen.accepts_text

    def is_stray_number(self, text: str) -> bool:
        """A number the card would keep as words (a complaint, a promise) is more likely a
        mistyped button than what the person meant to write; one the card reads as a
        time or a zone (`830`, `+5`) is that."""
        if self.screen is None or not self.screen.accepts_text or not NUMBER.fullmatch(text):
            return False
        flow = self.kit.dialogs.flows[self.screen.flow]
        field = flow.node(self.screen.node).fills
        if field is None:
            return False
        validator = flow.validators.get(field)
        return (validator(text) if validator else text) == text

    async def answered(self, text: str) -> bool:
        """The reply to "no such button: save it as text?"; anything but yes or no is a
        line of its own (False), and the question is not asked again."""
        number, self.asked = self.asked, None
        if text.lower() in self.words("yes_words"):
            await self.typed(number or "")
        elif text.lower() in self.words("no_words"):
            self.tell("not_saved")
        else:
            return False
        return True

    async def history(self) -> None:
        """The journal's first page, drawn by the journal's own layout (its buttons, which
        open a record, stay in Telegram)."""
        person, now = self.person, self.kit.clock()
        async with self.kit.db.read() as tx:
            month = await records.month(tx, person.user_id, month_start(person, now), now)
            rows, _more = await records.page(tx, person.user_id, 0)
            practice = await records.practice(tx, person.user_id)
        self.write("\n" + plain_text(self.journal.page(person, month, rows, 1, practice)))

    async def open(self, flow: str, node: str | None = None) -> None:
        outcome = await self.kit.dialogs.enter(self.person, flow, node)
        assert outcome.screen is not None
        await self.show(outcome.screen)

    async def press(self, number: int) -> None:
        assert self.screen is not None
        buttons = [button for row in self.screen.buttons for button in row]
        if not 1 <= number <= len(buttons):
            self.say("pick_number")
            return
        outcome = await self.kit.dialogs.press(
            self.person, self.screen.flow, self.screen.revision, buttons[number - 1].id, None
        )
        await self.follow(outcome)

    async def follow(self, outcome: Outcome) -> None:
        if outcome.show is Show.CLOSED:
            await self.closed()
        elif outcome.show is Show.HANDOVER:
            await self.open(outcome.flow, outcome.node or None)
        elif outcome.show is Show.NO_TEXT:
            self.say("no_text_here")
        elif outcome.show is Show.BAD_INPUT:
            self.say(outcome.notice)
        elif outcome.screen is not None:
            await self.show(outcome.screen)

    async def closed(self) -> None:
        """The pressed card's run is over: its flow's offer of a new one, in its own words
        (the command starts it), or its fresh card, as in Telegram."""
        assert self.screen is not None
        wording = self.kit.dialogs.flows[self.screen.flow].wording
        if wording is None:
            await self.open(self.screen.flow)
        else:
            self.say(wording.offer)

    async def typed(self, text: str) -> None:
        outcome = await self.kit.dialogs.typed(self.person, text)
        if outcome.show is Show.OUTSIDE:
            await self.describe(text)
        else:
            await self.follow(outcome)

    async def describe(self, text: str) -> None:
        """The best-matching playbook opens at once; the others are named below it."""
        found = self.search.find(text)
        if not found:
            self.say("not_matched")
            await self.open(SITUATIONS_FLOW.name, MENU)
            return
        self.say("matched")
        for situation in found:
            self.write(
                f"  • {plain_text(self.kit.catalog.text(self.person.lang, title_key(situation)))}"
            )
        await self.open(SITUATIONS_FLOW.name, page_node(found[0]))


class Lines:
    """Standard input, line by line, read on the event loop itself when it can wait for it
    (a terminal, a pipe): no thread is left blocked in a read, so Ctrl-C ends the run at
    once. A file or a string never blocks, so it is simply read."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.fd = self._watch(stream)
        self.polled = self.fd is not None
        self.decoder = codecs.getincrementaldecoder(stream.encoding or "utf-8")("replace")
        self.partial = ""

    def _watch(self, stream: TextIO) -> int | None:
        try:
            fd = stream.fileno()
            asyncio.get_running_loop().add_reader(fd, self._ready, fd)
        except (OSError, ValueError, NotImplementedError, io.UnsupportedOperation):
            return None  # a regular file (not pollable), a string, or no selector loop
        return fd

    def _ready(self, fd: int) -> None:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:  # woken for nothing: wait for the next line
            return
        except OSError:  # the terminal went away: as good as the end of input
            chunk = b""
        text = self.partial + self.decoder.decode(chunk, final=not chunk)
        *lines, self.partial = text.split("\n")
        for line in lines:
            self.queue.put_nowait(line + "\n")
        if not chunk:  # end of input: Ctrl-D in a terminal, a closed pipe
            if self.partial:
                self.queue.put_nowait(self.partial)
            self.queue.put_nowait(None)
            self.close()

    async def next(self) -> str | None:
        """The next line, None at the end of input."""
        if not self.polled:
            return self.stream.readline() or None
        return await self.queue.get()

    def close(self) -> None:
        if self.fd is not None:
            asyncio.get_running_loop().remove_reader(self.fd)
            self.fd = None


async def run_console(config: Config, lang: str | None, stdin: TextIO, out: TextIO) -> int:
    """Run until end of input, /quit or Ctrl-C; the call so far stays saved in the
    database. Ctrl-C cancels this task (asyncio.run's own handling): a way to leave, so
    it ends the run quietly, after the step in progress is committed or rolled back."""
    assembly = assemble(config)
    kit = assembly.kit
    await kit.db.open()
    lines = Lines(stdin)
    try:
        console = await greet(assembly, lang, out)
        while (line := await lines.next()) is not None and line.strip().lower() not in QUIT_WORDS:
            await console.handle(line)
    except asyncio.CancelledError:
        out.write("\n")  # after the terminal's ^C, so the shell's prompt starts a line
    finally:
        lines.close()
        with contextlib.suppress(asyncio.CancelledError):
            await kit.db.close()
    return 0


async def greet(assembly: Assembly, lang: str | None, out: TextIO) -> Console:
    """The greeting and the coach's card: the running call as it is, or a new one (a
    finished call's summary stays in the journal rather than take the next line)."""
    kit = assembly.kit
    person = await kit.people.arrived(CONSOLE_USER_ID, "", lang)
    if lang:
        person = await kit.people.set_language(person, lang)
    console = Console(assembly, person, out)
    console.say("start", name="")
    console.say("console_hint")
    if lang:
        console.tell("language_kept")
    await console.open(FIRST_FLOW)
    return console
