"""Tests of the stand-in Bot API itself: it must accept what Telegram accepts and refuse,
with Telegram's words, what Telegram refuses - otherwise the bot's tests prove nothing.

Most tests drive the stub with a real ``telegram.Bot`` so PTB's encoding and error mapping
are exercised exactly as in the bot; a few use plain httpx to pin the wire format.
"""

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.stub_api import BotApiStub, HtmlParseError, parse_html, utf16_len

TOKEN = "123456:TEST"
ALICE = 1001
BOB = 1002
REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.asyncio
# PTB 22 warns inside RetryAfter itself that retry_after will become a timedelta.
_RETRY_AFTER_WARNING = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest_asyncio.fixture
async def stub() -> AsyncIterator[BotApiStub]:
    server = BotApiStub(TOKEN)
    await server.start()
    server.add_user(ALICE)
    server.add_user(BOB, language_code="kk", first_name="Bob")
    yield server
    await server.stop()
    assert server.schema_violations == []


@pytest_asyncio.fixture
async def bot(stub: BotApiStub) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=stub.bot_base_url) as real_bot:
        yield real_bot


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in buttons])


# --- the HTML parser ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "text", "entities"),
    [
        ("<b>hi</b> there", "hi there", [{"offset": 0, "length": 2, "type": "bold"}]),
        ("a &lt;b&gt; &amp; &quot;c&quot; &#65;&#x42;", 'a <b> & "c" AB', []),
        ("Tom & Jerry, a&b, 5 &", "Tom & Jerry, a&b, 5 &", []),
        ("😀<i>x</i>", "😀x", [{"offset": 2, "length": 1, "type": "italic"}]),
        (
            '<pre><code class="language-python">x = 1</code></pre>',
            "x = 1",
            [{"offset": 0, "length": 5, "type": "pre", "language": "python"}],
        ),
        (
            '<a href="https://e.com/?a=1&amp;b=2">link</a>',
            "link",
            [{"offset": 0, "length": 4, "type": "text_link", "url": "https://e.com/?a=1&b=2"}],
        ),
        ('<span class="tg-spoiler">s</span>', "s", [{"offset": 0, "length": 1, "type": "spoiler"}]),
        (
            "<blockquote expandable>q</blockquote>",
            "q",
            [{"offset": 0, "length": 1, "type": "expandable_blockquote"}],
        ),
        (
            "<b>bold <i>both</i></b>",
            "bold both",
            [
                {"offset": 0, "length": 9, "type": "bold"},
                {"offset": 5, "length": 4, "type": "italic"},
            ],
        ),
        ("<B>x</B>", "x", [{"offset": 0, "length": 1, "type": "bold"}]),
    ],
)
async def test_parse_html_accepts_telegram_html(
    html: str, text: str, entities: list[dict[str, object]]
) -> None:
    assert parse_html(html) == (text, entities)


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("a&nbsp;b", 'Unsupported HTML entity "&nbsp;" at byte offset 1'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("Привет <x>", 'Unsupported start tag "x" at byte offset 13'),
    ],
)
async def test_parse_html_refuses_like_telegram(html: str, error: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(html)
    assert caught.value.description == error


# --- wire format ----------------------------------------------------------------------


async def test_form_strings_are_raw_and_other_values_json(stub: BotApiStub) -> None:
    """PTB sends strings unquoted; "123" as text must stay a string, reply_markup an object."""
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    async with httpx.AsyncClient() as client:
        reply = await client.post(
            f"{stub.bot_base_url}{TOKEN}/sendMessage",
            data={"chat_id": str(ALICE), "text": "123", "reply_markup": json.dumps(markup)},
        )
    assert reply.status_code == 200
    result = reply.json()["result"]
    assert result["text"] == "123"
    assert result["reply_markup"] == markup
    assert stub.requests[-1] == (
        "sendMessage",
        {"chat_id": ALICE, "text": "123", "reply_markup": markup},
    )


async def test_json_bodies_and_case_insensitive_methods(stub: BotApiStub) -> None:
    async with httpx.AsyncClient() as client:
        reply = await client.post(
            f"{stub.bot_base_url}{TOKEN}/SENDMESSAGE", json={"chat_id": ALICE, "text": "hi"}
        )
    assert reply.json()["result"]["text"] == "hi"
    assert stub.last_message(ALICE).text == "hi"


async def test_unknown_method_and_wrong_token(stub: BotApiStub) -> None:
    async with httpx.AsyncClient() as client:
        unknown = await client.post(f"{stub.bot_base_url}{TOKEN}/sendTelepathy")
        wrong = await client.post(f"{stub.bot_base_url}654321:OTHER/getMe")
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
    )
    assert stub.schema_violations == ["Not Found: method not found  <-  sendTelepathy {}"], (
        "and the test that made it fails"
    )
    stub.schema_violations.clear()
    assert (wrong.status_code, wrong.json()["description"]) == (401, "Unauthorized")
    with pytest.raises(InvalidToken):
        async with Bot("654321:OTHER", base_url=stub.bot_base_url):
            pass


