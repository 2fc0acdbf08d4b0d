"""The roads a real call takes, end to end in both languages: call back later, a recap for
the client, a rude exit that keeps its promise, not our fault; and the glance card itself
("ℹ Why" in place, text typed on the first card, the cause and lesson after the call)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.db import call_record
from tests.harness import Clock, Person, tick

GLANCE_LIMIT = 300
LONG_COMPLAINT = "клиент кричит, что сайт лежит третий день и заказы не идут " * 4


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 23, 5, 0, tzinfo=UTC))  # 08:00 Moscow, 10:00 Almaty


async def press(person: Person, *labels: str) -> None:
    """Tap on the call's card (offers sent below it, like the daily tip, are not it)."""
    for label in labels:
        await person.taps(label, message_id=person.card.message_id)


ROADS = {
    "ru": {
        "ready": "Слушаю клиента",
        "heard": "Клиент высказался",
        "yes": "Да, клиент подтвердил",
        "ours": "Ошибка наша",
        "not_ours": "Не наша",
        "next": "Дальше: решение",
        "agreed": "Договорились",
        "later": "Не решить сейчас",
        "rude": "Оскорбляет",
        "leave": "Завершить разговор",
        "written": "Напомнить в 17:00",
        "recap": "Итог для клиента",
        "why": "ℹ Почему",
        "hide": "Свернуть",
    },
    "kk": {
        "ready": "Клиентті тыңдаймын",
        "heard": "Клиент сөзін аяқтады",
        "yes": "Иә, клиент растады",
        "ours": "Біздің қате",
        "not_ours": "Біздің қате емес",
        "next": "Келесі: шешім",
        "agreed": "Келістік",
        "later": "Қазір шешілмейді",
        "rude": "Қорлап тұр",
        "leave": "Әңгімені аяқтау",
        "written": "Сағат 17:00-де еске салу",
        "recap": "Клиентке қорытынды",
        "why": "ℹ Неліктен",
        "hide": "Жасыру",
    },
}


async def to_resolve(person: Person, words: dict[str, str], complaint: str, fault: str) -> None:
    await person.types("/call")
    await person.types(complaint)  # typed on the very first card: the complaint
    await press(person, words["heard"], words["yes"], words[fault], words["next"])


async def test_ru_cant_fix_it_now_the_call_back_is_promised_reminded_and_summarised(
    stub, bot, db_path, clock
):
    anna = Person(stub, 7101, "ru")
    await to_resolve(anna, ROADS["ru"], "не проходит оплата картой", "ours")
    await press(anna, ROADS["ru"]["later"])
    assert anna.card.text.startswith("4/5 · Решение\nКогда перезвоните?")
    await anna.types("16:00")
    assert "💬 Я всё выясню и перезвоню вам сегодня до 16:00." in anna.card.text
    await press(anna, ROADS["ru"]["agreed"])
    summary = anna.card.text
    assert summary.startswith("✅ Звонок сохранён")
    assert "Перезвонить: сегодня до 16:00\nНапоминание: пн, 23 ноября, 15:45" in summary
    record = call_record(db_path, anna.id)
    assert (record["remind"], record["due_at"]) == ("cbat", "2026-11-23T12:45:00+00:00")
    assert record["complaint"] == "не проходит оплата картой" and record["outcome"] == "done"
    clock.now = datetime(2026, 11, 23, 12, 44, 0, tzinfo=UTC)
    await tick(bot, stub)
    assert not anna.last.text.startswith("📞")
    clock.now = datetime(2026, 11, 23, 12, 45, 5, tzinfo=UTC)  # 15:45 Moscow: time to call
    await tick(bot, stub)
    assert anna.last.text.startswith("📞 Пора перезвонить клиенту")
    assert "«не проходит оплата картой»" in anna.last.text


