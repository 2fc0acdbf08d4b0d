"""The journal of calls end to end: labels after a call, /history with pages, one record,
its outcome corrected, a record deleted, and what a label's history says."""

from __future__ import annotations

import sqlite3

from tests.db import rows
from tests.harness import Person


async def walk_a_call(person: Person, complaint: str, promise: str, flare: bool = False) -> None:
    await person.types("/call")
    await person.taps("Слушаю клиента")
    await person.types(complaint)
    await person.taps("Клиент высказался")
    await person.taps("Да, клиент подтвердил")
    if flare:
        await person.taps("Снова вспылил")
        await person.taps("Клиент высказался")
        await person.taps("Да, клиент подтвердил")
    await person.taps("Ошибка наша")
    await person.taps("Дальше: решение")
    await person.types(promise)
    await person.taps("Через час")


def label_question(person: Person):
    return next(m for m in reversed(person.messages) if m.text.startswith("Кто это был?"))


async def test_two_labelled_calls_show_in_the_journal_with_the_client_s_history(stub, bot):
    anna = Person(stub, 8101)
    await walk_a_call(anna, "сайт не открывается", "починим сегодня", flare=True)
    assert anna.labels(label_question(anna)) == ["Пропустить"], "no labels typed before"
    await anna.types("ООО Ромашка")
    assert anna.last.text == "Записал: звонок с «ООО Ромашка»."
    await walk_a_call(anna, "опять ошибка в отчёте", "исправим к пятнице")
    question = label_question(anna)
    assert anna.labels(question) == ["ООО Ромашка", "Пропустить"], "the label is offered again"
    await anna.taps("ООО Ромашка", message_id=question.message_id)
    assert not next(m for m in anna.messages if m.message_id == question.message_id).reply_markup

    await anna.types("/history")
    journal = anna.last
    assert journal.text.startswith("📒 Журнал звонков")
    assert "В этом месяце: 2 звонка" in journal.text
    assert journal.text.index("опять ошибка в отчёте") < journal.text.index("сайт не открывается")
    assert journal.text.count("ООО Ромашка") == 2 and "🔥 1 вспышка" in journal.text
    assert anna.labels(journal) == ["1", "2"]

    await anna.taps("2", message_id=journal.message_id)
    record = anna.last
    assert record.message_id == journal.message_id, "the journal is one message, edited"
    assert "Ваша заметка: «сайт не открывается»" in record.text
    assert "Обещание: «починим сегодня»" in record.text
    assert "Этот клиент — ООО Ромашка: 2 звонка, 1 вспышка" in record.text
    await anna.taps("Выполнено", message_id=record.message_id)
    assert "Обещание выполнено?: ✅ выполнено" in anna.last.text
    assert "Последнее обещание" in anna.last.text


async def test_the_journal_pages_five_calls_at_a_time_and_deletes_a_record(stub, bot, db_path):
    boris = Person(stub, 8102)
    for n in range(6):
        await walk_a_call(boris, f"жалоба номер {n}", f"обещание {n}")
        await boris.taps("Пропустить", message_id=label_question(boris).message_id)
    await boris.types("/history")
    first = boris.last
    assert boris.labels(first) == ["1", "2", "3", "4", "5", "Старше ▶"]
    assert "жалоба номер 5" in first.text and "жалоба номер 0" not in first.text
    await boris.taps("Старше", message_id=first.message_id)
    assert "жалоба номер 0" in boris.last.text and boris.labels(boris.last) == ["6", "◀ Новее"]
    await boris.taps("6", message_id=first.message_id)
    await boris.taps("Удалить запись", message_id=first.message_id)
    assert boris.last.text.startswith("Удалить эту запись")
    answer = await boris.taps("Да, удалить", message_id=first.message_id)
    assert answer.get("text") == "Запись удалена."
    assert "жалоба номер 0" not in boris.last.text
    assert rows(db_path, "SELECT COUNT(*) AS n FROM calls WHERE user_id = ?", (boris.id,)) == [
        {"n": 5}
    ]
    assert not rows(
        db_path,
        "SELECT 1 FROM reminders WHERE user_id = ? AND call_id NOT IN (SELECT id FROM calls)",
        (boris.id,),
    ), "its reminder went with it"


async def test_a_forged_journal_button_cannot_open_another_person_s_record(stub, bot):
    cleo, dan = Person(stub, 8103), Person(stub, 8104)
    await walk_a_call(cleo, "секретная жалоба", "секретное обещание")
    await dan.types("/history")
    journal = dan.last
    cleo_call = next(
        b["callback_data"]
        for m in cleo.messages
        for row in (m.reply_markup or {}).get("inline_keyboard", [])
        for b in row
        if b.get("callback_data", "").startswith("lb:")
    ).split(":")[1]
    query = await stub.press_raw(dan.id, journal.message_id, f"j:{cleo_call}:open")
    await stub.wait_for_answer(query)
    await stub.wait_idle()
    assert "секретная" not in dan.last.text
    assert stub.callback_answers[query].get("text") == "Этой записи уже нет."


