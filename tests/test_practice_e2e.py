"""Practice end to end: the real PTB Application against the stand-in Bot API, both
languages, every message accepted, results in the SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from bot.content.render import plain_text
from tests.harness import Person


async def reply(person: Person, catalog, lang: str, scenario: str, good: bool) -> None:
    """Tap the letter of the good reply (found by its text on the card), or of a mistake."""
    letter = reply_letter(person, catalog, lang, scenario, good)
    await person.taps(letter, message_id=person.card.message_id)


def reply_letter(person: Person, catalog, lang: str, scenario: str, good: bool) -> str:
    lines = person.card.text.splitlines()
    stage = next(
        s
        for s in ("listen", "restate", "apologize", "resolve", "follow_up")
        if plain_text(catalog.text(lang, f"practice.{scenario}.{s}.good")) in person.card.text
    )
    good_text = plain_text(catalog.text(lang, f"practice.{scenario}.{stage}.good"))
    for line in lines:
        if line[:3] in ("A. ", "B. ", "C. ") and (good_text in line) == good:
            return line[0]
    raise AssertionError(person.card.text)


def results(db_path, user_id):
    with sqlite3.connect(db_path) as db:
        db.row_factory = sqlite3.Row
        return db.execute(
            "SELECT * FROM practice_results WHERE user_id = ? ORDER BY id", (user_id,)
        ).fetchall()


def all_accepted(stub) -> bool:
    refused = [
        (c.method, c.status, c.description) for c in stub.calls if c.status not in (200, None)
    ]  # None: the long poll in flight
    assert refused == []
    return True


async def test_a_russian_walk_with_a_typed_reply_a_flare_up_and_again(
    stub, bot, db_path, clock, catalog
):
    anna = Person(stub, 301, "ru")
    await anna.types("/practice")
    assert anna.card.text.startswith("🎭 Тренировка перед звонком")
    assert len(anna.labels()) == 8
    await anna.taps("Сайт упал")
    assert "Из источников: 003" in anna.card.text
    card_id = anna.card.message_id
    await anna.taps("Начать разговор")
    assert "этап 1/5 · Выслушать" in anna.card.text and "👤 Клиент:" in anna.card.text
    assert anna.labels() == ["A", "B", "C", "◀ К ситуациям"]

    await reply(anna, catalog, "ru", "site_down", good=True)
    assert "✅ Выслушать:" in anna.card.text and "этап 2/5 · Пересказать" in anna.card.text
    await anna.types("Если я правильно понял, с семи утра заказы не доходят до админки, верно?")
    assert "✅ Пересказать: сработало правило «пересказ с вопросом «верно?»»" in anna.card.text
    await anna.taps("Дальше")
    assert "этап 3/5 · Извиниться" in anna.card.text
    await reply(anna, catalog, "ru", "site_down", good=False)
    assert "⚠️ Извиниться:" in anna.card.text and "🔥 Клиент вспылил" in anna.card.text
    await reply(anna, catalog, "ru", "site_down", good=True)
    await reply(anna, catalog, "ru", "site_down", good=True)
    await reply(anna, catalog, "ru", "site_down", good=True)
    result = anna.card.text
    assert "🏁 Разговор окончен" in result and "Итог: 80/100" in result
    assert "✘ Извиниться" in result and "✔ Пересказать" in result
    assert "Лучший результат в этой ситуации: 80/100" in result
    assert "/call, этап 3/5" in result
    assert anna.card.message_id == card_id, "one card, edited in place"

    clock.advance(timedelta(minutes=2))
    await anna.taps("Ещё раз", message_id=anna.card.message_id)
    assert "этап 1/5 · Выслушать" in anna.card.text
    for _ in range(5):
        await reply(anna, catalog, "ru", "site_down", good=True)
    assert (
        "Итог: 100/100" in anna.card.text
        and "Лучший результат в этой ситуации: 100/100" in anna.card.text
    )
    stored = results(db_path, 301)
    assert [row["total"] for row in stored] == [80, 100]
    assert stored[0]["apologize"] == 0 and stored[0]["restate"] == 1
    assert all_accepted(stub)


async def test_a_reply_typed_before_next_is_pointed_to_the_button(stub, bot):
    """After a typed reply is judged, the client's next line comes with "Next ▶": a reply
    typed before it is not read blind as the next one, nor as a situation to look up."""
    boris = Person(stub, 303, "ru")
    await boris.types("/practice")
    await boris.taps("Сайт упал")
    await boris.taps("Начать разговор")
    await boris.types("Понимаю, продолжайте, я вас слушаю внимательно")
    judged = boris.card.text
    assert "✅ Выслушать:" in judged and boris.labels() == ["Дальше ▶"]
    await boris.types("Если я правильно понял, с семи утра заказы не доходят, верно?")
    assert boris.last.text == "На этой карточке ничего вводить не нужно — нажмите кнопку."
    assert boris.card.text == judged, "the judged card stays as it was"
    await boris.taps("Дальше")
    assert "этап 2/5 · Пересказать" in boris.card.text and "👤 Клиент:" in boris.card.text


async def test_a_kazakh_walk_of_mistakes_ends_with_the_client_leaving(stub, bot, db_path, catalog):
    aigerim = Person(stub, 302, "kk")
    await aigerim.types("/practice")
    assert aigerim.card.text.startswith("🎭 Қоңырау алдындағы жаттығу")
    await aigerim.taps("Төлемейді")
    await aigerim.taps("Әңгімені бастау")
    assert "1/5-кезең · Тыңдау" in aigerim.card.text and "👤 Клиент:" in aigerim.card.text
    await aigerim.types("Жарайды")
    assert "🤔 Бұл жауапты бағалай алмаймын" in aigerim.card.text
    await aigerim.taps("Келесі")
    assert "1/5-кезең · Тыңдау" in aigerim.card.text
    await reply(aigerim, catalog, "kk", "no_pay", good=False)
    assert "⚠️ Тыңдау:" in aigerim.card.text and "🔥 Клиент қайта ашуланды" in aigerim.card.text
    await aigerim.types("Бұл сіздің кінәңіз, өзіңіз кінәлісіз")
    assert "«клиентті кінәлау» ережесі байқалды" in aigerim.card.text
    await aigerim.taps("Келесі")
    result = aigerim.card.text
    assert "📵 Клиент әңгімені үзді" in result and "Нәтиже: 0/100" in result
    assert result.count("✘") == 5 and "Слушать" not in result
    assert [row["total"] for row in results(db_path, 302)] == [0]
    await aigerim.taps("Басқа жағдай", message_id=aigerim.card.message_id)
    assert aigerim.card.text.startswith("🎭 Қоңырау алдындағы жаттығу")
    assert all_accepted(stub)
