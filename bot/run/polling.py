"""Long polling: PTB's own loop, which also removes a webhook left from webhook mode
(Telegram refuses getUpdates while one is set) and stops on SIGINT/SIGTERM. Polls are
paced by the bot itself (`bot.adapter.gathering`)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application


def run(application: Application) -> None:
    application.run_polling(allowed_updates=Update.ALL_TYPES)
