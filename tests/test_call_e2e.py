"""The call coach end to end: real PTB Application, stand-in Bot API over HTTP, real SQLite."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.db import call_record
from tests.harness import Person

HOSTILE = "<b>x</b> & </i> <script>"


@pytest.mark.core
async def test_a_russian_user_walks_the_whole_coach_with_a_flare_up(stub, bot, db_path):
    anna = Person(stub, 101, "ru")
    await anna.types("/start")
    greeting, hint = anna.messages[-2:]
    assert "Здравствуйте" in greeting.text
    assert anna.labels(greeting) == [
        "🆘 Начать коуч сейчас",
        "🔔 Совет каждый день",
        "Русский",
        "Қазақша",
    ]
    assert hint.reply_markup["keyboard"][0][0]["text"] == "🆘 Трудный звонок"
    assert hint.reply_markup["is_persistent"] is True
    assert hint.reply_markup["input_field_placeholder"] == "Опишите жалобу или ситуацию…"

    await anna.taps("Начать коуч")
    card_id = anna.card.message_id
    assert anna.card.text.startswith("1/5 · Слушать")
    assert "Назад" not in " ".join(anna.labels())
    await anna.taps("Слушаю клиента")
    assert anna.card.text.startswith("1/5 · Слушать") and "Назад" in " ".join(anna.labels())
    await anna.types(HOSTILE)
    assert anna.card.text.startswith("1/5 · Слушать"), "the client may still be talking"
    assert f"📝 Ваша заметка: {HOSTILE}" in anna.card.text
    await anna.types("и грозит уйти")
    assert f"📝 Ваша заметка: {HOSTILE} · и грозит уйти" in anna.card.text
    await anna.types("и грозит уйти")
    assert anna.last.text == "Эта строка уже есть в заметке.", "a line sent twice, kept once"
    await anna.taps("Клиент высказался")
    assert anna.card.text.startswith("2/5 · Пересказ")
    assert "💬 Правильно понимаю: главное для вас — …?" in anna.card.text
    assert f"📝 Ваша заметка: {HOSTILE} · и грозит уйти" in anna.card.text
    await anna.taps("Да, клиент подтвердил")
    assert anna.card.text.startswith("3/5")
    await anna.taps("Снова вспылил")
    assert anna.card.text.startswith("1/5 · Слушать  🔥×1")
    await anna.taps("Клиент высказался")
    await anna.taps("Да, клиент подтвердил")
    await anna.taps("Ошибка наша")
    assert "Приношу извинения от имени компании" in anna.card.text
    await anna.taps("Дальше: решение")
    assert anna.card.text.startswith("4/5 · Решение")
    await anna.types("исправим до пятницы")
    assert anna.card.text.startswith("5/5 · Выполнить обещанное")
    await anna.taps("Завтра утром")
    summary = anna.card.text
    assert summary.startswith("✅ Звонок сохранён")
    assert f"Ваша заметка: «{HOSTILE} · и грозит уйти»" in summary
    assert "Обещание: «исправим до пятницы»" in summary
    assert "Напоминание: вт, 24 ноября, 09:00" in summary
    assert "Клиент вспыхивал снова: 1 раз" in summary
    assert anna.card.message_id == card_id, "one card, edited in place"

    record = call_record(db_path, 101)
    assert record["outcome"] == "done" and record["flareups"] == 1 and record["fault"] == "ours"
    assert record["complaint"] == f"{HOSTILE}\nи грозит уйти", "every line, as typed"
    assert record["promise"] == "исправим до пятницы"
    assert record["due_at"] == "2026-11-24T06:00:00+00:00"
    assert record["timezone"] == "Europe/Moscow"


async def test_a_kazakh_user_opens_the_coach_from_the_sos_button_and_leaves_a_rude_client(
    stub, bot, db_path
):
    aigerim = Person(stub, 202, "kk")
    await aigerim.types("/start")
    assert "Сәлеметсіз бе" in aigerim.messages[-2].text
    sos = aigerim.last.reply_markup["keyboard"][0][0]["text"]
    await aigerim.types(sos)
    assert aigerim.card.text.startswith("1/5 · Тыңдау")
    await aigerim.taps("Қорлап")
    assert "Бүгін сізге жазбаша жауап беремін" in aigerim.card.text
    await aigerim.taps("◀")
    assert aigerim.card.text.startswith("1/5 · Тыңдау")
    await aigerim.taps("Қорлап")
    rude_labels = aigerim.labels()
    await aigerim.taps(rude_labels[1])
    assert "Слушать" not in aigerim.card.text
    record = call_record(db_path, 202)
    assert record["outcome"] == "rude_exit" and record["timezone"] == "Asia/Almaty"


@pytest.mark.core
async def test_a_kazakh_user_walks_the_whole_coach(stub, bot, db_path):
    aigerim = Person(stub, 203, "kk")
    await aigerim.types("/call")
    await aigerim.taps("▶")
    await aigerim.types("төлем өтпей жатыр")
    assert "📝 Сіздің жазбаңыз: төлем өтпей жатыр" in aigerim.card.text
    await aigerim.taps("Клиент сөзін аяқтады")
    assert aigerim.card.text.startswith("2/5 · Қайталап айту")
    await aigerim.taps("Қайта ашуланды")
    assert aigerim.card.text.startswith("1/5 · Тыңдау  🔥×1")
    await aigerim.taps("Клиент сөзін аяқтады")
    await aigerim.taps("✅")
    await aigerim.taps("Анық емес")
    assert aigerim.card.text.startswith("3/5 · Кешірім / жанашырлық")
    await aigerim.taps("▶")
    assert aigerim.card.text.startswith("4/5 · Шешім")
    await aigerim.taps("▶")
    await aigerim.taps("Бір сағаттан кейін")
    assert aigerim.card.text.startswith("✅ Қоңырау сақталды")
    assert "Еске салу: 23 қараша" in aigerim.card.text
    assert "1 рет" in aigerim.card.text
    record = call_record(db_path, 203)
    assert record["outcome"] == "done" and record["fault"] == "unsure" and record["flareups"] == 1
    assert record["due_at"] == "2026-11-23T06:00:00+00:00"


async def test_a_russian_user_ends_the_call_with_a_rude_client_professionally(stub, bot, db_path):
    vera = Person(stub, 204, "ru")
    await vera.types("/call")
    await vera.taps("Слушаю клиента")
    await vera.taps("Оскорбляет")
    assert vera.card.text.startswith("🛑 Оскорбления, а не крик")
    assert "Сегодня я отвечу вам письменно" in vera.card.text
    assert "⛔ Не оскорбляйте в ответ" in vera.card.text
    await vera.taps("Клиент успокоился")
    assert vera.card.text.startswith("1/5 · Слушать")
    await vera.taps("Оскорбляет")
    await vera.taps("Завершить разговор")
    assert vera.card.text.startswith("Разговор завершён достойно")
    assert "Вы не обязаны терпеть оскорбления" in vera.card.text
    assert (call_record(db_path, 204))["outcome"] == "rude_exit"


async def test_a_double_tap_is_one_step(stub, bot, db_path):
    ben = Person(stub, 303)
    await ben.types("/call")
    card = ben.card
    first = await stub.press_button(ben.id, "Слушаю клиента", message_id=card.message_id)
    second = await stub.press(
        ben.id, card.message_id, card.reply_markup["inline_keyboard"][0][0]["callback_data"]
    )
    await stub.wait_for_answer(first)
    await stub.wait_for_answer(second)
    await stub.wait_idle()
    assert ben.card.text.startswith("1/5 · Слушать") and "Клиент высказался ▶" in ben.labels()
    assert stub.callback_answers[second].get("text") == "Уже учтено."
    await ben.taps("Клиент высказался")
    assert ben.card.text.startswith("2/5"), "exactly one step was taken by the double tap"


async def test_a_press_on_an_old_card_gets_the_current_card_anew(stub, bot):
    cora = Person(stub, 404)
    await cora.types("/call")
    old = cora.card
    await cora.taps("Слушаю клиента")
    # the card moves below and the old one should lose its buttons; say that edit failed
    stub.fail_next("editMessageReplyMarkup", status=502, description="Bad Gateway")
    await cora.types("🆘 Трудный звонок")
    current = cora.card
    assert current.message_id != old.message_id
    assert "Клиент высказался ▶" in cora.labels(), "🆘 mid-call brings back the running call"
    sent_before = len(cora.messages)
    answer = await cora.taps("Оскорбляет", message_id=old.message_id)
    assert answer.get("text") == "Эта карточка устарела — вот актуальная."
    assert len(cora.messages) == sent_before + 1
    assert cora.card.text.startswith("1/5 · Слушать") and "Клиент высказался ▶" in cora.labels()
    assert "Оскорбления" not in cora.card.text


async def test_a_double_tap_on_start_the_coach_opens_one_call(stub, bot):
    lev = Person(stub, 405)
    await lev.types("/start")
    greeting = lev.messages[-2]
    await lev.taps("Начать коуч сейчас", message_id=greeting.message_id)
    answer = await lev.taps("Начать коуч сейчас", message_id=greeting.message_id)
    assert answer.get("text") == "Звонок уже идёт — вот его карточка."
    assert len([m for m in lev.messages if m.text.startswith("1/5")]) == 1


async def test_a_new_call_keeps_the_finished_summary_on_screen(stub, bot):
    mia = Person(stub, 406)
    await mia.types("/call")
    await mia.taps("Оскорбляет")
    await mia.taps("Завершить разговор")
    record = mia.card
    assert record.text.startswith("Разговор завершён достойно")
    await mia.taps("Новый звонок")
    assert mia.card.text.startswith("1/5 · Слушать") and mia.card.message_id != record.message_id
    kept = next(m for m in mia.messages if m.message_id == record.message_id)
    assert kept.text == record.text and not kept.reply_markup


async def test_end_saves_the_call_and_resume_goes_back_to_the_same_card(stub, bot, db_path):
    nina = Person(stub, 407)
    await nina.types("/call")
    await nina.taps("Слушаю клиента")
    await nina.types("не работает оплата на сайте")
    await nina.taps("Завершить")
    assert nina.card.text.startswith("⏸ Звонок прерван")
    assert (call_record(db_path, 407))["outcome"] == "unfinished"
    await nina.taps("Продолжить с того же места")
    assert (
        nina.card.text.startswith("1/5 · Слушать")
        and "📝 Ваша заметка: не работает оплата на сайте" in nina.card.text
    )
    assert (call_record(db_path, 407))["outcome"] == "active"


async def test_an_edited_message_is_not_taken_as_new_input(stub, bot):
    oleg = Person(stub, 408)
    await oleg.types("/call")
    sent = len(stub.requests)
    await stub.edit_text(oleg.id, stub.user_messages(oleg.id)[-1].message_id, "/call")
    await stub.wait_idle()
    assert len(stub.requests) - sent <= 1, "only the polling request, no reply"


async def test_a_failed_reply_is_caught_up_on_the_next_press_without_a_second_step(stub, bot):
    dana = Person(stub, 505)
    await dana.types("/call")
    stub.fail_next("editMessageText", status=502, description="Bad Gateway")
    await dana.taps("Слушаю клиента")
    assert "Что-то пошло не так" in dana.last.text
    assert dana.card.text.startswith("1/5 · Слушать") and "Слушаю клиента ▶" in dana.labels()
    await dana.taps("Слушаю клиента")
    assert "Клиент высказался ▶" in dana.labels(), "the card caught up with the saved step"
    await dana.taps("Клиент высказался")
    assert dana.card.text.startswith("2/5")


async def test_presses_answered_too_late_are_still_handled(stub, bot):
    eve = Person(stub, 606)
    await eve.types("/call")
    card = eve.card
    data = card.reply_markup["inline_keyboard"][0][0]["callback_data"]
    stub.expire_callback_queries()
    query = await stub.press(eve.id, card.message_id, data)
    stub.expire_callback_queries()
    await stub.wait_for_answer(query)
    await stub.wait_idle()
    assert query not in stub.callback_answers, "Telegram refused the late answer"
    assert eve.card.text.startswith("1/5") and "Клиент высказался ▶" in eve.labels()


async def test_text_stickers_and_commands_outside_and_inside_the_coach_get_hints(stub, bot):
    finn = Person(stub, 707)
    await finn.types("привет")
    assert "Не получилось узнать ситуацию" in finn.messages[-2].text
    assert finn.last.text.startswith("📚 Трудные ситуации")
    await finn.types("/whatever")
    assert finn.last.text == "Такой команды нет. Все команды — /help."
    await stub.send_sticker(finn.id)
    await stub.wait_idle()
    assert finn.last.text.startswith("Я понимаю только текст и кнопки")
    await stub.send_photo(finn.id)
    await stub.wait_idle()
    assert finn.last.text.startswith("Я понимаю только текст и кнопки")
    await finn.types("/call")
    await finn.taps("Слушаю клиента")
    await finn.taps("Клиент высказался")
    await finn.taps("Да, клиент подтвердил")
    card_before = finn.card.text
    await finn.types("это не сюда")
    assert finn.last.text == "На этой карточке ничего вводить не нужно — нажмите кнопку."
    assert finn.card.text == card_before
    await finn.types("/help")
    assert "/language" in finn.last.text
    await finn.types("/cancel")
    assert "незавершённый" in finn.last.text
    await finn.types("/cancel")
    assert "Коуч и так закрыт" in finn.last.text


async def test_a_huge_complaint_is_kept_whole_and_shortened_on_the_card(stub, bot, db_path):
    gus = Person(stub, 808)
    await gus.types("/call")
    await gus.taps("Слушаю клиента")
    huge = "клиент недоволен " * 240
    await gus.types(huge)
    assert gus.card.text.startswith("1/5") and len(gus.card.text) < 300
    assert "📝 Ваша заметка: клиент недоволен клиент" in gus.card.text
    assert gus.card.text.split("\n")[3].endswith(("недоволен…", "клиент…")), "cut at a word"
    assert "Весь текст сохранён" in gus.last.text
    assert (call_record(db_path, 808))["complaint"] == huge
    await gus.types("ещё строка")
    assert gus.last.text.startswith("Заметка заполнена"), "refused, said so, nothing cut"
    assert (call_record(db_path, 808))["complaint"] == huge


async def test_switching_language_mid_call_redraws_the_card_and_the_menus(stub, bot):
    hana = Person(stub, 909, "ru")
    await hana.types("/call")
    await hana.taps("Слушаю клиента")
    await hana.types("/language")
    assert hana.card.text.startswith("1/5 · Тыңдау")
    keyboards = [
        m.reply_markup for m in hana.messages if m.reply_markup and "keyboard" in m.reply_markup
    ]
    assert keyboards[-1]["keyboard"][0][0]["text"] == "🆘 Қиын қоңырау"
    chat_menu = stub.commands({"type": "chat", "chat_id": hana.id})
    assert [c["command"] for c in chat_menu][:2] == ["call", "situations"]
    assert chat_menu[0]["description"] != stub.commands(None, "ru")[0]["description"]
    await hana.taps("Клиент сөзін аяқтады")
    assert hana.card.text.startswith("2/5 · Қайталап айту")


async def test_command_menus_are_set_for_each_language(stub, bot):
    ru, kk, default = stub.commands(None, "ru"), stub.commands(None, "kk"), stub.commands(None)
    assert (
        [c["command"] for c in ru] == [c["command"] for c in kk] == [c["command"] for c in default]
    )
    assert ru[0]["description"] == "Коуч для трудного звонка"
    assert kk[0]["description"] != ru[0]["description"]


async def test_a_call_left_for_three_hours_is_saved_unfinished_and_later_text_is_not_a_complaint(
    stub, bot, db_path, clock
):
    ivan = Person(stub, 1001)
    await ivan.types("/call")
    await ivan.taps("Слушаю клиента")
    call_card = ivan.card.message_id
    clock.advance(timedelta(hours=3, minutes=1))
    await ivan.types("доброе утро")
    assert "Не получилось узнать ситуацию" in ivan.messages[-2].text
    record = call_record(db_path, 1001)
    assert record["outcome"] == "unfinished" and record["complaint"] is None
    answer = await ivan.taps("Клиент высказался", message_id=call_card)
    assert answer.get("text") == "Этот звонок уже закрыт и сохранён как незавершённый."
    assert "Новый звонок" in " ".join(ivan.labels(ivan.last))


async def test_the_language_buttons_on_the_greeting_switch_it_in_place(stub, bot):
    jan = Person(stub, 1101, "ru")
    await jan.types("/start")
    greeting = jan.messages[-2]
    await jan.taps("Русский", message_id=greeting.message_id)
    assert jan.stub.messages(jan.id)[-2].text == greeting.text, "same language: nothing changes"
    await jan.taps("Қазақша", message_id=greeting.message_id)
    switched = next(m for m in jan.messages if m.message_id == greeting.message_id)
    assert switched.text.startswith("Сәлеметсіз бе") and switched.edits == 1
    assert jan.last.text == "Тіл: қазақша."
    assert jan.last.reply_markup["keyboard"][0][0]["text"] == "🆘 Қиын қоңырау"
    await jan.types("/help")
    assert jan.last.text.startswith("Не істей аламын")
