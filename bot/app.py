"""The one wiring point: configuration in, a ready PTB `Application` out.

How the bot is run (long polling in `__main__`, the terminal in `console`) is kept apart
from what it is, so tests build the very same application against a stand-in Bot API.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from telegram import Bot
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.advice import Advice
from bot.broadcast import Broadcaster
from bot.catalog import Catalog
from bot.catalog_check import catalog_problems
from bot.coach import Coach
from bot.concurrency import PerUserUpdateProcessor
from bot.config import Config
from bot.handlers import COMMANDS, Handlers, bot_commands
from bot.scheduler import IN_FLIGHT, Scheduler
from bot.storage import Storage
from bot.telegram_ui import (
    DAILY_DATA,
    FEEDBACK_DATA,
    LANGUAGE_DATA,
    LIBRARY_DATA,
    REMINDER_DATA,
    START_CALL_DATA,
    TIP_DATA,
)

log = logging.getLogger(__name__)


def build_application(
    config: Config, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Application:
    if not config.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is required for the Telegram bot")
    catalog = Catalog()
    problems = catalog_problems(catalog)
    if problems:
        raise ValueError("locale catalog is broken:\n" + "\n".join(problems))
    storage = Storage(config.db_path)
    coach = Coach(storage, catalog, clock)
    advice = Advice(storage, catalog, clock)
    handlers = Handlers(coach, advice)
    broadcast_bot = Bot(
        config.token,
        base_url=config.api_base_url,
        request=HTTPXRequest(connection_pool_size=IN_FLIGHT + 8),
    )
    scheduler = Scheduler(
        coach, advice, coach.schedule, Broadcaster(broadcast_bot, config.broadcast_rate), clock
    )

    async def post_init(application: Application) -> None:
        await storage.open()
        await application.bot.set_my_commands(bot_commands(coach, "ru"))
        for lang in catalog.languages:
            await application.bot.set_my_commands(bot_commands(coach, lang), language_code=lang)
        await broadcast_bot.initialize()
        assert application.job_queue is not None
        application.job_queue.run_repeating(tick, config.tick_seconds, first=1)

    async def post_shutdown(application: Application) -> None:
        await scheduler.stop()
        await broadcast_bot.shutdown()
        await storage.close()

    async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
        await scheduler.tick()

    application = (
        ApplicationBuilder()
        .token(config.token)
        .base_url(config.api_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(AIORateLimiter(max_retries=0))
        .concurrent_updates(PerUserUpdateProcessor())
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    register(application, handlers)
    application.bot_data["scheduler"] = scheduler  # for tests and benchmarks to tick at will
    return application


def register(application: Application, handlers: Handlers) -> None:
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE  # edits are not new input
    for name in COMMANDS:
        application.add_handler(CommandHandler(name, getattr(handlers, name), filters=private))
    application.add_handler(CallbackQueryHandler(handlers.call, pattern=f"^{START_CALL_DATA}$"))
    application.add_handler(CallbackQueryHandler(handlers.language, pattern=f"^{LANGUAGE_DATA}"))
    application.add_handler(CallbackQueryHandler(handlers.open_library, pattern=f"^{LIBRARY_DATA}"))
    application.add_handler(CallbackQueryHandler(handlers.tip, pattern=f"^{TIP_DATA}$"))
    application.add_handler(CallbackQueryHandler(handlers.daily, pattern=f"^{DAILY_DATA}$"))
    application.add_handler(
        CallbackQueryHandler(handlers.tip_feedback, pattern=f"^{FEEDBACK_DATA}")
    )
    application.add_handler(CallbackQueryHandler(handlers.reminder, pattern=f"^{REMINDER_DATA}"))
    application.add_handler(
        ChatMemberHandler(handlers.chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_handler(CallbackQueryHandler(handlers.press))
    application.add_handler(MessageHandler(private & filters.COMMAND, handlers.unknown_command))
    application.add_handler(MessageHandler(private & filters.TEXT, handlers.text))
    application.add_handler(MessageHandler(private & ~filters.TEXT, handlers.media))
    application.add_error_handler(handlers.error)
