"""Cards as real Telegram takes them: a card the person deleted is sent anew, a redraw that
changes nothing sends nothing, and every press is answered at once and exactly once,
whatever the chat's pace."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.harness import Person, RunningBot

MESSAGE_ID_INVALID = "Bad Request: MESSAGE_ID_INVALID"


def refusals(stub, text: str) -> list:
    return [c for c in stub.calls if c.status == 400 and text in (c.description or "")]


async def test_a_card_the_person_deleted_is_sent_anew_without_an_error(stub, bot):
    nina = Person(stub, 71_001)
    await nina.types("/call")
    first = nina.card.message_id
    stub.fail_next("editMessageText", status=400, description=MESSAGE_ID_INVALID)
    await nina.taps("Слушаю клиента")
    assert nina.card.message_id != first and "Клиент высказался ▶" in nina.labels()
    assert not any("Что-то пошло не так" in m.text for m in nina.messages)


async def test_a_journal_page_the_person_deleted_is_sent_anew(stub, bot):
    lev = Person(stub, 71_002)
    await lev.types("/call")
    await lev.types("сайт лежит")
    await lev.taps("Завершить")
    await lev.types("/history")
    page = lev.last
    stub.fail_next("editMessageText", status=400, description=MESSAGE_ID_INVALID)
    await lev.taps(lev.labels(page)[0], message_id=page.message_id)
    assert lev.last.message_id != page.message_id, "the record came as a new message"
    assert not any("Что-то пошло не так" in m.text for m in lev.messages)


async def test_odd_presses_and_redraws_send_nothing_telegram_would_refuse(stub, bot):
    """An old card pressed, the same card brought up twice, a button pressed twice:
    no 'message is not modified', no second answer to a press."""
    ola = Person(stub, 71_003)
    await ola.types("/call")
    old = ola.card
    old_data = old.reply_markup["inline_keyboard"][0][0]["callback_data"]
    stub.fail_next("editMessageReplyMarkup", status=502, description="Bad Gateway")
    await ola.types("🆘 Трудный звонок")  # the running card moves below; the old keeps buttons
    await ola.types("🆘 Трудный звонок")
    await stub.press(ola.id, old.message_id, old_data)
    await stub.wait_idle()
    card = ola.card
    data = card.reply_markup["inline_keyboard"][0][0]["callback_data"]
    await stub.press(ola.id, card.message_id, data)
    await stub.press(ola.id, card.message_id, data)  # the same button again, at once
    await stub.wait_idle()
    await ola.types("/language")
    await ola.types("/language")
    assert refusals(stub, "not modified") == []
    answered = Counter(p["callback_query_id"] for p in stub.calls_of("answerCallbackQuery"))
    assert answered and max(answered.values()) == 1, answered


@pytest.mark.core
async def test_presses_are_answered_before_their_cards_wait_for_the_chat_s_pace(
    stub, db_path, clock
):
    """At one card a second (Telegram's own pace in a chat), five quick presses each get
    their answer before the card they move has been drawn."""
    bot = RunningBot(stub, db_path, clock, chat_rate=1.0)
    await bot.start()
    try:
        rita = Person(stub, 71_004)
        await rita.types("/call")
        for label in ("Слушаю клиента", "Клиент высказался", "Да, клиент подтвердил"):
            await stub.wait_for(lambda label=label: any(label in x for x in rita.labels()))
            await stub.press_button(rita.id, label)
        await stub.wait_for(lambda: rita.card.text.startswith("3/5"))
        order = [
            c.method for c in stub.calls if c.method in ("answerCallbackQuery", "editMessageText")
        ]
        for index, method in enumerate(order):
            if method == "editMessageText":
                assert order[:index].count("answerCallbackQuery") > order[:index].count(
                    "editMessageText"
                ), order
    finally:
        await bot.stop()


async def test_without_inline_mode_call_cards_offer_no_phrasebook_button(stub, bot):
    """BotFather's inline mode is off (getMe says so): the 💬 button would open a query
    nobody answers, so the card does not offer it."""
    zoya = Person(stub, 71_005)
    await zoya.types("/call")
    assert zoya.labels() and not any("💬" in label for label in zoya.labels())


@pytest.mark.parametrize("edit_error", ["MESSAGE_ID_INVALID", "message to edit not found"])
async def test_a_press_on_a_message_the_person_deleted_brings_it_back_below(stub, bot, edit_error):
    """Pressed from another device still showing it, the press arrives with an inaccessible
    message (date 0): a journal page and the greeting's language buttons answer with a new
    message, never the error reply."""
    yan = Person(stub, 71_006 if edit_error.isupper() else 71_007)
    await yan.types("/start")
    greeting = yan.messages[-2]
    await yan.types("/call")
    await yan.types("сайт лежит")
    await yan.taps("Завершить")
    await yan.types("/history")
    page = yan.last
    for message, label in ((page, yan.labels(page)[0]), (greeting, "Қазақша")):
        data = next(
            b["callback_data"]
            for row in message.reply_markup["inline_keyboard"]
            for b in row
            if b["text"] == label
        )
        stub.person_deletes(yan.id, message.message_id, edit_error=edit_error)
        shown = len(yan.messages)
        query = await stub.press(yan.id, message.message_id, data)
        await stub.wait_for_answer(query)
        await stub.wait_idle()
        assert len(yan.messages) > shown, f"{label}: brought back as a new message"
    assert not any(
        "Что-то пошло не так" in m.text or "Бірдеңе дұрыс" in m.text for m in yan.messages
    )
