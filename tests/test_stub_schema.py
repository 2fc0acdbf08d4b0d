"""The stand-in's check of every request against the published Bot API (``schema.py``).

Why: the bot's tests prove it works on Telegram only if a request Telegram would refuse is
refused here too - and fails the test even when the bot swallows the 400.  Accepted: what
PTB really sends (every value a JSON string, uploads as multipart); refused: an unknown
method or parameter, a missing one, a value of the wrong type, nested objects included.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyParameters,
    SwitchInlineQueryChosenChat,
)
from telegram.error import BadRequest
from telegram.warnings import PTBUserWarning

from tests.stub_api import BotApiStub
from tests.stub_api.spec import load_spec

TOKEN = "123456:TEST"
ALICE = 1001
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest_asyncio.fixture
async def stub() -> AsyncIterator[BotApiStub]:
    server = BotApiStub(TOKEN, inline_mode=True)
    await server.start()
    server.add_user(ALICE)
    yield server
    await server.stop()


@pytest_asyncio.fixture
async def bot(stub: BotApiStub) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=stub.bot_base_url) as real_bot:
        yield real_bot


async def post(stub: BotApiStub, method: str, **kwargs: Any) -> tuple[int, str]:
    """A raw request (``json=`` or ``data=``): status and description ("" when ok)."""
    async with httpx.AsyncClient() as client:
        reply = await client.post(f"{stub.bot_base_url}{TOKEN}/{method}", **kwargs)
    return reply.status_code, reply.json().get("description", "")


def test_the_vendored_spec_is_read_once() -> None:
    spec = load_spec()
    assert spec is load_spec() and spec.version.startswith("Bot API ")
    assert spec.types["BotCommandScopeChat"].tag == ("type", "chat")
    assert "reply_markup" not in {f for f in spec.methods["answercallbackquery"][1]}


async def test_what_ptb_sends_for_the_bots_calls_is_accepted(stub: BotApiStub, bot: Bot) -> None:
    phrasebook = SwitchInlineQueryChosenChat("", allow_user_chats=True, allow_group_chats=True)
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Next", callback_data="c:1:next")],
            [InlineKeyboardButton("Share", url="https://t.me/share/url?url=x")],
            [InlineKeyboardButton("Phrases", switch_inline_query_chosen_chat=phrasebook)],
        ]
    )
    card = await bot.send_message(
        ALICE,
        "<b>card</b>",
        parse_mode="HTML",
        reply_markup=keyboard,
        disable_notification=True,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    await bot.edit_message_text("<i>card</i>", ALICE, card.message_id, parse_mode="HTML")
    await bot.edit_message_reply_markup(ALICE, card.message_id, reply_markup=keyboard)
    sos = ReplyKeyboardMarkup([["🆘"]], resize_keyboard=True, is_persistent=True)
    await bot.send_message(ALICE, "sos", reply_markup=sos, reply_parameters=ReplyParameters(1))
    await bot.send_message(ALICE, "say", reply_markup=ForceReply(input_field_placeholder="…"))
    await bot.send_document(ALICE, b"a,b\n", filename="export.csv", caption="<b>x</b>")
    commands = [BotCommand("call", "Start a call")]
    await bot.set_my_commands(commands)
    await bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats(), language_code="kk")
    await bot.set_my_commands(commands, scope=BotCommandScopeChat(ALICE))
    query = await stub.send_inline_query(ALICE, "")
    article = InlineQueryResultArticle("p1", "Hello", InputTextMessageContent("Hello!"))
    await bot.answer_inline_query(query, [article], cache_time=30, is_personal=True)
    await bot.get_updates(offset=5, timeout=0, allowed_updates=["message", "callback_query"])
    assert stub.schema_violations == []


@pytest.mark.parametrize("body", ["json", "data"])  # a JSON body, a form
async def test_a_string_is_read_as_a_form_field_like_telegram(stub: BotApiStub, body: str) -> None:
    """PTB's json_payload sends every value as a JSON string: Telegram reads "123" as the
    number, "true" as the flag and a JSON text as the object, exactly as in a form."""
    markup = json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
    params = {
        "chat_id": str(ALICE),
        "text": "hi",
        "disable_notification": "true",
        "protect_content": "0",
        "reply_markup": markup,
    }
    assert await post(stub, "sendMessage", **{body: params}) == (200, "")
    raw_json = {"chat_id": ALICE, "text": "hi", "reply_markup": json.loads(markup)}
    assert await post(stub, "sendMessage", json=raw_json) == (200, "")
    assert stub.schema_violations == []


@pytest.mark.parametrize(
    ("method", "params", "refusal"),
    [
        ("sendMessage", {"chat_id": "1001", "text": "x", "colour": "red"}, 'no parameter "colour"'),
        ("sendMessage", {"chat_id": "1001"}, 'sendMessage needs parameter "text"'),
        ("editMessageReplyMarkup", {"chat_id": "1", "parse_mode": "HTML"}, '"parse_mode"'),
        ("editMessageText", {"chat_id": "1", "message_id": "2.5", "text": "x"}, "message_id"),
        ("sendMessage", {"chat_id": "1", "text": "x", "disable_notification": "on"}, "Boolean"),
        ("sendMessage", {"chat_id": {"id": 1}, "text": "x"}, "expected Integer or String"),
        ("sendMessage", {"chat_id": "1", "text": "x", "reply_markup": "{oops"}, "as JSON"),
        (
            "sendMessage",
            {
                "chat_id": "1",
                "text": "x",
                "reply_markup": {"inline_keyboard": [[{"text": "A", "callback": "a"}]]},
            },
            'inline_keyboard[0][0]: InlineKeyboardButton has no field "callback"',
        ),
        (
            "sendMessage",
            {
                "chat_id": "1",
                "text": "x",
                "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": 7}]]},
            },
            "inline_keyboard[0][0].callback_data: expected String, got 7",
        ),
        (
            "sendMessage",
            {"chat_id": "1", "text": "x", "reply_markup": {"remove_keyboard": "true"}},
            "reply_markup.remove_keyboard: expected Boolean",
        ),
        (
            "setMyCommands",
            {"commands": [{"command": "a", "description": "b"}], "scope": {"type": "chat"}},
            'BotCommandScopeChat needs field "chat_id"',
        ),
        (
            "setMyCommands",
            {"commands": [{"command": "a", "description": "b"}], "scope": {"type": "group"}},
            'scope: type "group" is no BotCommandScope',
        ),
        (
            "answerInlineQuery",
            {
                "inline_query_id": "1",
                "results": [{"type": "article", "id": "1", "title": "t", "text": "x"}],
            },
            'InlineQueryResultArticle has no field "text"',
        ),
    ],
)
async def test_a_request_that_breaks_the_bot_api_is_refused_and_kept(
    stub: BotApiStub, method: str, params: dict[str, Any], refusal: str
) -> None:
    status, description = await post(stub, method, json=params)
    assert status == 400 and description.startswith("Bad Request: ")
    assert refusal in description
    assert len(stub.schema_violations) == 1 and refusal in stub.schema_violations[0]
    assert stub.calls[-1].status == 400 and not stub.calls[-1].performed


async def test_a_caught_refusal_still_fails_the_test(stub: BotApiStub, bot: Bot) -> None:
    """The bot may catch the BadRequest; the record stays for the fixture to assert."""
    with pytest.raises(BadRequest, match="takes no parameter"), pytest.warns(PTBUserWarning):
        await bot.do_api_request("sendMessage", {"chat_id": ALICE, "text": "x", "mood": "calm"})
    assert stub.messages(ALICE) == []
    assert stub.schema_violations == [
        'Bad Request: sendMessage takes no parameter "mood"  <-  '
        "sendMessage {'chat_id': 1001, 'text': 'x', 'mood': 'calm'}"
    ]
    stub.schema_violations.clear()


async def test_unknown_methods_are_not_found(stub: BotApiStub) -> None:
    assert await post(stub, "sendTelepathy", json={}) == (404, "Not Found: method not found")
    assert await post(stub, "SENDMESSAGE", json={"chat_id": ALICE, "text": "hi"}) == (200, "")
    assert len(stub.schema_violations) == 1
    stub.schema_violations.clear()
