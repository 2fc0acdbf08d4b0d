"""Polls gathered by the bot: a pause after a trickle, none after a full batch or nothing.

Counted, not timed: the pauses the bot asks for are recorded instead of slept.
"""

from __future__ import annotations

import pytest

from bot.adapter import gathering
from bot.adapter.gathering import FULL_BATCH, GATHER_SECONDS, GatheringBot
from tests.stub_api import BotApiStub


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    asked: list[float] = []

    async def record(seconds: float) -> None:
        asked.append(seconds)

    monkeypatch.setattr(gathering.asyncio, "sleep", record)
    return asked


async def poll(bot: GatheringBot, offset: int | None) -> tuple[int, int | None]:
    updates = await bot.get_updates(offset=offset, timeout=0)
    return len(updates), (updates[-1].update_id + 1 if updates else offset)


async def test_a_trickle_is_followed_by_a_pause_a_backlog_and_silence_are_not(
    stub: BotApiStub, pauses: list[float]
) -> None:
    bot = GatheringBot(stub.token, base_url=f"{stub.base_url}/bot")
    async with bot:
        for number in range(3):
            await stub.send_text(9001, f"алло {number}")
        got, offset = await poll(bot, None)
        assert got == 3 and pauses == []
        for number in range(FULL_BATCH + 5):  # a backlog: the next poll gathers, then none
            await stub.send_text(9002, f"и ещё {number}")
        got, offset = await poll(bot, offset)
        assert got == FULL_BATCH and pauses == [GATHER_SECONDS], "a pause after the trickle"
        got, offset = await poll(bot, offset)
        assert got == 5 and pauses == [GATHER_SECONDS], "no pause after a full batch"
        got, offset = await poll(bot, offset)
        assert got == 0 and pauses == [GATHER_SECONDS] * 2, "a pause after the five"
        await poll(bot, offset)
        assert pauses == [GATHER_SECONDS] * 2, "no pause after an empty poll"
