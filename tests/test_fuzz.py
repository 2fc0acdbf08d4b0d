"""Fuzz: more than 10,000 generated updates through the real Application and the stand-in.

Why: people send anything — markup, emoji, right-to-left text, zero-width characters,
exactly 4096 characters, files, contacts, forged or foreign button data, messages in groups
and channels — and a bot that crashes or goes silent on one of them loses the person in
the middle of a tense call. The generator is seeded, so a failure replays.

How the bot's requests are attributed: in one batch each person has at most one update
that calls for a reply (text, command, file ...) or a press, plus updates that call for
none (an edit, a group message, an inline query), and a batch is handled completely before
the next is queued; so what the bot did in a batch's window for a chat answers that one
update. That is why there are 200 people rather than 50: batches of ~370 updates, 27 of
them, each settled once. Every check collects its failures first, so one run reports all
of them; with `-s` the run prints its mix of update kinds and every refusal it absorbed.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.harness import Clock, Person, RunningBot
from tests.robustness import Texts, collect_errors, lift_overall_send_limit, plain, settle
from tests.stub_api import BotApiStub, Call, Message, utf16_len

SEED = 20261130
PEOPLE = 200
FIRST_ID = 700_000
UPDATES = 10_000
LANGUAGES = ("ru", "kk", "en", "pt-br", None)
GROUPS = ((-1001000000001, "supergroup"), (-1001000000002, "supergroup"), (-4000001, "group"))
CHANNEL = -1002000000001
BOT_NAME = "stub_bot"

HOSTILE = "<b> & </i> <script>alert(1)</script>"
ZERO_WIDTH = ("\u200b", "\u200d", "\ufeff")
TEXTS = (
    HOSTILE,
    "a < b && c > d",
    "&amp; &lt; &gt; &quot; &#1234; &bogus; &",
    '<a href="javascript:alert(1)">клиент</a>',
    "</b></i></u><pre><code>",
    "{{ 7*7 }} {% if %} ${x} %s %d {0}",
    "😡😡🔥 👍🏽 👨‍👩‍👧‍👦 🇰🇿",
    "العميل غاضب جدا ولا يريد الانتظار",
    "הלקוח כועס מאוד",
    "клиент \u202eтекст наоборот\u202c и שלום",
    *ZERO_WIDTH,
    "a\u200bb\u200dc\ufeffd",
    "\ufeffклиент не платит",
    "\u200b🆘 Трудный звонок",
    "🆘 Трудный звонок",
    "🆘 Қиын қоңырау",
    "клиент не платит",
    "клиент төлемейді",
    "заказчик опять поменял ТЗ",
    "клиент кричит и грозит судом",
    "09:30",
    "7:05",
    "25:99",
    "+5",
    "-13",
    "UTC+14",
    "Asia/Almaty",
    "Mars/Olympus_Mons",
    "1",
    "0",
    "да",
    "иә",
    "/",
    "//",
    "/ call",
    "/калл",
    "\n\nмного\n\n\nстрок\n",
    "\tтабуляция",
    "x" * 300,
    "Ё" * 201,
)
BLANKS = ("", " ", "\n\t ", "\u3000")  # no client sends these; a forged update can
KNOWN_COMMANDS = (
    "/start",
    "/call",
    "/situations",
    "/check",
    "/tip",
    "/daily",
    "/language",
    "/help",
    "/cancel",
)
COMMAND_VARIANTS = (
    f"/start@{BOT_NAME}",
    f"/call@{BOT_NAME}",
    "/call extra args",
    "/start deep-link-payload",
    f"/help@{BOT_NAME} more",
)
UNKNOWN_COMMANDS = (
    "/foo",
    "/start@other_bot",
    "/CALL",
    "/stop",
    "/stats",
    "/admin",
    "/_",
    "/" + "x" * 64,
    "/foo <b>bold</b> &amp;",
)
GARBAGE_DATA = (
    "c:²:x",
    "c:1",
    "c:99999999999999999999:x",
    "x" * 64,
    "lang:zz",
    "lang:",
    "rm:abc:done",
    "rm:99999:done",
    "rm:1:hour",
    "rm:",
    "fb::1",
    "fb:nope:1",
    "fb:",
    "",
    "c:-1:next",
    "c:1:",
    "c::",
    ":",
    "c:0:listen",
    "call:new",
    "lib:",
    "lib:no-such-page",
    "tip:more",
    "daily:open",
    "d:0:x",
    "l:5:menu",
    "k:1:yes",
    "🔥:1:x",
    "c:1:" + "y" * 60,
    "lang:0:zz",
    "lang:0:",
    "rm:999999999999:done",
    "rm:0:hour",
    "go:0:nowhere",
    "go:0:c.no-such-node",
    "c:999999999999:listen",
    "c:0001:listen",
    "fb:0:x",
    "tip:0:more",
)
# a redraw that changes nothing is never sent ("message is not modified" is a finding)
ABSORBED = ("message to edit not found",)
BLOCKED = "Forbidden: bot was blocked by the user"
REPLIES = frozenset({"sendMessage", "editMessageText"})
SILENT = ("edits", "in group", "channel post", "inline query", "blocks")


def text_of_4096(rng: random.Random) -> str:
    """Exactly 4096 UTF-16 units (Telegram's limit), mixing markup, emoji and RTL."""
    pieces = ("<b>", "&", "</i>", "😡", "👨‍👩‍👧", "مرحبا", "\u200b", "клиент ", "\n")
    text = ""
    while True:
        piece = rng.choice(pieces)
        if utf16_len(text + piece) > 4096:
            break
        text += piece
    return text + "я" * (4096 - utf16_len(text))


def random_text(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.06:
        return text_of_4096(rng)
    if roll < 0.09:
        return "я" * 4096
    if roll < 0.35:
        return " ".join(rng.choice(TEXTS) for _ in range(rng.randint(2, 4)))
    return rng.choice(TEXTS)


@dataclass
class Turn:
    """What one person did in one batch, and what the bot owes them for it."""

    user_id: int
    actions: list[Callable[[], Awaitable[object]]] = field(default_factory=list)
    said: list[str] = field(default_factory=list)
    expects_reply: bool = False
    blocked: bool = False  # blocks the bot at the end of the turn
    blocked_before: bool = False  # had blocked the bot in an earlier batch
    queries: list[str] = field(default_factory=list)
    foreign_chats: set[int] = field(default_factory=set)  # pressed in these chats

    def add(self, description: str, action: Callable[[], Awaitable[object]]) -> None:
        self.said.append(description)
        self.actions.append(action)

    @property
    def primary(self) -> str:
        """The kind of the update that called for an answer ("text", "forged press" ...)."""
        return next((kind_of(s) for s in self.said if not s.startswith(SILENT)), "nothing")


def kind_of(said: str) -> str:
    """The kind of update a description names: "text", "foreign press", "in group" ..."""
    kind = re.split(r" ['#-]|: ", said, maxsplit=1)[0]
    return f"foreign {kind}" if said.endswith("'s chat") else kind


@dataclass
class Findings:
    """Failures by kind: an example of each distinct failure, and how often it happened."""

    examples: dict[str, str] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, signature: str, example: str) -> None:
        self.counts[signature] += 1
        self.examples.setdefault(signature, example)

    def report(self) -> str:
        return "\n".join(
            f"{count}× {signature}\n    e.g. {self.examples[signature]}"
            for signature, count in self.counts.most_common()
        )


class Fuzzer:
    """Generates each person's turn from what is on their screen right now."""

    def __init__(self, stub: BotApiStub, rng: random.Random) -> None:
        self.stub = stub
        self.rng = rng
        self.people = [FIRST_ID + n for n in range(PEOPLE)]
        for number, user_id in enumerate(self.people):
            language = LANGUAGES[number % len(LANGUAGES)]
            stub.add_user(user_id, first_name=f"<i>Fuzz</i> {number}", language_code="ru")
            stub.state.users[user_id].language_code = language  # None: Telegram omits it

    def keyboards(self, chat_id: int) -> list[Message]:
        return [m for m in self.stub.messages(chat_id) if m.inline_keyboard]

    @staticmethod
    def datas(message: Message) -> list[str]:
        keyboard = message.inline_keyboard or {"inline_keyboard": []}
        return [
            b["callback_data"]
            for row in keyboard["inline_keyboard"]
            for b in row
            if "callback_data" in b
        ]

    def turn(self, user_id: int) -> Turn:
        turn = Turn(user_id, blocked_before=self.stub.is_blocked(user_id))
        kind = self.rng.choices(
            ("text", "command", "media", "press", "garbage", "foreign", "block"),
            weights=(32, 18, 13, 22, 8, 5, 2),
        )[0]
        if kind in ("press", "garbage", "foreign") and not self.press(turn, kind):
            kind = "text"
        if kind == "text":
            self.text(turn)
        elif kind == "command":
            self.command(turn)
        elif kind == "media":
            self.media(turn)
        for _ in range(self.rng.choice((0, 0, 1, 1, 2))):
            self.silent(turn)
        if kind == "block":
            turn.blocked = True
            turn.add("blocks the bot", lambda: self.stub.send_my_chat_member(user_id, "kicked"))
        return turn

    def text(self, turn: Turn) -> None:
        turn.expects_reply = True
        if self.rng.random() < 0.04:
            blank = self.rng.choice(BLANKS)
            turn.add(f"raw text {blank!r}", lambda: self.stub.send_raw_text(turn.user_id, blank))
            return
        text = random_text(self.rng)
        shown = text if len(text) < 60 else f"{text[:40]}… ({len(text)} chars)"
        turn.add(f"text {shown!r}", lambda: self.stub.send_text(turn.user_id, text))

    def command(self, turn: Turn) -> None:
        turn.expects_reply = True
        pool = self.rng.choice((KNOWN_COMMANDS, KNOWN_COMMANDS, COMMAND_VARIANTS, UNKNOWN_COMMANDS))
        command = self.rng.choice(pool)
        turn.add(f"command {command!r}", lambda: self.stub.send_text(turn.user_id, command))

    def media(self, turn: Turn) -> None:
        turn.expects_reply = True
        user_id, stub = turn.user_id, self.stub
        kind = self.rng.choice(("sticker", "photo", "voice", "document", "contact", "location"))
        actions: dict[str, Callable[[], Awaitable[object]]] = {
            "sticker": lambda: stub.send_sticker(user_id, emoji="😡"),
            "photo": lambda: stub.send_photo(user_id, caption=HOSTILE),
            "voice": lambda: stub.send_voice(user_id, duration=self.rng.randint(1, 600)),
            "document": lambda: stub.send_document(user_id, file_name="<b>&</i>.pdf"),
            "contact": lambda: stub.send_contact(user_id, first_name="שלום <b>"),
            "location": lambda: stub.send_location(user_id, latitude=-89.9, longitude=179.9),
        }
        turn.add(kind, actions[kind])

    def press(self, turn: Turn, kind: str) -> bool:
        """A press on a real button, garbage data, or someone else's card; False if the
        person has nothing to press on."""
        user_id, stub, rng = turn.user_id, self.stub, self.rng
        if kind == "foreign":
            others = [p for p in rng.sample(self.people, 5) if p != user_id]
            owner = next((p for p in others if self.keyboards(p)), None)
            if owner is None:
                return False
            message = rng.choice(self.keyboards(owner))
            data = rng.choice(self.datas(message) or [""])
            turn.foreign_chats.add(owner)
            turn.add(
                f"press {data!r} on #{message.message_id} of {owner}'s chat",
                self.query(
                    turn, lambda: stub.press_raw(user_id, message.message_id, data, chat_id=owner)
                ),
            )
            return True
        keyboards = self.keyboards(user_id)
        if not keyboards:
            return False
        message = keyboards[-1] if rng.random() < 0.7 else rng.choice(keyboards)
        datas = self.datas(message)
        if kind == "press" and datas:
            data = rng.choice(datas)
            taps = 2 if rng.random() < 0.25 else 1
            for _ in range(taps):
                turn.add(
                    f"press {data!r} on #{message.message_id}",
                    self.query(turn, lambda: stub.press(user_id, message.message_id, data)),
                )
            return True
        data = self.garbage(datas)
        turn.add(
            f"forged press {data!r} on #{message.message_id}",
            self.query(turn, lambda: stub.press_raw(user_id, message.message_id, data)),
        )
        return True

    def garbage(self, datas: list[str]) -> str:
        if not datas or self.rng.random() < 0.6:
            return self.rng.choice(GARBAGE_DATA)
        real = self.rng.choice(datas)
        code, _, rest = real.partition(":")
        revision, _, button = rest.partition(":")
        return self.rng.choice(
            (
                real[: self.rng.randint(0, max(len(real) - 1, 0))],
                f"{code}:{revision}0:{button}",
                f"{code}:{revision}:zzz",
                f"x{real}"[:64],
            )
        )

    def query(
        self, turn: Turn, press: Callable[[], Awaitable[str]]
    ) -> Callable[[], Awaitable[object]]:
        async def run() -> str:
            query_id = await press()
            turn.queries.append(query_id)
            return query_id

        return run

    def silent(self, turn: Turn) -> None:
        """Updates the bot must take without a word: edits, groups, channels, inline."""
        user_id, stub, rng = turn.user_id, self.stub, self.rng
        kind = rng.choice(("edit", "group", "channel", "inline"))
        own = [m for m in stub.user_messages(user_id) if m.content.get("text", "").strip()]
        if kind == "edit" and own:
            message = rng.choice(own)
            text = rng.choice((*TEXTS, *KNOWN_COMMANDS))
            turn.add(
                f"edits #{message.message_id} to {text[:40]!r}",
                lambda: stub.edit_text(user_id, message.message_id, text),
            )
        elif kind == "group":
            chat_id, chat_type = rng.choice(GROUPS)
            text = rng.choice((*KNOWN_COMMANDS, *COMMAND_VARIANTS, *UNKNOWN_COMMANDS, *TEXTS))
            turn.add(
                f"in group {chat_id}: {text[:40]!r}",
                lambda: stub.send_group_message(chat_id, user_id, text, chat_type=chat_type),
            )
        elif kind == "channel":
            text = random_text(rng)
            turn.add(f"channel post {text[:40]!r}", lambda: stub.send_channel_post(CHANNEL, text))
        else:
            query = random_text(rng)[:256]
            turn.add(f"inline query {query[:40]!r}", lambda: stub.send_inline_query(user_id, query))


@pytest.fixture
async def fuzz_bot(stub: BotApiStub, db_path: Path) -> AsyncIterator[RunningBot]:
    running = RunningBot(stub, db_path, Clock())
    lift_overall_send_limit(running.app)
    await running.start()
    yield running
    await running.stop()


def interleave(rng: random.Random, turns: list[Turn]) -> list[Callable[[], Awaitable[object]]]:
    """All actions of a batch in random order, each person's own in the order they did them."""
    queues = [list(t.actions) for t in turns if t.actions]
    merged = []
    while queues:
        queue = rng.choice(queues)
        merged.append(queue.pop(0))
        if not queue:
            queues.remove(queue)
    return merged


def describe_call(call: Call) -> str:
    text = str(call.params.get("text", ""))[:60]
    return f"{call.method}(chat {call.params.get('chat_id')}, {text!r}) -> {call.status} " + (
        call.description or ""
    )


@pytest.mark.inline_mode
async def test_ten_thousand_updates_leave_no_one_unanswered_and_nothing_crashed(
    stub: BotApiStub, fuzz_bot: RunningBot, catalog: Texts
) -> None:
    rng = random.Random(SEED)
    fuzzer = Fuzzer(stub, rng)
    app = fuzz_bot.app
    error_texts = {plain(catalog.text(lang, "ui.messages.error")) for lang in catalog.languages}
    findings = Findings()
    mix: Counter[str] = Counter()
    sent = batches = 0
    started = time.monotonic()
    with collect_errors() as errors:
        while sent < UPDATES:
            turns = [fuzzer.turn(user_id) for user_id in fuzzer.people]
            by_user = {t.user_id: t for t in turns}
            first_call, first_error = len(stub.calls), len(errors.records)
            for action in interleave(rng, turns):
                await action()
            sent += sum(len(t.actions) for t in turns)
            mix.update(kind_of(said) for turn in turns for said in turn.said)
            batches += 1
            await settle(stub, app)
            window = stub.calls[first_call:]
            apologised = check_batch(window, by_user, stub, error_texts, findings)
            for record in errors.records[first_error:]:
                if record.exception:  # an ERROR line without a traceback is only printed
                    findings.add(
                        f"logged: {record.describe()}",
                        f"batch {batches}; the error message went to {apologised}",
                    )
        elapsed = time.monotonic() - started

    in_groups = [
        m.describe()
        for chat_id, _ in (*GROUPS, (CHANNEL, "channel"))
        for m in stub.messages(chat_id)
    ]
    for description in in_groups:
        findings.add("the bot wrote in a group or channel", description)
    unanswered_inline = len(stub.state.inline_queries) - len(stub.inline_answers)
    plain_errors = [r.describe() for r in errors.records if not r.exception]
    refused = Counter(
        f"{c.method}: {c.description}"
        for c in stub.calls
        if c.status not in (200, None) and c.method != "getUpdates"
    )
    print(
        f"\nfuzz: {sent} updates in {batches} batches, {elapsed:.1f}s, {len(stub.calls)} "
        f"requests\nmix: {dict(mix.most_common())}\nrefused (absorbed or reported above): "
        f"{dict(refused)}\ninline queries left unanswered: {unanswered_inline}\n"
        f"ERROR lines without a traceback: {plain_errors}"
    )
    assert sent >= UPDATES
    if findings.counts:
        pytest.fail("fuzzing found:\n" + findings.report(), pytrace=False)


def check_batch(
    window: list[Call],
    by_user: dict[int, Turn],
    stub: BotApiStub,
    error_texts: set[str],
    findings: Findings,
) -> list[str]:
    """What one batch owed each person: a reply, answered presses, no refusals, no apology.
    Returns what the people who got the generic error message had done."""
    replied: set[int] = set()
    apologised: list[str] = []
    by_query = {query_id: turn for turn in by_user.values() for query_id in turn.queries}
    for call in window:
        chat = call.params.get("chat_id")
        chat_id = int(chat) if str(chat).lstrip("-").isdigit() else None
        turn = by_user.get(chat_id) if chat_id is not None else None
        if turn is None:
            turn = by_query.get(str(call.params.get("callback_query_id")))
        context = f"{describe_call(call)} after {turn.said if turn else '?'}"
        foreign = [t.said for t in by_user.values() if chat_id in t.foreign_chats]
        if foreign:
            context += f"; presses from other people in this chat: {foreign}"
        if call.status == 200:
            if call.method in REPLIES and chat_id is not None:
                replied.add(chat_id)
            if call.method == "sendMessage" and plain(call.params.get("text", "")) in error_texts:
                primary = turn.primary if turn else "?"
                findings.add(f"the generic error message after a {primary}", context)
                apologised.append(context.partition(" after ")[2])
            continue
        if call.method == "getUpdates":
            continue
        description = call.description or ""
        if any(text in description for text in ABSORBED):
            continue
        if description == BLOCKED and turn is not None and (turn.blocked or turn.blocked_before):
            continue  # the person blocked the bot while it was answering: Telegram refuses
        findings.add(f"refused: {call.method} -> {call.status} {description}", context)
    for turn in by_user.values():
        if turn.expects_reply and not turn.blocked and turn.user_id not in replied:
            findings.add("no reply to a message", f"user {turn.user_id}: {turn.said}")
        for query_id in turn.queries:
            if not stub.state.callback_attempts.get(query_id):
                findings.add("press never answered", f"user {turn.user_id}: {turn.said}")
    return apologised


async def test_a_press_on_someone_elses_card_changes_nothing_in_their_chat(
    stub: BotApiStub, fuzz_bot: RunningBot
) -> None:
    """Why: the fuzz's "foreign press" — a callback query whose `from` is one person and
    whose message is in another person's chat (a forged client can send it) — must not
    let the stranger redraw, answer into or advance the owner's chat."""
    owner, stranger = Person(stub, 800_001, "ru"), Person(stub, 800_002, "kk")
    await owner.types("/start")
    await owner.types("/call")
    await stranger.types("/call")
    await stranger.taps("▶")

    def owner_chat() -> list[tuple[int, str, int, bool]]:
        return [(m.message_id, m.text, m.edits, m.deleted) for m in stub.state.chats[owner.id]]

    before = owner_chat()
    for message in [m for m in owner.messages if m.inline_keyboard]:
        for data in Fuzzer.datas(message):
            query_id = await stub.press_raw(stranger.id, message.message_id, data, chat_id=owner.id)
            await stub.wait_for_answer(query_id)
            await stub.wait_idle()
    changed = [f"#{line[0]} {line[1][:40]!r}" for line in owner_chat() if line not in before]
    assert not changed, f"a stranger's presses changed the owner's chat: {changed}"
    await owner.taps("Слушаю клиента")
    assert owner.card.text.startswith("1/5 · Слушать") and "Клиент высказался ▶" in owner.labels()


async def test_a_language_button_on_a_greeting_already_in_that_language_is_no_error(
    stub: BotApiStub, fuzz_bot: RunningBot, catalog: Texts
) -> None:
    """Why: the fuzz's one crash on today's code, pinned. The greeting stays in the language
    it was drawn in after /language; its button for that language then switches back, and
    redrawing the greeting changes nothing — Telegram refuses such an edit, and the person
    must not get the generic error for it."""
    lev = Person(stub, 800_101, "ru")
    await lev.types("/start")
    greeting = lev.messages[-2]
    await lev.types("/language")
    await lev.taps("Русский", message_id=greeting.message_id)
    error = plain(catalog.text("ru", "ui.messages.error"))
    texts = [m.text for m in lev.messages]
    assert error not in texts, "a language button on a greeting in that language gave an error"
    assert lev.last.text == plain(catalog.text("ru", "ui.messages.language_set"))