async def test_the_check_shows_the_labelled_client_s_history_before_asking_about_a_pattern(
    stub, bot
):
    dora = Person(stub, 8105)
    await walk_a_call(dora, "снова грубит в чате", "ответим письменно", flare=True)
    await dora.types("ИП Жанна")
    await dora.types("/check")
    assert "Этот клиент — ИП Жанна: 1 звонок, 1 вспышка" in dora.card.text
    kazakh = Person(stub, 8106, "kk")
    await kazakh.types("/check")
    assert "Бұл клиент" not in kazakh.card.text, "no labelled call: no history"


async def test_the_journal_counts_practice_rounds_and_the_best_score(stub, bot, db_path):
    ella = Person(stub, 8107)
    await ella.types("/start")
    with sqlite3.connect(db_path) as db:
        for total in (40, 80):
            db.execute(
                """INSERT INTO practice_results (user_id, scenario, finished_at, listen, restate,
                   apologize, resolve, follow_up, total)
                   VALUES (?, 'site_down', '2026-11-23T05:00:00+00:00', 1, 1, 0, 1, 0, ?)""",
                (ella.id, total),
            )
    await ella.types("/history")
    assert "Тренировок с трудным клиентом: 2, лучший результат — 80/100" in ella.last.text


async def test_an_empty_journal_says_where_calls_will_appear(stub, bot):
    fred = Person(stub, 8108, "kk")
    await fred.types("/history")
    assert fred.last.text.startswith("📒 Қоңыраулар журналы")
    assert "Мұнда қоңырауларыңыз шығады" in fred.last.text and not fred.last.reply_markup


async def test_a_record_shows_the_cause_and_the_lesson_of_the_call(stub, bot):
    gena = Person(stub, 8109)
    await walk_a_call(gena, "опять сорвали сроки", "сдадим в понедельник")
    summary = gena.card.message_id
    await gena.taps("Что стало причиной?", message_id=summary)
    await gena.taps("Не оправдались ожидания", message_id=summary)
    await gena.types("обсуждать сроки письменно")
    await gena.types("/history")
    await gena.taps("1", message_id=gena.last.message_id)
    record = gena.last.text
    assert "Причина: Не оправдались ожидания" in record
    assert "Урок: «обсуждать сроки письменно»" in record


async def test_a_call_back_is_the_promise_of_a_call_where_no_promise_was_typed(stub, bot):
    """The road "can't fix it now — I'll call back" promises the call-back itself: the
    record says so instead of "no promise" above the call-back's due time."""
    gleb = Person(stub, 8107)
    await gleb.reaches_the_resolve_card("не проходит оплата картой")
    await gleb.taps("Не решить сейчас")
    await gleb.taps("Через 2 часа")
    await gleb.taps("Договорились")
    await gleb.types("/history")
    journal = gleb.last
    assert "«не проходит оплата картой» → 📞 перезвонить клиенту" in journal.text
    await gleb.taps("1", message_id=journal.message_id)
    record = gleb.last.text
    assert "Обещание: 📞 перезвонить клиенту" in record
    assert "без обещания" not in record and "⏳ ждёт до" in record


async def test_typed_text_with_html_characters_shows_as_typed_in_the_journal(stub, bot):
    """A complaint, a promise and a client name with <, > and & read back as typed: the
    journal's lines are escaped, so Telegram takes the message."""
    rita = Person(stub, 8108)
    await walk_a_call(rita, "цена <100 & скидка", "вернём 5% > 0 <b>сразу</b>")
    await rita.types("<ООО & Ко>")
    await rita.types("/history")
    journal = rita.last
    assert "«цена <100 & скидка» → «вернём 5% > 0 <b>сразу</b>»" in journal.text
    assert "<ООО & Ко>" in journal.text
    await rita.taps("1", message_id=journal.message_id)
    record = rita.last.text
    assert "Ваша заметка: «цена <100 & скидка»" in record and "Клиент: <ООО & Ко>" in record
    assert not [c for c in stub.calls if c.status == 400], "Telegram refused nothing"


async def test_a_kazakh_journal_gives_the_due_time_after_a_label(stub, bot):
    """A date cannot take the dative «дейін» asks for, so a waiting promise reads
    «мерзімі: <date>» and the saved client is named after a label too."""
    asel = Person(stub, 8110)
    await walk_a_call(asel, "акт жоқ", "ертең жібереміз")
    await asel.types("/language")
    await asel.types("ЖШС Алма")
    assert asel.last.text == "Жазып қойдым: клиент — «ЖШС Алма»."
    await asel.types("/history")
    assert "⏳ күтілуде, мерзімі: " in asel.last.text
