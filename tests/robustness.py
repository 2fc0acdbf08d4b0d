"""Helpers shared by the robustness tests (fuzz, faults, database faults, flood).

They only use the harness, PTB's public Application API and the stand-in server, so the
restructuring of `bot/` does not touch them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import traceback
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from telegram.ext import AIORateLimiter, Application

from tests.harness import is_card
from tests.stub_api import BotApiStub, Call, Message, finalize_text, parse_html


class Texts(Protocol):
    """The catalog fixture as these tests use it (its class moves with the restructure)."""

    @property
    def languages(self) -> tuple[str, ...]: ...

    def text(self, lang: str, key: str, **values: Any) -> str: ...


WATCHED_LOGGERS = ("telegram", "bot", "tests.stub_api")
REPO = str(Path(__file__).resolve().parent.parent) + os.sep
VENV = f"{os.sep}.venv{os.sep}"


@dataclass(frozen=True)
class LoggedError:
    """One ERROR record: which logger, what it said, and the traceback's last lines."""

    logger: str
    message: str
    exception: str  # "" when the record carried no exception
    where: str  # the innermost frames of the traceback, "file:line in function < ..."

    def describe(self) -> str:
        tail = f" | {self.exception} at {self.where}" if self.exception else ""
        return f"[{self.logger}] {self.message}{tail}"


class ErrorCollector(logging.Handler):
    """Keeps every ERROR (and worse) record of the bot, PTB and the stub."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[LoggedError] = []

    def emit(self, record: logging.LogRecord) -> None:
        exception, where = "", ""
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            exception = f"{type(error).__name__}: {error}"
            frames = traceback.extract_tb(record.exc_info[2])
            ours = [f for f in frames if f.filename.startswith(REPO) and VENV not in f.filename]
            where = " < ".join(  # innermost first: the project's own frames, else PTB's
                f"{f.filename.removeprefix(REPO)}:{f.lineno} in {f.name}"
                for f in reversed((ours or frames)[-3:])
            )
        elif record.exc_text:
            exception = record.exc_text.strip().splitlines()[-1]
        self.records.append(LoggedError(record.name, record.getMessage(), exception, where))

    @property
    def with_exceptions(self) -> list[LoggedError]:
        return [r for r in self.records if r.exception]


@contextmanager
def collect_errors() -> Iterator[ErrorCollector]:
    """Collect ERROR records of the watched loggers for the duration of the block."""
    collector = ErrorCollector()
    loggers = [logging.getLogger(name) for name in WATCHED_LOGGERS]
    for logger in loggers:
        logger.addHandler(collector)
    try:
        yield collector
    finally:
        for logger in loggers:
            logger.removeHandler(collector)


def lift_overall_send_limit(app: Application) -> None:
    """Remove PTB's overall 30 messages/s pacing from the application's rate limiter.

    Telegram's overall limit is a throughput limit, not a robustness property: with it a
    few thousand replies take minutes. Everything else (no retries of a 429, group limits)
    stays as the bot configured it. A limiter of another kind is left alone.
    """
    limiter = app.bot.rate_limiter
    if isinstance(limiter, AIORateLimiter):
        limiter._base_limiter = None  # PTB 22: None means "no overall limit"


def processing(app: Application) -> bool:
    """Whether the application still has updates queued or being handled."""
    return not app.update_queue.empty() or app.update_processor.current_concurrent_updates > 0


async def settle(stub: BotApiStub, app: Application, timeout: float = 60) -> None:
    """Wait until the bot took every queued update and finished handling it.

    The stub forgets an update only when the next poll confirms it (PTB polls again only
    after queueing what it got), so "no update left in the stub, none in the application's
    queue or in its handlers, no request in flight", seen twice a few ms apart, is exact.
    """

    def quiet() -> bool:
        return not stub.state.updates and not processing(app) and stub.in_flight == 0

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await stub.wait_for(quiet, max(deadline - loop.time(), 0.1))
        await asyncio.sleep(0.02)
        if quiet():
            return


def plain(html_text: str) -> str:
    """What a person sees of an HTML text (the stub stores texts after parsing)."""
    return finalize_text(*parse_html(str(html_text)))[0]


# --- a person walking a whole call, one chat at a time -----------------------------------

QUIET = 0.25  # no request for a chat this long after its last one: the bot is done there

COMPLAINT = "сайт лежит, заказы не идут"
PROMISE = "исправим до пятницы"
RU_WALK = (
    ("tap", "Слушаю клиента"),
    ("type", COMPLAINT),  # the note: listen stays put until the person presses on
    ("tap", "Клиент высказался"),
    ("tap", "Да, клиент подтвердил"),
    ("tap", "Снова вспылил"),
    ("tap", "Клиент высказался"),
    ("tap", "Да, клиент подтвердил"),
    ("tap", "Ошибка наша"),
    ("tap", "Дальше: решение"),
    ("type", PROMISE),
    ("tap", "Завтра утром"),
)
KK_WALK = (
    ("tap", "▶"),
    ("type", "төлем өтпей жатыр"),  # the note: listen stays put
    ("tap", "Қайта ашуланды"),
    ("tap", "Клиент сөзін аяқтады"),
    ("tap", "✅"),
    ("tap", "Анық емес"),
    ("tap", "▶"),
    ("tap", "▶"),
    ("tap", "Бір сағаттан кейін"),
)
WALKS = {"ru": RU_WALK, "kk": KK_WALK}
Screen = tuple[str, tuple[str, ...]]


def concerns(call: Call, chat_id: int, queries: set[str]) -> bool:
    """Whether the bot made this request for that person's chat (or one of their presses)."""
    return (
        str(call.params.get("chat_id")) == str(chat_id)
        or str(call.params.get("callback_query_id")) in queries
    )


