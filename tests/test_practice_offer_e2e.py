"""The daily tip offers a two-minute practice on its topic once a week, from the second
week on; the button opens that scenario. A tip on parting with a client offers none (no
scenario trains letting a client go), so the offer may come a day or two later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from tests.harness import Clock, Person
from tests.test_daily_e2e import subscribe, tick

TIP_TIME_UTC = datetime(2026, 11, 23, 6, 0, 30, tzinfo=UTC)  # 09:00 in Moscow
OFFER = "🎭 2 минуты тренировки"


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))


def daily_tips(person: Person) -> list:
    return [m for m in person.messages if m.text.startswith("💡 Совет дня")]


async def test_a_week_after_the_first_tip_one_tip_offers_a_practice(stub, bot, clock):
    olga = Person(stub, 3101, "ru")
    await subscribe(olga)
    offers = []
    for day in range(16):
        clock.now = TIP_TIME_UTC + timedelta(days=day)
        await tick(bot, stub)
        tip = daily_tips(olga)[-1]
        offers += [day for label in olga.labels(tip) if label.startswith(OFFER)]
    assert len(daily_tips(olga)) == 16
    assert offers and 7 <= offers[0] < 14, "from the second week"
    assert all(later - earlier >= 7 for earlier, later in pairwise(offers)), "weekly"

    tip = daily_tips(olga)[offers[-1]]
    topic_scenario = next(label for label in olga.labels(tip) if label.startswith(OFFER))
    await olga.taps(OFFER, message_id=tip.message_id)
    title = topic_scenario.removeprefix(OFFER + ": ")
    assert olga.card.text.startswith(title) and "Начать разговор" in " ".join(olga.labels())
    await olga.taps("Начать разговор")
    assert "👤 Клиент:" in olga.card.text
