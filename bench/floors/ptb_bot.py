"""The bare python-telegram-bot floor: /anything opens a card, a press answers the callback
and edits the card (the text names the button, so every press changes it). With
`BENCH_CARD` set (the `-card` bots of `bench/coach.py`) the card is the coach's own listen
card instead.

Nothing else: no database, no rendering, no rate limiter. Updates are processed
concurrently (`concurrent_updates(True)`), as the coach and aiogram do. The HTTP layer is
PTB's stock httpx; `--http aiohttp` puts the project's `AiohttpRequest` under it instead.
With `BENCH_UVLOOP` set (the `-uvloop` bots) it runs on uvloop, as the coach does.

    TELEGRAM_API_BASE_URL=http://127.0.0.1:PORT/bot TELEGRAM_BOT_TOKEN=… \
        .venv/bin/python bench/floors/ptb_bot.py
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sys
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler
from telegram.ext import filters as F

KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("▶ Next", callback_data="next")],
        [InlineKeyboardButton("🔥 Flare-up", callback_data="flare")],
    ]
)
TEXT = "Pressed: {data}"
if os.environ.get("BENCH_CARD"):  # the coach's own card: its HTML and its seven buttons
    CARD = json.loads(Path(os.environ["BENCH_CARD"]).read_text(encoding="utf-8"))
    KEYBOARD = InlineKeyboardMarkup.de_json(CARD["reply_markup"], None)
    TEXT = "{data} {number}\n" + CARD["html"]
presses = itertools.count()


async def card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("Ready", reply_markup=KEYBOARD)


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    text = TEXT.format(data=query.data, number=next(presses))
    await query.edit_message_text(text, parse_mode="HTML", reply_markup=KEYBOARD)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--http", choices=("httpx", "aiohttp"), default="httpx")
    args = parser.parse_args()
    builder = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .concurrent_updates(True)
    )
    if args.http == "aiohttp":
        sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
        from bot.adapter.aiohttp_request import AiohttpRequest

        builder = builder.request(AiohttpRequest(256)).get_updates_request(AiohttpRequest(1))
    application = builder.build()
    application.add_handler(MessageHandler(F.ALL, card))
    application.add_handler(CallbackQueryHandler(press))
    if os.environ.get("BENCH_UVLOOP"):
        import uvloop

        asyncio.set_event_loop(uvloop.new_event_loop())
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
