"""Shared fixtures: the catalog, a fixed local clock, a real SQLite file per test."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from bot.content.catalog import Catalog
from bot.run import loop
from bot.timezones import zone

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO.parent / "shared" / "sources"
ALMATY = zone("Asia/Almaty")


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
    """The tests run on the loop the bot runs on (`bot/run/loop.py`)."""
    return {"loop": loop.new_loop}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that starts the stand-in Bot API is end to end (`e2e`): `make test-fast` runs
    the rest and the few walks marked `core`."""
    for item in items:
        if "stub" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog()


@pytest.fixture
def morning() -> datetime:
    return datetime(2026, 11, 23, 9, 30, tzinfo=ALMATY)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "coach.db"


@pytest.fixture
async def stub(request: pytest.FixtureRequest):
    """The stand-in Bot API on 127.0.0.1, one per test. The test fails if the bot made a
    request the published Bot API refuses, even one whose error the bot swallowed.
    `@pytest.mark.inline_mode`: the bot has inline mode on (BotFather's /setinline) from
    the start, as getMe reports it then."""
    from tests.harness import TOKEN
    from tests.stub_api import BotApiStub

    inline_mode = request.node.get_closest_marker("inline_mode") is not None
    server = BotApiStub(token=TOKEN, inline_mode=inline_mode)
    await server.start()
    yield server
    await server.stop()
    refused = "\n".join(server.schema_violations)
    assert not refused, f"requests the Bot API refuses (tests/stub_api/schema.py):\n{refused}"


@pytest.fixture(scope="session")
def postgres_cluster():
    """A PostgreSQL server of the tests' own, one per test process (tests/postgres.py)."""
    from tests.postgres import start_cluster

    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def assembly():
    """Every feature registered, as the bot wires them (the database is never opened)."""
    from bot.app import assemble
    from bot.config import Config

    return assemble(Config.from_env({"COACH_DB_PATH": ":memory:"}))


@pytest.fixture(scope="session")
def renderer(assembly):
    return assembly.kit.cards.renderer


@pytest.fixture
def clock():
    """The tests' clock, moved by hand; a module overrides this fixture for its own moment."""
    from tests.harness import Clock

    return Clock()


@pytest.fixture
async def bot(stub, db_path, clock):
    """The real application, polling the stand-in Bot API, on a fresh SQLite file."""
    from tests.harness import RunningBot

    running = RunningBot(stub, db_path, clock)
    await running.start()
    yield running
    await running.stop()
