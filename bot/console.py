"""The coach in a terminal: the same features, engine, catalogs and database, numbered choices.

It exists so the coach can be tried with no Telegram token at all, and so a person can
rehearse a hard call at their desk. Printing is this module's job, hence writes to the
given stream rather than logging. Commands come from the features' declarations: every
command that opens a flow works here as it does in Telegram.
"""

from __future__ import annotations

import asyncio
from typing import TextIO

from bot.app import Assembly, assemble
from bot.config import Config
from bot.content.render import plain_text
from bot.dialog.person import Person
from bot.dialog.service import Outcome, Show
from bot.situations.search import PlaybookSearch
from bot.tips.service import TipService
from dialogs.call_flow import CALL_FLOW
from dialogs.engine import Screen
from dialogs.situations_flow import MENU, SITUATIONS_FLOW, page_node, title_key

CONSOLE_USER_ID = 0
QUIT_WORDS = {"/quit", "/exit", "/q"}
TERMINAL_SCREEN = 0
FIRST_FLOW = CALL_FLOW.name  # what the terminal opens when nothing runs: the coach


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

    def write(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def say(self, key: str, **values: object) -> None:
        self.write(plain_text(self.kit.replies.say(self.person, key, **values)))

    async def show(self, screen: Screen) -> None:
        """Print the card; the terminal is one screen, so it is always "message" 0."""
        self.screen = screen
        await self.kit.dialogs.mark_shown(self.person, screen, TERMINAL_SCREEN)
        card = self.kit.cards.renderer.render(self.person.lang, screen)
        self.write("\n" + "─" * 40 + "\n" + plain_text(card.html) + "\n")
        labels = [button.label for row in card.buttons for button in row]
        for number, label in enumerate(labels, start=1):
            self.write(f"  {number}. {label}")

    async def handle(self, line: str) -> None:
        """One line of input: a button number, a command, or free text for the card."""
        text = line.strip()
        if not text:
            return
        # read afresh, as the bot reads the person for each update: a zone chosen on the
        # daily card must count in the next step
        self.person = await self.kit.people.by_id(self.person.user_id) or self.person
        if text in self.flow_commands:
            await self.open(self.flow_commands[text])
        elif text == "/tip":
            tip = await self.tips.next_tip(self.person.user_id)
            self.write("\n" + plain_text(self.tips.render_tip(self.person.lang, tip)))
        elif text == "/language":
            self.person = await self.kit.people.set_language(self.person)
            self.say("language_set")
            if self.screen is not None:
                current = await self.kit.dialogs.current(self.person, self.screen.flow)
                if current:
                    await self.show(current[0])
        elif text == "/help":
            self.say("help")
        elif text == "/cancel":
            closed = await self.kit.dialogs.close(self.person, FIRST_FLOW)
            self.say("cancelled" if closed else "nothing_to_cancel")
        elif self.is_button_number(text):
            await self.press(int(text))
        elif text.startswith("/"):
            self.say("unknown_command")
        else:
            await self.typed(text)

    def is_button_number(self, text: str) -> bool:
        """A number is a button press, unless the card takes text and has no such button."""
        if self.screen is None or not text.isdecimal() or not text.isascii():
            return False
        count = sum(len(row) for row in self.screen.buttons)
        return 1 <= int(text) <= count or not self.screen.accepts_text

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


async def run_console(config: Config, lang: str | None, stdin: TextIO, out: TextIO) -> int:
    """Run until end of input; the call so far stays saved in the database."""
    assembly = assemble(config)
    kit = assembly.kit
    await kit.db.open()
    try:
        person = await kit.people.arrived(CONSOLE_USER_ID, CONSOLE_USER_ID, "", lang)
        if lang:
            person = await kit.people.set_language(person, lang)
        console = Console(assembly, person, out)
        console.say("start", name="")
        console.say("console_hint")
        current = await kit.dialogs.current(person, FIRST_FLOW)
        if current:
            await console.show(current[0])
        else:
            await console.open(FIRST_FLOW)
        while (line := await asyncio.to_thread(stdin.readline)) and line.strip() not in QUIT_WORDS:
            await console.handle(line)
    finally:
        await kit.db.close()
    return 0
