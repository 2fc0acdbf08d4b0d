"""Several webhook instances sharing one PostgreSQL behave as one bot.

The stand-in Bot API posts every update to one URL: a small round-robin forwarder on
loopback, as a load balancer would be, which hands each post to the instances in turn (a
person's posts alternate between them) and skips an instance that refuses the connection
(stopped). The instances register the forwarder's URL and listen on ports of their own;
they are the real application in webhook mode on a fresh database of the tests' own
PostgreSQL (`tests/postgres.py`), in the test's loop, or as `python -m bot` in a process
of its own where a test kills it with SIGKILL.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from bot.database.postgres import LEADER_LOCK, PostgresDatabase
from bot.timezones import zone
from tests.db import seed_subscription, seed_user
from tests.forwarder import Forwarder, sender
from tests.harness import WEBHOOK_SECRET, BotProcess, Person, WebhookBot, free_port
from tests.stub_api import BotApiStub

WAIT = 20.0  # seconds any one answer may take on a busy machine: a deadline, never a pause
HOSTILE = "<b>x</b> & </i> <script>"


class Walker(Person):
    """A person who waits for their own answers, not for the whole bot to go quiet:
    several people walk at once, so the bot as a whole is never idle meanwhile."""

    async def types(self, text: str) -> None:
        before = self._replies()
        await self.stub.send_text(self.id, text, language_code=self.language_code)
        await self.stub.wait_for(lambda: self._replies() > before, timeout=WAIT)
        await self.settled()

    async def taps(self, label: str, message_id: int | None = None) -> dict:
        query_id = await self.stub.press_button(self.id, label, message_id=message_id)
        await self.stub.wait_for_answer(query_id, timeout=WAIT)
        await self.settled(query_id)
        return self.stub.callback_answers.get(query_id, {})

    async def settled(self, query_id: str | None = None, quiet: float = 0.2) -> None:
        """None of their updates waits, every request for their chat (and the answer to
        their press) is answered, and none came for `quiet` seconds: a press's card
        follows its answer."""

        def calm() -> bool:
            if any(sender(json.dumps(u).encode()) == self.id for u in self.stub.state.updates):
                return False
            mine = [
                c
                for c in self.stub.calls
                if _chat(c.params) == self.id
                or (query_id and c.params.get("callback_query_id") == query_id)
            ]
            if any(c.status is None for c in mine):
                return False
            last = max((c.answered_at or c.at for c in mine), default=0.0)
            return time.monotonic() - last >= quiet

        await self.stub.wait_for(calm, timeout=WAIT)


def _chat(params: dict) -> int | None:
    value = params.get("chat_id", params.get("user_id"))
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@pytest.fixture
def database_url(postgres_cluster) -> str:
    return postgres_cluster.new_database()


@pytest.fixture
async def forwarder(stub):
    running = Forwarder()
    await running.start()
    yield running
    await running.stop()


class Instances:
    """In-process instances behind the forwarder, stopped at the end of the test."""

    def __init__(self, stub: BotApiStub, forwarder: Forwarder, url: str, tmp_path: Path):
        self.stub, self.forwarder, self.url, self.tmp_path = stub, forwarder, url, tmp_path
        self.running: list[WebhookBot] = []

    async def start(
        self,
        clock: Callable[[], datetime],
        port: int | None = None,
        tick_seconds: float = 3600,
        broadcast_rate: float = 25,
    ) -> WebhookBot:
        instance = WebhookBot(
            self.stub,
            self.tmp_path / "unused.db",
            clock,
            tick_seconds,
            database_url=self.url,
            url=self.forwarder.url,
            port=port,
            broadcast_rate=broadcast_rate,
        )
        await instance.start()
        self.running.append(instance)
        if instance.webhook.port not in self.forwarder.targets:
            self.forwarder.targets.append(instance.webhook.port)
        return instance

    async def stop(self, instance: WebhookBot) -> None:
        self.running.remove(instance)
        await instance.stop()

    async def stop_all(self) -> None:
        for instance in list(self.running):
            await self.stop(instance)


@pytest.fixture
async def instances(stub, forwarder, database_url, tmp_path):
    made = Instances(stub, forwarder, database_url, tmp_path)
    yield made
    await made.stop_all()


# --- people walk the whole call while their presses alternate between the instances ---

WALK = [
    ("type", "/call"),
    ("tap", "Слушаю клиента"),
    ("tap", "Оскорбляет"),
    ("tap", "Клиент успокоился"),
    ("type", "/language"),  # the card redrawn in Kazakh by the other instance…
    ("type", "/language"),  # …and back in Russian by the one that drew it so before
    ("type", HOSTILE),
    ("type", "и грозит уйти"),
    ("tap", "Клиент высказался"),
    ("tap", "Да, клиент подтвердил"),
    ("tap", "Снова вспылил"),
    ("tap", "Клиент высказался"),
    ("tap", "Да, клиент подтвердил"),
    ("tap", "Ошибка наша"),
    ("tap", "Дальше: решение"),
    ("type", "исправим до пятницы"),
    ("tap", "Завтра утром"),
]


async def walk(person: Walker) -> list[str]:
    """The walk, and the card as it reads after each step."""
    cards = []
    for kind, value in WALK:
        await (person.taps(value) if kind == "tap" else person.types(value))
        cards.append(person.card.text)
    return cards


def transcript(person: Person) -> list[tuple[str, list[str]]]:
    """Everything in the chat as it reads now: each message's text and buttons."""
    return [
        (
            m.text,
            [b["text"] for row in (m.reply_markup or {}).get("inline_keyboard", []) for b in row],
        )
        for m in person.messages
    ]


