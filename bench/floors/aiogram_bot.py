"""The bare aiogram 3 floor: any message opens a card, a press answers the callback and
edits the card (the text names the button, so every press changes it). With `BENCH_CARD`
set (the `-card` bots of `bench/coach.py`) the card is the coach's own listen card instead,
and with `BENCH_UVLOOP` set (the `-uvloop` bots) it runs on uvloop, as the coach does.

Runs only in the benchmark's own environment (`make bench-setup` puts aiogram into
`bench/.venv`; it is never a dependency of the project).

    BENCH_API_ROOT=http://127.0.0.1:PORT TELEGRAM_BOT_TOKEN=… \
        bench/.venv/bin/python bench/floors/aiogram_bot.py
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text="▶ Next", callback_data="next")],
        [InlineKeyboardButton(text="🔥 Flare-up", callback_data="flare")],
    ]
)
TEXT = "Pressed: {data}"
if os.environ.get("BENCH_CARD"):  # the coach's own card: its HTML and its seven buttons
    CARD = json.loads(Path(os.environ["BENCH_CARD"]).read_text(encoding="utf-8"))
    KEYBOARD = InlineKeyboardMarkup.model_validate(CARD["reply_markup"])
    TEXT = "{data} {number}\n" + CARD["html"]
presses = itertools.count()
dispatcher = Dispatcher()


@dispatcher.message()
async def card(message: Message) -> None:
    await message.answer("Ready", reply_markup=KEYBOARD)


@dispatcher.callback_query()
async def press(query: CallbackQuery) -> None:
    await query.answer()
    assert query.message is not None
    text = TEXT.format(data=query.data, number=next(presses))
    await query.message.edit_text(text, parse_mode="HTML", reply_markup=KEYBOARD)


async def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["BENCH_API_ROOT"]))
    bot = Bot(os.environ["TELEGRAM_BOT_TOKEN"], session=session)
    await dispatcher.start_polling(bot, handle_signals=True)


if __name__ == "__main__":
    factory = asyncio.new_event_loop
    if os.environ.get("BENCH_UVLOOP"):
        import uvloop

        factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(main())