# --- sending --------------------------------------------------------------------------


async def test_unparsable_html_is_bad_request(stub: BotApiStub, bot: Bot) -> None:
    # PTB capitalizes the description, so the exact text is checked on the stub's record.
    with pytest.raises(BadRequest, match="Can't parse entities: unsupported start tag"):
        await bot.send_message(ALICE, "Score: 3 < 5", parse_mode=ParseMode.HTML)
    assert stub.calls[-1].description == (
        'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 9'
    )
    with pytest.raises(BadRequest, match="end tag corresponding to start tag"):
        await bot.send_message(ALICE, "<b>Bold", parse_mode=ParseMode.HTML)
    assert stub.messages(ALICE) == []
    assert stub.calls[-1].description == (
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""
    )


async def test_html_message_is_stored_as_seen(stub: BotApiStub, bot: Bot) -> None:
    sent = await bot.send_message(
        ALICE, "  <b>Привет</b>, &lt;друг&gt; 😀\n\n", parse_mode=ParseMode.HTML
    )
    message = stub.last_message(ALICE)
    assert message.text == sent.text == "Привет, <друг> 😀"
    assert message.entities == [{"offset": 0, "length": 6, "type": "bold"}]
    assert message.html == "  <b>Привет</b>, &lt;друг&gt; 😀\n\n"
    assert sent.entities[0].type == "bold"


async def test_text_length_is_counted_after_parsing_in_utf16(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ALICE, "x" * 4097)
    await bot.send_message(ALICE, "x" * 4096)
    await bot.send_message(ALICE, "<b>" + "x" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ALICE, "😀" * 2049)  # 4098 UTF-16 code units
    assert utf16_len("😀" * 2048) == 4096
    await bot.send_message(ALICE, "😀" * 2048)