async def test_people_walk_the_whole_call_with_presses_alternating_between_instances(
    stub, forwarder, instances, database_url, clock
):
    for _ in range(2):
        await instances.start(clock)
    (registered,) = {call["url"] for call in stub.calls_of("setWebhook")}
    assert registered == forwarder.url

    alone = Walker(stub, 100)
    forwarder.pinned[alone.id] = 0  # the walk as one instance draws it
    expected = await walk(alone)

    people = [Walker(stub, user_id) for user_id in range(101, 105)]
    walked = await asyncio.gather(*(walk(person) for person in people))

    assert expected[-1].startswith("✅ Звонок сохранён")
    assert f"Ваша заметка: «{HOSTILE} · и грозит уйти»" in expected[-1]
    assert "Клиент вспыхивал снова: 1 раз" in expected[-1]
    assert "Напоминание: вт, 24 ноября, 09:00" in expected[-1]
    assert set(forwarder.instances_of(alone.id)) == {0}
    for person, cards in zip(people, walked, strict=True):
        assert cards == expected, f"person {person.id} saw other cards"
        assert transcript(person) == transcript(alone)
        served = forwarder.instances_of(person.id)
        assert served == [n % 2 for n in range(len(served))], "presses alternate"
        assert len(served) == len(WALK)

    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch(
            "SELECT user_id, outcome, flareups, fault, complaint, promise FROM calls "
            "ORDER BY user_id"
        )
    finally:
        await connection.close()
    assert [row["user_id"] for row in rows] == [100, 101, 102, 103, 104], "one call each"
    for row in rows:
        assert (row["outcome"], row["flareups"], row["fault"]) == ("done", 1, "ours")
        assert row["complaint"] == f"{HOSTILE}\nи грозит уйти", "every line once, in order"
        assert row["promise"] == "исправим до пятницы"


async def test_a_double_tap_split_between_the_instances_is_one_step_in_order(
    stub, forwarder, instances, clock
):
    for _ in range(2):
        await instances.start(clock)
    ben = Walker(stub, 303)
    await ben.types("/call")
    card = ben.card
    data = card.reply_markup["inline_keyboard"][0][0]["callback_data"]
    first = await stub.press(ben.id, card.message_id, data)
    second = await stub.press(ben.id, card.message_id, data)
    for query in (first, second):
        await stub.wait_for_answer(query, timeout=WAIT)
    await ben.settled()
    assert stub.callback_answers[first].get("text") is None, "the first press took the step"
    assert stub.callback_answers[second].get("text") == "Уже учтено."
    assert {index for _, index, _ in forwarder.served[-2:]} == {0, 1}, "one press each"
    assert ben.card.text.startswith("1/5 · Слушать") and "Клиент высказался ▶" in ben.labels()
    await ben.taps("Клиент высказался")
    assert ben.card.text.startswith("2/5"), "exactly one step was taken by the double tap"


# --- 500 tips due now: each sent once, by one instance; then with the leader killed ---

TIPPED = 500


def tip_zone(now: datetime) -> tuple[str, str]:
    """A zone whose local time is far enough from midnight for the test to stay in one
    local day, and a minute a few minutes ago there: the tips are due now."""
    for name in ("Europe/Moscow", "Asia/Almaty"):
        local = now.astimezone(zone(name))
        if (
            timedelta(minutes=10)
            <= local - local.replace(hour=0, minute=0)
            <= timedelta(hours=23, minutes=40)
        ):
            return name, (local - timedelta(minutes=3)).strftime("%H:%M")
    raise AssertionError("no zone far from midnight")  # two hours apart: never


