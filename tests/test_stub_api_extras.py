"""The stand-in's additions for the robustness tests: more update kinds, inline queries and
random or late faults. Why: a fault or update kind the stub gets wrong makes the fuzz,
fault and flood tests prove nothing, so each is checked against a real PTB `Bot` here."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram import InputTextMessageContent as Content
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from tests.stub_api import BotApiStub
from tests.stub_api.methods import QUERY_INVALID

TOKEN = "123456:TEST"
ALICE, BOB = 1001, 1002
GROUP, CHANNEL = -1001234567890, -1009876543210
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest_asyncio.fixture
async def stub() -> AsyncIterator[BotApiStub]:
    server = BotApiStub(TOKEN)
    await server.start()
    server.add_user(ALICE)
    server.add_user(BOB, language_code="kk")
    yield server
    await server.stop()
    assert server.schema_violations == []


@pytest_asyncio.fixture
async def bot(stub: BotApiStub) -> AsyncIterator[Bot]:
    request = HTTPXRequest(read_timeout=0.5)
    async with Bot(TOKEN, base_url=stub.bot_base_url, request=request) as real_bot:
        yield real_bot


def buttons(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(data, callback_data=data)]])


def article(result_id: str) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(result_id, "title", Content("text"))


async def test_new_update_kinds_parse_in_ptb(stub: BotApiStub, bot: Bot) -> None:
    await stub.send_document(ALICE, file_name="<b>.pdf")
    await stub.send_contact(ALICE, first_name="שלום")
    await stub.send_location(ALICE, latitude=-89.9, longitude=179.9)
    await stub.send_raw_text(ALICE, " ")
    await stub.send_group_message(GROUP, ALICE, "/start@stub_bot")
    await stub.send_channel_post(CHANNEL, "news")
    stub.inline_mode = True
    query_id = await stub.send_inline_query(BOB, "клиент")
    document, contact, location, blank, group, post, inline = await bot.get_updates(timeout=0)
    assert document.message and document.message.document
    assert document.message.document.file_name == "<b>.pdf"
    assert contact.message and contact.message.contact
    assert contact.message.contact.first_name == "שלום"
    assert location.message and location.message.location
    assert location.message.location.longitude == pytest.approx(179.9)
    assert blank.message and blank.message.text == " "
    assert group.message and group.message.chat.type == "supergroup"
    assert group.message.chat.id == GROUP and group.message.from_user.id == ALICE
    assert group.message.entities[0].type == "bot_command"
    assert post.channel_post and post.channel_post.chat.type == "channel"
    assert post.channel_post.from_user is None and post.channel_post.sender_chat.id == CHANNEL
    assert inline.inline_query and inline.inline_query.id == query_id
    assert inline.inline_query.from_user.language_code == "kk"


async def test_the_bot_can_write_to_a_known_group(stub: BotApiStub, bot: Bot) -> None:
    await stub.send_group_message(GROUP, ALICE, "hi")
    sent = await bot.send_message(GROUP, "<b>hello</b>", parse_mode="HTML")
    assert sent.chat.type == "supergroup" and stub.messages(GROUP)[-1].text == "hello"
    assert (await bot.get_chat(GROUP)).title == "Stub group"
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(-100111, "unknown group")


async def test_answer_inline_query_is_validated_like_telegram(stub: BotApiStub, bot: Bot) -> None:
    stub.inline_mode = True
    too_many = await stub.send_inline_query(ALICE, "a")
    with pytest.raises(BadRequest, match=r"^Too many inline query results specified$"):
        await bot.answer_inline_query(too_many, [article(str(n)) for n in range(51)])
    long_id = await stub.send_inline_query(ALICE, "b")
    with pytest.raises(BadRequest, match="Result_id_invalid"):
        await bot.answer_inline_query(long_id, [article("я" * 33)])  # 66 bytes
    twice = await stub.send_inline_query(ALICE, "c")
    with pytest.raises(BadRequest, match="Result_id_duplicate"):
        await bot.answer_inline_query(twice, [article("1"), article("1")])
    await bot.answer_inline_query(twice, [article(str(n)) for n in range(50)], cache_time=0)
    assert len(stub.inline_answers[twice]["results"]) == 50
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_inline_query(twice, [])
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_inline_query("42", [])


async def test_press_raw_sends_any_data_from_anyone(stub: BotApiStub, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="c:1:ok")]])
    card = await bot.send_message(BOB, "card", reply_markup=markup)
    forged = await stub.press_raw(ALICE, card.message_id, "c:²:x", chat_id=BOB)
    (update,) = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert query is not None and query.id == forged and query.data == "c:²:x"
    assert query.from_user.id == ALICE and query.message.chat.id == BOB
    await bot.answer_callback_query(forged)
    assert stub.state.callback_attempts[forged] == ["ok"]
    with pytest.raises(AssertionError, match="no bot message"):
        await stub.press_raw(ALICE, 999, "x")


async def test_random_faults_are_seeded_and_per_chat(stub: BotApiStub, bot: Bot) -> None:
    async def outcomes() -> list[str]:
        stub.clear_faults()
        stub.fail_randomly("sendMessage", 0.5, status=502, description="Bad Gateway", seed=7)
        results = []
        for _ in range(20):
            try:
                await bot.send_message(ALICE, "x")
                results.append("ok")
            except NetworkError:
                results.append("502")
        return results

    first, second = await outcomes(), await outcomes()
    assert first == second and 3 < first.count("502") < 17
    stub.clear_faults()
    stub.fail_randomly(
        "*",
        1.0,
        status=429,
        description="Too Many Requests: retry after 2",
        retry_after=2,
        chat_id=ALICE,
    )
    await bot.send_message(BOB, "other chats are untouched")
    with pytest.raises(RetryAfter):
        await bot.send_message(ALICE, "x")
    with pytest.raises(RetryAfter):
        await bot.send_chat_action(ALICE, "typing")
    assert stub.calls[-1].retry_after == 2 and not stub.calls[-1].performed
    assert len(stub.retry_after_violations()) == 1, "the second call came inside the window"


async def test_a_late_answer_takes_effect_but_times_out(stub: BotApiStub, bot: Bot) -> None:
    stub.answer_late_next("sendMessage", 1.0, chat_id=ALICE)
    with pytest.raises(TimedOut):
        await bot.send_message(ALICE, "arrived anyway")
    assert stub.messages(ALICE)[-1].text == "arrived anyway"
    assert stub.in_flight == 1, "the stub still holds the answer"
    await stub.wait_for(lambda: stub.in_flight == 0, timeout=3)
    late = stub.calls[-1]
    # about a second late: uvloop's timers count from the loop's cached time, which a busy
    # machine leaves some milliseconds behind the clock
    assert late.performed and late.answered_at is not None and late.answered_at - late.at >= 0.9
    await bot.send_message(ALICE, "on time")  # count=1: consumed
    stub.answer_late_randomly("editMessageText", 1.0, 0.01, seed=1)
    edited = await bot.edit_message_text("edited", ALICE, stub.messages(ALICE)[-1].message_id)
    assert edited.text == "edited"


async def test_fail_next_for_a_chat_also_matches_the_answer_to_a_press_there(
    stub: BotApiStub, bot: Bot
) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="ok")]])
    card = await bot.send_message(BOB, "card", reply_markup=markup)
    other = await bot.send_message(ALICE, "card", reply_markup=markup)
    stub.fail_next("answerCallbackQuery", status=502, description="Bad Gateway", chat_id=BOB)
    alice_press = await stub.press(ALICE, other.message_id, "ok")
    bob_press = await stub.press(BOB, card.message_id, "ok")
    await bot.answer_callback_query(alice_press)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.answer_callback_query(bob_press)
    await bot.answer_callback_query(bob_press)


# --- what Telegram refuses that the stand-in once let through (botapi-audit §4) ---------


@pytest.mark.parametrize(
    "markup",
    [
        ReplyKeyboardMarkup([["🆘"]], resize_keyboard=True),
        ReplyKeyboardRemove(),
        ForceReply(),
    ],
)
async def test_a_message_sent_with_a_reply_keyboard_cannot_be_edited(
    bot: Bot, markup: ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply
) -> None:
    sent = await bot.send_message(ALICE, "sos", reply_markup=markup)
    with pytest.raises(BadRequest, match=r"^Message can't be edited$"):
        await bot.edit_message_text("edited", ALICE, sent.message_id)
    with pytest.raises(BadRequest, match=r"^Message can't be edited$"):
        await bot.edit_message_reply_markup(ALICE, sent.message_id, reply_markup=buttons("ok"))


async def test_inline_queries_come_only_with_inline_mode_on(stub: BotApiStub, bot: Bot) -> None:
    assert stub.inline_mode is False
    assert (await bot.get_me()).supports_inline_queries is False
    with pytest.raises(AssertionError, match="inline mode is off"):
        await stub.send_inline_query(ALICE, "hello")
    assert stub.state.updates == []
    stub.inline_mode = True
    assert (await bot.get_me()).supports_inline_queries is True
    query_id = await stub.send_inline_query(ALICE, "hello")
    (update,) = await bot.get_updates(timeout=0)
    assert update.inline_query is not None and update.inline_query.id == query_id


async def test_a_press_not_answered_in_time_or_answered_twice_is_refused(
    stub: BotApiStub, bot: Bot
) -> None:
    card = await bot.send_message(ALICE, "card", reply_markup=buttons("ok"))
    assert stub.expire_presses_after == 10
    stub.expire_presses_after = 0.2
    late = await stub.press(ALICE, card.message_id, "ok")
    on_time = await stub.press(ALICE, card.message_id, "ok")
    await bot.answer_callback_query(on_time, "done")
    await asyncio.sleep(0.3)
    too_old = QUERY_INVALID.capitalize()  # as PTB words it
    with pytest.raises(BadRequest, match=too_old):
        await bot.answer_callback_query(late)
    stub.expire_presses_after = None
    with pytest.raises(BadRequest, match=too_old):
        await bot.answer_callback_query(on_time, "again")
    assert stub.state.callback_attempts == {late: [QUERY_INVALID], on_time: ["ok", QUERY_INVALID]}


@pytest.mark.parametrize("edit_error", ["MESSAGE_ID_INVALID", "message to edit not found"])
async def test_a_card_the_person_deleted(stub: BotApiStub, bot: Bot, edit_error: str) -> None:
    card = await bot.send_message(ALICE, "card", reply_markup=buttons("ok"))
    stub.person_deletes(ALICE, card.message_id, edit_error=edit_error)
    assert stub.messages(ALICE) == []
    expected = edit_error.capitalize()  # as PTB words Telegram's text
    with pytest.raises(BadRequest, match=expected):
        await bot.edit_message_text("new", ALICE, card.message_id, reply_markup=buttons("ok"))
    with pytest.raises(BadRequest, match=expected):
        await bot.edit_message_reply_markup(ALICE, card.message_id)
    query_id = await stub.press_button(ALICE, "ok", message_id=card.message_id)
    (update,) = await bot.get_updates(timeout=0)
    pressed = update.callback_query
    assert pressed is not None and pressed.id == query_id and pressed.data == "ok"
    assert pressed.message.message_id == card.message_id and not pressed.message.is_accessible
    with pytest.raises(BadRequest, match=r"^Message to delete not found$"):
        await bot.delete_message(ALICE, card.message_id)