async def test_kk_call_back_in_two_hours_then_the_recap_for_the_client(stub, bot, db_path, clock):
    aigerim = Person(stub, 7102, "kk")
    words = ROADS["kk"]
    await to_resolve(aigerim, words, "тапсырыс беру беті ашылмайды", "ours")
    await press(aigerim, words["later"], "2 сағаттан кейін")
    assert "бүгін сағат 12:00 болмай тұрып қайта хабарласамын" in aigerim.card.text
    await press(aigerim, words["agreed"], words["recap"])
    recap = aigerim.card.text
    assert recap.startswith("📝 Клиентке қорытынды")
    assert "тапсырыс беру беті ашылмайды" not in recap, "the private note stays private"
    assert "бүгін сағат 12:00 болмай тұрып сізге қайта хабарласамын" in recap
    assert "Мәселе:" not in recap and "бір жолмен жазыңыз" in recap
    await aigerim.types("тапсырыс беру беті жұмыс істемейді")
    assert "Мәселе: тапсырыс беру беті жұмыс істемейді" in aigerim.card.text
    await press(aigerim, "◀")
    assert aigerim.card.text.startswith("✅ Қоңырау сақталды")
    clock.advance(timedelta(hours=1, minutes=45, seconds=5))  # 15 minutes before 12:00
    await tick(bot, stub)
    assert aigerim.last.text.startswith("📞 Клиентке қайта хабарласатын уақыт келді")
    assert call_record(db_path, aigerim.id)["remind"] == "cb2h"


@pytest.mark.core
async def test_ru_recap_promises_only_what_was_agreed_and_keeps_the_issue_line_whole(stub, bot):
    boris = Person(stub, 7103, "ru")
    words = ROADS["ru"]
    await boris.types("/call")
    await boris.types("клиент орёт, что отчёт пришёл на три дня позже")  # a private note
    await press(boris, words["heard"])
    essence = "отчёт за ноябрь пришёл на три дня позже срока, " * 4  # 196 characters
    await boris.types(essence)
    assert boris.card.text.startswith("2/5") and "📝 Суть: отчёт за ноябрь" in boris.card.text
    await press(boris, words["yes"], words["ours"], words["next"])
    await boris.types("пришлём исправленный отчёт до пятницы " * 6)
    assert boris.last.text.startswith("Обещание войдёт в итог"), "too long to quote whole"
    await boris.types("пришлём исправленный отчёт до пятницы")
    await press(boris, "Завтра утром", words["recap"])
    recap = boris.card.text
    assert recap.startswith("📝 Итог для клиента")
    assert f"Вопрос: {' '.join(essence.split())}" in recap and "…" not in recap
    assert "Мы договорились: пришлём исправленный отчёт до пятницы" in recap
    assert "орёт" not in recap, "the private note stays private"
    assert "24 ноября" not in recap and "09:00" not in recap, "the reminder is not a promise"
    await boris.types("отчёт за ноябрь пришёл с опозданием")
    assert "Вопрос: отчёт за ноябрь пришёл с опозданием" in boris.card.text


@pytest.mark.parametrize(
    ("lang", "nothing"),
    [
        ("ru", "Конкретных договорённостей по итогам разговора пока нет."),
        ("kk", "Әңгіме қорытындысы бойынша әзірге нақты келісім жоқ."),
    ],
)
async def test_a_recap_with_nothing_agreed_says_so_plainly(stub, bot, lang, nothing):
    words = ROADS[lang]
    gleb = Person(stub, 7113 if lang == "ru" else 7114, lang)
    await to_resolve(gleb, words, "всё плохо", "ours")
    await press(gleb, words["agreed"])
    await press(gleb, "Без напоминания" if lang == "ru" else "Еске салусыз")
    await press(gleb, words["recap"])
    assert nothing in gleb.card.text and "всё плохо" not in gleb.card.text