async def test_empty_text_after_parsing(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(ALICE, "<b> </b>\n", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(ALICE, "   ")


async def test_unknown_chat_and_blocked_user(stub: BotApiStub, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "hello")
    stub.block(ALICE)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ALICE, "hello")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(ALICE, "typing")
    await bot.send_message(BOB, "still fine")


# --- keyboards ------------------------------------------------------------------------


async def test_callback_data_over_64_bytes_is_refused(stub: BotApiStub, bot: Bot) -> None:
    data = "д" * 33  # 33 characters, 66 bytes
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(ALICE, "Pick", reply_markup=keyboard(("A", data)))
    assert stub.calls[-1].description == "Bad Request: BUTTON_DATA_INVALID"
    await bot.send_message(ALICE, "Pick", reply_markup=keyboard(("A", "д" * 32)))


async def test_button_without_action_is_refused(bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    raw = markup.to_dict()
    del raw["inline_keyboard"][0][0]["callback_data"]
    with pytest.raises(BadRequest, match="text buttons are unallowed in the inline keyboard"):
        await bot.send_message(ALICE, "Pick", reply_markup=raw)  # type: ignore[arg-type]


async def test_reply_keyboards_are_accepted_and_tracked(stub: BotApiStub, bot: Bot) -> None:
    menu = ReplyKeyboardMarkup([[KeyboardButton("Меню")]], resize_keyboard=True, is_persistent=True)
    sent = await bot.send_message(ALICE, "Menu", reply_markup=menu)
    assert sent.reply_markup is None  # Telegram attaches only inline keyboards to messages
    assert stub.reply_keyboard(ALICE) == menu.to_dict()
    assert stub.last_message(ALICE).reply_markup == menu.to_dict()
    await bot.send_message(ALICE, "Bye menu", reply_markup=ReplyKeyboardRemove())
    assert stub.reply_keyboard(ALICE) is None


# --- editing and deleting -------------------------------------------------------------


async def test_edit_not_modified(stub: BotApiStub, bot: Bot) -> None:
    markup = keyboard(("Next", "next"))
    sent = await bot.send_message(ALICE, "<b>Card</b>", parse_mode="HTML", reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "<b>Card</b>", ALICE, sent.message_id, parse_mode="HTML", reply_markup=markup
        )
    # Same text but other entities is a modification.
    await bot.edit_message_text("Card", ALICE, sent.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(ALICE, sent.message_id, reply_markup=markup)
    assert stub.last_message(ALICE).edits == 1


async def test_edit_without_markup_removes_the_keyboard(stub: BotApiStub, bot: Bot) -> None:
    sent = await bot.send_message(ALICE, "Card", reply_markup=keyboard(("Next", "next")))
    await bot.edit_message_text("Card, read", ALICE, sent.message_id)
    message = stub.last_message(ALICE)
    assert (message.text, message.reply_markup, message.edits) == ("Card, read", None, 1)
    with pytest.raises(AssertionError, match="no button with callback_data"):
        await stub.press(ALICE, sent.message_id, "next")


async def test_edit_and_delete_unknown_messages(stub: BotApiStub, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", ALICE, 42)
    await stub.send_text(ALICE, "from the person")
    user_message_id = stub.user_messages(ALICE)[-1].message_id
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", ALICE, user_message_id)
    sent = await bot.send_message(ALICE, "temporary")
    assert await bot.delete_message(ALICE, sent.message_id)
    assert stub.messages(ALICE) == []
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(ALICE, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", ALICE, sent.message_id)


async def test_edit_too_long(bot: Bot) -> None:
    sent = await bot.send_message(ALICE, "short")
    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.edit_message_text("x" * 4097, ALICE, sent.message_id)


# --- callback queries -----------------------------------------------------------------


async def test_double_answer_is_refused(stub: BotApiStub, bot: Bot) -> None:
    sent = await bot.send_message(ALICE, "Card", reply_markup=keyboard(("Next", "next")))
    query_id = await stub.press(ALICE, sent.message_id, "next")
    assert await bot.answer_callback_query(query_id, text="Done")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("123")
    assert stub.callback_answers == {query_id: {"callback_query_id": query_id, "text": "Done"}}


async def test_expired_queries_and_long_answers(stub: BotApiStub, bot: Bot) -> None:
    sent = await bot.send_message(ALICE, "Card", reply_markup=keyboard(("A", "a"), ("B", "b")))
    first = await stub.press_button(ALICE, "A")
    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.answer_callback_query(first, text="x" * 201)
    await bot.answer_callback_query(first, text="x" * 200)
    second = await stub.press(ALICE, sent.message_id, "b")
    stub.expire_callback_queries()
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(second)
    await stub.wait_for_answer(second, timeout=1)
    third = await stub.press_button(ALICE, "B")
    await bot.answer_callback_query(third)  # a fresh press is answerable again


async def test_press_button_checks_what_is_on_screen(stub: BotApiStub, bot: Bot) -> None:
    with pytest.raises(AssertionError, match="no bot message with buttons"):
        await stub.press_button(ALICE, "Next")
    await bot.send_message(ALICE, "Old", reply_markup=keyboard(("Old one", "old")))
    sent = await bot.send_message(
        ALICE, "Card", reply_markup=keyboard(("Next ▶", "n"), ("Back", "b"))
    )
    with pytest.raises(AssertionError, match=r"available: \['Next ▶', 'Back'\]"):
        await stub.press_button(ALICE, "Forward")
    query_id = await stub.press_button(ALICE, "Next")
    update = stub.state.updates[-1]
    assert update["callback_query"]["id"] == query_id
    assert update["callback_query"]["message"]["message_id"] == sent.message_id
    assert update["callback_query"]["data"] == "n"
    await stub.press_button(ALICE, "Old", message_id=sent.message_id - 1)


# --- updates and polling --------------------------------------------------------------


async def test_updates_parse_in_ptb(stub: BotApiStub, bot: Bot) -> None:
    await stub.send_text(ALICE, "/start@stub_bot payload", language_code="kk", first_name="Алия")
    await stub.send_sticker(ALICE)
    await stub.send_photo(ALICE, caption="look")
    await stub.send_voice(ALICE)
    await stub.send_my_chat_member(ALICE, status="kicked")
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [1, 2, 3, 4, 5]
    text, sticker, photo, voice, member = updates
    assert text.message is not None and text.message.from_user is not None
    assert text.message.from_user.language_code == "kk"
    assert text.message.from_user.first_name == "Алия"
    assert text.message.chat.id == ALICE and text.message.chat.type == "private"
    assert text.message.entities[0].type == "bot_command"
    assert text.message.entities[0].length == len("/start@stub_bot")
    assert sticker.message is not None and sticker.message.sticker is not None
    assert photo.message is not None and photo.message.photo and photo.message.caption == "look"
    assert voice.message is not None and voice.message.voice is not None
    assert member.my_chat_member is not None
    assert member.my_chat_member.new_chat_member.status == "kicked"
    assert stub.is_blocked(ALICE)
    # message ids are per chat and shared with the bot's messages
    assert [u.message.message_id for u in updates[:4] if u.message] == [1, 2, 3, 4]


async def test_restart_after_block_and_allowed_updates(stub: BotApiStub, bot: Bot) -> None:
    await stub.send_my_chat_member(ALICE, status="kicked")
    await stub.send_text(ALICE, "/start")  # writing again means the person restarted the bot
    kinds = [next(k for k in u if k != "update_id") for u in stub.state.updates]
    assert kinds == ["my_chat_member", "my_chat_member", "message"]
    assert not stub.is_blocked(ALICE)
    updates = await bot.get_updates(timeout=0, allowed_updates=["message"])
    assert [u.message.text for u in updates if u.message] == ["/start"]
    assert len(updates) == 1


async def test_webhook_blocks_polling(stub: BotApiStub, bot: Bot) -> None:
    await bot.set_webhook("https://example.com/hook")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_get_updates_offset_and_long_poll(stub: BotApiStub, bot: Bot) -> None:
    first = await stub.send_text(ALICE, "one")
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first]
    # Not confirmed yet: delivered again.
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first]
    assert await bot.get_updates(offset=first + 1, timeout=0) == ()

    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(offset=first + 1, timeout=1) == ()  # whole seconds only
    assert loop.time() - started >= 0.95

    polls = stub.polls
    poll = asyncio.create_task(bot.get_updates(offset=first + 1, timeout=30))
    await stub.wait_for(lambda: stub.polls > polls)
    second = await stub.send_text(ALICE, "two")
    updates = await asyncio.wait_for(poll, 10)  # woken by the update, not after 30 s
    assert [u.update_id for u in updates] == [second]


async def test_concurrent_polls_conflict(stub: BotApiStub) -> None:
    """Two bot instances polling at once: Telegram ends the older poll with 409."""
    url = f"{stub.bot_base_url}{TOKEN}/getUpdates"
    async with httpx.AsyncClient() as one, httpx.AsyncClient() as two:
        polls = stub.polls
        first = asyncio.create_task(one.post(url, data={"timeout": "30"}))
        await stub.wait_for(lambda: stub.polls > polls)
        second = await two.post(url, data={"timeout": "0"})
        older = await asyncio.wait_for(first, 10)  # ended by the second, not after 30 s
    assert second.json() == {"ok": True, "result": []}
    assert older.status_code == 409
    assert "terminated by other getUpdates request" in older.json()["description"]


async def test_application_polls_and_answers(stub: BotApiStub) -> None:
    app = Application.builder().token(TOKEN).base_url(stub.bot_base_url).build()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(
            "<b>Здравствуйте!</b>", reply_markup=keyboard(("Дальше", "next"))
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Ок")
        await query.edit_message_text("Готово")

    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        await stub.send_text(ALICE, "/start")
        await stub.wait_idle()
        assert stub.last_message(ALICE).text == "Здравствуйте!"
        query_id = await stub.press_button(ALICE, "Дальше")
        await stub.wait_for_answer(query_id)
        await stub.wait_idle()
        assert stub.callback_answers[query_id]["text"] == "Ок"
        assert stub.last_message(ALICE).text == "Готово"
        assert stub.last_message(ALICE).reply_markup is None
        await app.updater.stop()
        await app.stop()
    methods = [method for method, _ in stub.requests]
    assert methods[:2] == ["getMe", "deleteWebhook"]


async def test_wait_for_timeout_dumps_the_chat(stub: BotApiStub, bot: Bot) -> None:
    await bot.send_message(ALICE, "hello", reply_markup=keyboard(("Yes", "y")))
    with pytest.raises(AssertionError) as caught:
        await stub.wait_for(lambda: False, timeout=0.1)
    assert "'hello' buttons=['Yes']" in str(caught.value)
    assert "sendMessage" in str(caught.value)


async def test_wait_idle_needs_updates_fetched(stub: BotApiStub) -> None:
    await stub.send_text(ALICE, "nobody polls")
    with pytest.raises(AssertionError, match=r"pending updates \[1\]"):
        await stub.wait_idle(timeout=0.3)


# --- faults ---------------------------------------------------------------------------


@_RETRY_AFTER_WARNING
async def test_fail_next(stub: BotApiStub, bot: Bot) -> None:
    stub.fail_next(
        "sendMessage",
        status=429,
        description="Too Many Requests: retry after 3",
        retry_after=3,
        chat_id=ALICE,
    )
    await bot.send_message(BOB, "other chat is unaffected")
    with pytest.raises(RetryAfter, match="Retry in 3"):
        await bot.send_message(ALICE, "hello")
    await bot.send_message(ALICE, "hello")  # count=1: consumed
    stub.fail_next("sendmessage", status=502, description="Bad Gateway", count=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(ALICE, "hello")
    await bot.send_message(ALICE, "hello")


@_RETRY_AFTER_WARNING
async def test_flood_limit(stub: BotApiStub, bot: Bot) -> None:
    stub.set_flood_limit(3, per_chat_per_second=2)
    await bot.send_message(ALICE, "1")
    await bot.send_message(ALICE, "2")
    with pytest.raises(RetryAfter):
        await bot.send_message(ALICE, "3")
    await bot.send_message(BOB, "1")
    with pytest.raises(RetryAfter):
        await bot.send_message(BOB, "2")
    assert stub.calls[-1].description == "Too Many Requests: retry after 1"
    stub.set_flood_limit(None)
    await bot.send_message(BOB, "2")


async def test_latency(stub: BotApiStub, bot: Bot) -> None:
    stub.set_latency("sendChatAction", 0.2)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await bot.send_chat_action(ALICE, "typing")
    assert loop.time() - started >= 0.2
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(ALICE, "dancing")


# --- bot settings ---------------------------------------------------------------------


async def test_commands_per_scope_and_language(stub: BotApiStub, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Начать")])
    await bot.set_my_commands([BotCommand("start", "Бастау")], language_code="kk")
    await bot.set_my_commands(
        [BotCommand("call", "Звонок")], scope=BotCommandScopeAllPrivateChats()
    )
    await bot.set_my_commands([BotCommand("admin", "Админ")], scope=BotCommandScopeChat(ALICE))
    assert stub.commands(None) == [{"command": "start", "description": "Начать"}]
    assert stub.commands(None, "kk") == [{"command": "start", "description": "Бастау"}]
    assert stub.commands({"type": "all_private_chats"})[0]["command"] == "call"
    assert stub.commands({"type": "chat", "chat_id": ALICE})[0]["command"] == "admin"
    assert [c.command for c in await bot.get_my_commands(language_code="kk")] == ["start"]
    await bot.delete_my_commands(language_code="kk")
    assert stub.commands(None, "kk") == []
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "Upper case")])
    await bot.set_my_description("Коуч", language_code="ru")
    await bot.set_my_short_description("Коуч")
    await bot.set_chat_menu_button()
    assert (stub.description("ru"), stub.short_description()) == ("Коуч", "Коуч")


async def test_standalone_entry_point() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.stub_api",
        "--port",
        "0",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        base_url = (await asyncio.wait_for(process.stdout.readline(), 10)).decode().strip()
        async with httpx.AsyncClient() as client:
            me = await client.get(f"{base_url}/bot{TOKEN}/getMe")
            sent = await client.post(
                f"{base_url}/_stub/send_text", json={"user_id": ALICE, "text": "hi"}
            )
        assert me.json()["result"]["username"] == "stub_bot"
        assert sent.json() == {"ok": True, "result": {"update_id": 1}}
    finally:
        process.terminate()
        await process.wait()