@dataclass
class Walker:
    """One person walking a call, re-tapping (or re-typing) when the card did not move on."""

    stub: BotApiStub
    user_id: int
    lang: str
    queries: set[str] = field(default_factory=set)
    actions: list[float] = field(default_factory=list)  # when the person acted (loop time)
    retries: int = 0
    patient: bool = False  # waits out a 429's retry_after before acting again
    # per action: (number of requests before it, index of the bot's first request for it)
    answers: list[tuple[int, int]] = field(default_factory=list)

    def card(self) -> Message:
        cards = [m for m in self.stub.messages(self.user_id) if is_card(m)]
        assert cards, f"no card in chat {self.user_id}"
        return cards[-1]

    def screen(self) -> Screen:
        card = self.card()
        return card.text, tuple(card.button_labels)

    def moved_on(self, before: Screen | None) -> bool:
        return self.screen_now() != before

    def screen_now(self) -> Screen | None:
        """The screen, or None before the first card."""
        cards = [m for m in self.stub.messages(self.user_id) if is_card(m)]
        return (cards[-1].text, tuple(cards[-1].button_labels)) if cards else None

    def mine(self, calls: list[Call]) -> list[Call]:
        return [c for c in calls if concerns(c, self.user_id, self.queries)]

    async def act(self, action: Callable[[], Awaitable[Any]], press: bool) -> None:
        """Do one thing and wait until the bot is done reacting to it in this chat."""
        if self.patient:
            await self.wait_out_retry_after()
        loop = asyncio.get_running_loop()
        first = len(self.stub.calls)
        self.actions.append(loop.time())
        result = await action()
        if press:
            self.queries.add(result)

        def handled() -> bool:
            mine = self.mine(self.stub.calls[first:])
            if not self.stub.state.all_updates_fetched() or not mine:
                return False
            if any(c.status is None for c in mine):
                return False
            last = max(c.answered_at or c.at for c in mine)
            return loop.time() - last >= QUIET

        await self.stub.wait_for(handled, timeout=30)
        calls = self.stub.calls
        reply = next(i for i in range(first, len(calls)) if self.mine([calls[i]]))
        self.answers.append((first, reply))

    async def wait_out_retry_after(self) -> None:
        loop = asyncio.get_running_loop()
        until = max(
            (
                c.answered_at + c.retry_after
                for c in self.mine(self.stub.calls)
                if c.status == 429 and c.retry_after and c.answered_at
            ),
            default=0.0,
        )
        if until > loop.time():
            await asyncio.sleep(until - loop.time() + 0.05)

    async def do(self, kind: str, arg: str) -> None:
        if kind == "type":
            await self.act(
                lambda: self.stub.send_text(self.user_id, arg, language_code=self.lang), False
            )
        else:
            message_id = self.card().message_id
            await self.act(
                lambda: self.stub.press_button(self.user_id, arg, message_id=message_id), True
            )

    async def walk(self, expected: list[Screen] | None = None) -> list[Screen]:
        """/call and the language's walk; with *expected* screens (from a fault-free walk)
        an action is repeated until the card shows the next expected screen, without them
        each step waits for its new card."""
        steps = [("type", "/call"), *WALKS[self.lang]]
        seen: list[Screen] = []
        for index, (kind, arg) in enumerate(steps):
            before = self.screen_now()
            for _ in range(8):
                await self.do(kind, arg)
                if expected is None:  # every step of a walk shows a new card: wait for it
                    await self.stub.wait_for(partial(self.moved_on, before), timeout=10)
                    break
                if self.screen() == expected[index]:
                    break
                self.retries += 1
            else:
                recent = "\n  ".join(c.describe()[:160] for c in self.mine(self.stub.calls)[-8:])
                raise AssertionError(
                    f"{self.user_id} stuck: after {kind} {arg!r} and {7} more tries the card "
                    f"still shows {self.screen()[0][:60]!r}; the bot's last requests for them:"
                    f"\n  {recent}"
                )
            seen.append(self.screen())
        return seen


async def control_walks(
    stub: BotApiStub, first_id: int
) -> tuple[dict[str, Walker], dict[str, list[Screen]]]:
    """A fault-free walk in each language: the screens and the saved call to compare with."""
    controls = {lang: Walker(stub, first_id + n, lang) for n, lang in enumerate(WALKS)}
    walks = await asyncio.gather(*(walker.walk() for walker in controls.values()))
    return controls, dict(zip(controls, walks, strict=True))