async def subscribe(stub: BotApiStub, url: str, people: Iterable[int]) -> None:
    """People subscribed yesterday to a tip at a minute that has just passed, seeded in one
    transaction: every tip falls due at once."""
    now = datetime.now(UTC)
    name, minute = tip_zone(now)
    db = await PostgresDatabase(url).open()
    try:
        async with db.transaction() as tx:
            for user_id in people:
                stub.add_user(user_id)
                await seed_user(tx, user_id, now - timedelta(days=2), zone_name=name)
                await seed_subscription(tx, user_id, minute, now)
    finally:
        await db.close()


def tips(stub: BotApiStub, people: range) -> Counter[int]:
    """sendMessage calls taken by the stand-in, per chat among `people`."""
    return Counter(
        chat
        for call in stub.calls
        if call.method == "sendMessage"
        and call.status == 200
        and (chat := _chat(call.params)) is not None
        and chat in people
    )


async def fetch(url: str, sql: str, *params: object) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetch(sql, *params)
    finally:
        await connection.close()


async def until(condition: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    """Ask the database again every 50 ms until `condition` holds, failing at the deadline."""
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        await asyncio.sleep(0.05)


def real_clock() -> datetime:
    return datetime.now(UTC)


async def test_500_tips_due_now_go_out_once_each_with_two_instances(stub, instances, database_url):
    both = [
        await instances.start(real_clock, tick_seconds=0.3, broadcast_rate=250) for _ in range(2)
    ]
    people = range(30_000, 30_000 + TIPPED)
    await subscribe(stub, database_url, people)
    await stub.wait_for(lambda: len(tips(stub, people)) == TIPPED, timeout=WAIT)

    async def all_recorded() -> bool:
        rows = await fetch(
            database_url, "SELECT count(*) AS n FROM deliveries WHERE status = 'sent'"
        )
        return rows[0]["n"] == TIPPED

    await until(all_recorded, WAIT, "every tip recorded as sent")
    schedulers = [instance.app.bot_data["scheduler"] for instance in both]
    for _ in range(2):  # two more ticks of each instance find nothing more to send
        marks = [scheduler.last_tick for scheduler in schedulers]
        await stub.wait_for(
            lambda marks=marks: all(
                s.last_tick != m for s, m in zip(schedulers, marks, strict=True)
            ),
            timeout=WAIT,
        )
    await stub.wait_idle()

    sent = tips(stub, people)
    assert set(sent) == set(people) and set(sent.values()) == {1}, "each exactly one tip"
    assert sorted(s.sent["tip"] for s in schedulers) == [0, TIPPED], "one instance sent them"


async def test_the_leader_killed_mid_broadcast_the_survivor_sends_the_rest_none_twice(
    stub, forwarder, instances, database_url, tmp_path
):
    port = free_port()
    leader = BotProcess(
        stub,
        tmp_path / "unused.db",
        {
            "COACH_DATABASE_URL": database_url,
            "COACH_WEBHOOK_URL": forwarder.url,
            "COACH_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "COACH_WEBHOOK_LISTEN": "127.0.0.1",
            "COACH_WEBHOOK_PORT": str(port),
            "COACH_TICK_SECONDS": "0.3",
            "COACH_BROADCAST_RATE": "100",
            "COACH_LOG_LEVEL": "WARNING",  # its output is read only at the end
        },
    )
    forwarder.targets.append(port)
    await leader.start()
    try:

        async def leads() -> bool:  # the leader lock is held: the first tick has run
            rows = await fetch(
                database_url,
                "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND objsubid = 1 AND (classid::int8 << 32 | objid::int8) = $1",
                LEADER_LOCK,
            )
            return bool(rows)

        await until(leads, 30, "the process started first leads")
        survivor = await instances.start(real_clock, tick_seconds=0.3, broadcast_rate=100)
        assert not await survivor.app.bot_data["database"].lead(), "one leader at a time"

        people = range(40_000, 40_000 + TIPPED)
        await subscribe(stub, database_url, people)
        await stub.wait_for(lambda: len(tips(stub, people)) >= 100, timeout=WAIT)
        output = await leader.kill()
    finally:
        if leader.process is not None and leader.process.returncode is None:
            await leader.kill()
    sent_by_the_killed = len(tips(stub, people))
    assert sent_by_the_killed < TIPPED, "killed mid-broadcast"

    async def nothing_left() -> bool:
        """Every person has a tip, or a claim the killed instance took and never sent."""
        claimed = await fetch(
            database_url, "SELECT user_id FROM deliveries WHERE kind = 'tip' AND status = 'claimed'"
        )
        stranded = {row["user_id"] for row in claimed} - set(tips(stub, people))
        return len(tips(stub, people)) + len(stranded) == TIPPED

    await until(nothing_left, 60, "the survivor sent the rest")
    scheduler = survivor.app.bot_data["scheduler"]
    await scheduler.drain()
    await stub.wait_idle()

    sent = tips(stub, people)
    assert set(sent.values()) == {1}, f"doubled: {[p for p, n in sent.items() if n > 1]}"
    assert scheduler.sent["tip"] >= TIPPED - sent_by_the_killed - 5, "the survivor took over"
    lost = sorted(set(people) - set(sent))
    # a tip the killed instance claimed (its slot had come) but never got onto the wire is
    # lost rather than risked twice: at most the few in flight at the kill
    claimed = await fetch(
        database_url,
        "SELECT user_id FROM deliveries WHERE kind = 'tip' AND status = 'claimed'",
    )
    assert set(lost) <= {row["user_id"] for row in claimed}
    assert len(lost) <= 5, f"{len(lost)} tips lost with the killed instance"
    assert "Traceback" not in output, output


# --- a rolling restart under steady presses loses no update ---

CYCLE = [
    ("type", "/call", "1/5 · Слушать"),
    ("tap", "Слушаю клиента", "1/5 · Слушать"),
    ("tap", "Оскорбляет", "🛑 Оскорбления"),
    ("tap", "Завершить разговор", "Разговор завершён достойно"),
]


async def test_a_rolling_restart_under_steady_presses_loses_no_update(
    stub, forwarder, instances, clock
):
    first = await instances.start(clock)
    second = await instances.start(clock)
    stop = asyncio.Event()
    done = Counter[int]()

    async def steadily(person: Walker) -> None:
        while not stop.is_set():
            for kind, value, card in CYCLE:
                await (person.taps(value) if kind == "tap" else person.types(value))
                assert person.card.text.startswith(card), (person.id, value, person.card.text)
                done[person.id] += 1

    async def after(actions: int) -> None:
        target = sum(done.values()) + actions
        await stub.wait_for(lambda: sum(done.values()) >= target, timeout=WAIT)

    people = [Walker(stub, user_id) for user_id in range(501, 505)]
    walking = [asyncio.ensure_future(steadily(person)) for person in people]
    try:
        await after(8)
        await instances.stop(first)  # one stopped: its posts go to the other
        await after(8)
        await instances.start(clock, port=first.webhook.port)  # started again
        await after(8)
        await instances.stop(second)  # the other stopped: all on the restarted one
        await after(8)
    finally:
        stop.set()
        results = await asyncio.gather(*walking, return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, failures[0]
    assert min(done.values()) >= 4
    served = Counter(index for _, index, _ in forwarder.served)
    assert served[0] and served[1], "both instances served"
    assert forwarder.skipped, "posts met a stopped instance and went to the other"
    refused = [p for p in stub.webhook.posts if p.status != 200]
    assert sum(done.values()) == sum(
        1 for who, _, status in forwarder.served if status == 200 and who in done
    ), f"every post taken once (refused: {refused})"


async def test_lines_typed_at_once_are_each_taken_once_and_in_order(
    stub, instances, clock, database_url
):
    """Telegram posts a person's next update once the previous one is answered; the
    next may go to the other instance, and must not overtake it there. The first
    instance is slow to reach its turn (a busy loop, a connection being opened): the
    post it took must still go first."""
    slow, _ = [await instances.start(clock) for _ in range(2)]
    processor = slow.app.update_processor
    take_turn = processor.across

    @contextlib.asynccontextmanager
    async def slowly(user_id: int) -> AsyncIterator[None]:
        await asyncio.sleep(0.05)
        async with take_turn(user_id):
            yield

    processor.across = slowly
    people = [Walker(stub, user_id) for user_id in range(401, 405)]
    lines = [f"строка {n}" for n in range(1, 7)]

    async def types_at_once(person: Walker) -> None:
        await person.types("/call")
        await person.taps("Слушаю клиента")
        for line in lines:
            await stub.send_text(person.id, line)
        with contextlib.suppress(AssertionError):  # a line dropped draws nothing: see below
            await stub.wait_for(lambda: person.card.edits >= 1 + len(lines), timeout=WAIT)
        await person.settled()

    await asyncio.gather(*(types_at_once(person) for person in people))
    rows = await fetch(database_url, "SELECT user_id, complaint FROM calls ORDER BY user_id")
    assert [(row["user_id"], row["complaint"]) for row in rows] == [
        (person.id, "\n".join(lines)) for person in people
    ]