@pytest.mark.parametrize("lang", ["ru", "kk"])
async def test_the_rude_exit_reminds_of_the_written_answer_and_links_to_the_check(
    stub, bot, db_path, clock, lang
):
    words = ROADS[lang]
    vera = Person(stub, 7104 if lang == "ru" else 7105, lang)
    await vera.types("/call")
    await vera.types("грубит и обзывается" if lang == "ru" else "балағаттап сөйлейді")
    await press(vera, words["rude"])
    assert ("письменно" if lang == "ru" else "жазбаша жауап беремін") in vera.card.text
    await press(vera, words["leave"], words["written"])
    assert vera.card.text.startswith("⏰")
    record = call_record(db_path, vera.id)
    assert (record["outcome"], record["remind"]) == ("rude_exit", "weod")
    await press(vera, "🧭")
    assert vera.card.text.startswith(
        "Оставить клиента или расстаться?" if lang == "ru" else "Клиентті сақтап"
    )
    clock.now = datetime(2026, 11, 23, 14 if lang == "ru" else 12, 0, 5, tzinfo=UTC)  # 17:00
    await tick(bot, stub)
    assert vera.last.text.startswith("✉")
    assert ("Ответили?" if lang == "ru" else "Жауап бердіңіз бе?") in vera.last.text


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [
        ("ru", "Простите, что возникло недопонимание."),
        ("kk", "Түсініспеушілік болғаны үшін кешірім сұраймын."),
    ],
)
async def test_not_our_fault_apologises_for_the_misunderstanding_without_admitting_fault(
    stub, bot, db_path, lang, phrase
):
    dana = Person(stub, 7106 if lang == "ru" else 7107, lang)
    await to_resolve(dana, ROADS[lang], "сайт медленный", "not_ours")
    await press(dana, "◀")
    assert phrase in dana.card.text
    assert "от имени компании" not in dana.card.text and "атынан" not in dana.card.text
    assert call_record(db_path, dana.id)["fault"] == "not_ours"


@pytest.mark.parametrize("lang", ["ru", "kk"])
async def test_why_expands_the_same_card_and_collapses_it_again(stub, bot, lang):
    words = ROADS[lang]
    eva = Person(stub, 7108 if lang == "ru" else 7109, lang)
    await eva.types("/call")
    await press(eva, words["ready"])
    glance, card_id = eva.card.text, eva.card.message_id
    assert "ℹ️" not in glance
    await press(eva, words["why"])
    assert eva.card.message_id == card_id and eva.card.text.startswith(glance)
    assert "ℹ️" in eva.card.text and len(eva.card.text) > len(glance)
    await press(eva, words["hide"])
    assert eva.card.text == glance and eva.card.message_id == card_id
    await press(eva, "◀")
    assert eva.card.text.startswith("1/5"), "Back after collapsing goes to the previous card"


@pytest.mark.parametrize("lang", ["ru", "kk"])
async def test_a_long_complaint_keeps_every_live_card_within_a_glance(stub, bot, db_path, lang):
    words = ROADS[lang]
    ivan = Person(stub, 7110 if lang == "ru" else 7111, lang)
    await ivan.types("/call")
    await ivan.types(LONG_COMPLAINT)
    seen = [ivan.card.text]
    for label in ("heard", "yes", "ours", "next", "later"):
        await press(ivan, words[label])
        seen.append(ivan.card.text)
    assert all(len(text) <= GLANCE_LIMIT for text in seen), [len(t) for t in seen]
    (note,) = [line for line in seen[1].splitlines() if line.startswith("📝")]
    assert note.endswith(("лежит…", "кричит…", "что…", "сайт…", "и…", "день…", "идут…")), note
    assert not any("клиент кричит" in line for line in seen[1].splitlines() if "💬" in line)
    assert call_record(db_path, ivan.id)["complaint"] == LONG_COMPLAINT


async def test_after_the_summary_the_cause_and_a_lesson_are_stored_with_the_call(
    stub, bot, db_path
):
    lev = Person(stub, 7112, "ru")
    await to_resolve(lev, ROADS["ru"], "хотели другой дизайн", "ours")
    await press(lev, ROADS["ru"]["agreed"], "Без напоминания", "Что стало причиной", "Разошлись")
    await lev.types("в начале сверять цели проекта")
    summary = lev.card.text
    assert "Причина: Разошлись цели" in summary
    assert "Урок: «в начале сверять цели проекта»" in summary
    record = call_record(db_path, lev.id)
    assert (record["cause"], record["lesson"]) == ("goals", "в начале сверять цели проекта")
