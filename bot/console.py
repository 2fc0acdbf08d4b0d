"""The coach in a terminal: the same engine, catalogs and database, numbered choices.

It exists so the coach can be tried with no Telegram token at all, and so a person can
rehearse a hard call at their desk. Printing is this module's job, hence `print`-like
writes to the given stream rather than logging.
"""

from __future__ import annotations

import asyncio
from typing import TextIO

from bot.advice import Advice
from bot.catalog import Catalog
from bot.coach import Coach, Person, Show
from bot.config import Config
from bot.render import plain_text, render_card
from bot.storage import Storage
from dialogs.engine import Screen
from dialogs.library import MENU, page_node, title_key

CONSOLE_USER_ID = 0
QUIT_WORDS = {"/quit", "/exit", "/q"}
TERMINAL_SCREEN = 0
FLOW_COMMANDS = {"/situations": "library", "/check": "check", "/daily": "daily"}


class Console:
    def __init__(self, coach: Coach, advice: Advice, person: Person, out: TextIO) -> None:
        self.coach = coach
        self.advice = advice
        self.person = person
        self.out = out
        self.screen: Screen | None = None

    def write(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def say(self, key: str, **values: object) -> None:
        self.write(
            plain_text(self.coach.catalog.text(self.person.lang, f"ui.messages.{key}", **values))
        )

    async def show(self, screen: Screen) -> None:
        """Print the card; the terminal is one screen, so it is always "message" 0."""
        self.screen = screen
        await self.coach.mark_shown(self.person, screen, TERMINAL_SCREEN)
        card = render_card(self.coach.catalog, self.person.lang, screen)
        self.write("\n" + "─" * 40 + "\n" + plain_text(card.html) + "\n")
        labels = [button.label for row in card.buttons for button in row]
        for number, label in enumerate(labels, start=1):
            self.write(f"  {number}. {label}")

    async def handle(self, line: str) -> None:
        """One line of input: a button number, a command, or free text for the card."""
        text = line.strip()
        if not text:
            return
        if text == "/call":
            await self.open_call()
        elif text in FLOW_COMMANDS:
            await self.show(await self.coach.open_flow(self.person, FLOW_COMMANDS[text]))
        elif text == "/tip":
            tip = await self.advice.next_tip(self.person)
            self.write("\n" + plain_text(self.advice.render_tip(self.person.lang, tip)))
        elif text == "/language":
            self.person = await self.coach.set_language(self.person)
            self.say("language_set")
            current = await self.coach.current(self.person)
            if current:
                await self.show(current[0])
        elif text == "/help":
            self.say("help")
        elif text == "/cancel":
            self.say("cancelled" if await self.coach.cancel(self.person) else "nothing_to_cancel")
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

    async def open_call(self) -> None:
        outcome = await self.coach.open_call(self.person)
        assert outcome.screen is not None
        await self.show(outcome.screen)

    async def press(self, number: int) -> None:
        assert self.screen is not None
        buttons = [button for row in self.screen.buttons for button in row]
        if not 1 <= number <= len(buttons):
            self.say("pick_number")
            return
        outcome = await self.coach.press(
            self.person, self.screen.flow, self.screen.revision, buttons[number - 1].id, None
        )
        if outcome.show is Show.CLOSED:
            self.say("no_call")
        elif outcome.show is Show.OPEN_CALL:
            await self.open_call()
        elif outcome.screen is not None:
            await self.show(outcome.screen)

    async def typed(self, text: str) -> None:
        outcome = await self.coach.typed(self.person, text)
        if outcome.show is Show.NO_TEXT:
            self.say("no_text_here")
        elif outcome.show is Show.BAD_INPUT:
            self.say(outcome.hint)
        elif outcome.show is Show.OUTSIDE:
            await self.describe(text)
        elif outcome.screen is not None:
            await self.show(outcome.screen)

    async def describe(self, text: str) -> None:
        """The best-matching playbook opens at once; the others are named below it."""
        found = self.advice.find_situations(text)
        catalog = self.coach.catalog
        if not found:
            self.say("not_matched")
            await self.show(await self.coach.open_flow(self.person, "library", MENU))
            return
        self.say("matched")
        for situation in found:
            self.write(f"  • {plain_text(catalog.text(self.person.lang, title_key(situation)))}")
        await self.show(await self.coach.open_flow(self.person, "library", page_node(found[0])))


async def run_console(config: Config, lang: str | None, stdin: TextIO, out: TextIO) -> int:
    """Run until end of input; the call so far stays saved in the database."""
    storage = await Storage(config.db_path).open()
    try:
        catalog = Catalog()
        coach = Coach(storage, catalog)
        person = await coach.person(CONSOLE_USER_ID, CONSOLE_USER_ID, "", lang)
        if lang:
            person = await coach.set_language(person, lang)
        console = Console(coach, Advice(storage, catalog), person, out)
        console.say("start", name="")
        console.say("console_hint")
        current = await coach.current(person)
        if current:
            await console.show(current[0])
        else:
            await console.open_call()
        while (line := await asyncio.to_thread(stdin.readline)) and line.strip() not in QUIT_WORDS:
            await console.handle(line)
    finally:
        await storage.close()
    return 0
