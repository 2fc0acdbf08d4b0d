"""Long polling: PTB's own loop, which also removes a webhook left from webhook mode
(Telegram refuses getUpdates while one is set) and stops on SIGINT/SIGTERM. Polls are
paced by the bot itself (`bot.adapter.gathering`)."""

from __future__ import annotations

from telegram.ext import Application

from bot.run import UPDATE_TYPES, loop


def run(application: Application) -> None:
    loop.install()
    application.run_polling(allowed_updates=list(UPDATE_TYPES))
