"""Long polling: PTB's own loop, which also removes a webhook left from webhook mode
(Telegram refuses getUpdates while one is set) and stops on SIGINT/SIGTERM. Polls are
paced by the bot itself (`bot.adapter.gathering`).

Polling serves one instance: Telegram hands updates to a single getUpdates consumer and
answers a second one 409 Conflict. On a shared PostgreSQL the start says so, since that
is where several instances are expected; they run in webhook mode."""

from __future__ import annotations

import logging

from telegram.ext import Application

from bot.run import UPDATE_TYPES, loop

log = logging.getLogger(__name__)
ONE_INSTANCE = (
    "polling serves one instance only: Telegram hands updates to one getUpdates "
    "consumer, so several instances on COACH_DATABASE_URL run in webhook mode (COACH_WEBHOOK_URL)"
)


def run(application: Application, *, shared_database: bool = False) -> None:
    """`shared_database`: COACH_DATABASE_URL is set, so other instances may be started."""
    if shared_database:
        log.info(ONE_INSTANCE)
    loop.install()
    application.run_polling(allowed_updates=list(UPDATE_TYPES))
