"""A press arrives without the card it was made on: the polling request drops the pressed
card's keyboard and formatting before PTB parses them, and keeps what handlers read."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.request import BaseRequest, HTTPXRequest

from bot.adapter.aiohttp_request import AiohttpRequest
from bot.adapter.polls import AiohttpPolls, HttpxPolls
from tests.stub_api import BotApiStub

PERSON = 9101
CARD = InlineKeyboardMarkup(
    [[InlineKeyboardButton("▶ Дальше", callback_data="c:1:next")]]
    + [[InlineKeyboardButton(f"Вариант {n}", callback_data=f"c:1:o{n}")] for n in range(6)]
)


async def pressed_through(stub: BotApiStub, request: BaseRequest) -> Message:
    """Send a bold card with seven buttons, press one, poll through `request`."""
    sender = Bot(stub.token, base_url=f"{stub.base_url}/bot")
    poller = Bot(stub.token, base_url=f"{stub.base_url}/bot", get_updates_request=request)
    async with sender, poller:
        await stub.send_text(PERSON, "/start")
        card = await sender.send_message(
            PERSON, "<b>Слушайте</b> клиента", parse_mode="HTML", reply_markup=CARD
        )
        await stub.press(PERSON, card.message_id, "c:1:o3")
        updates = await poller.get_updates(timeout=0)
    query = updates[-1].callback_query
    assert query is not None and query.data == "c:1:o3"
    assert query.message is not None and query.message.chat.id == PERSON
    assert query.message.message_id == card.message_id
    assert isinstance(query.message, Message)
    return query.message


@pytest.mark.parametrize("polls", [AiohttpPolls, HttpxPolls])
async def test_a_press_keeps_which_message_was_pressed_but_not_its_keyboard(
    stub: BotApiStub, polls: type[BaseRequest]
) -> None:
    message = await pressed_through(stub, polls())
    assert message.reply_markup is None and message.entities == ()


@pytest.mark.parametrize("plain", [AiohttpRequest, HTTPXRequest])
async def test_an_ordinary_request_still_reads_the_whole_card(
    stub: BotApiStub, plain: type[BaseRequest]
) -> None:
    message = await pressed_through(stub, plain())
    assert len(message.reply_markup.inline_keyboard) == 7
    assert message.entities
