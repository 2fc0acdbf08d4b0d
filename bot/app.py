"""The one wiring point: configuration in, a ready PTB `Application` out.

`FEATURES` lists what the bot does; each factory gets the shared `Kit` and declares what
it adds, so adding a feature is a folder and one line here. How the bot runs (polling,
webhook, terminal) is kept apart, so tests build this very application against a
stand-in Bot API.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from telegram import Bot, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import (
    admin,
    call,
    check,
    daily,
    followup,
    home,
    journal,
    phrasebook,
    practice,
    privacy,
    situations,
    tips,
)
from bot.adapter.aiohttp_request import AiohttpRequest
from bot.adapter.cards import Cards, answer
from bot.adapter.coach_bot import CoachBot
from bot.adapter.dispatch import Dispatch
from bot.adapter.errors import ErrorHandler
from bot.adapter.gate import GATE_GROUP, Gate
from bot.adapter.menu import Menu
from bot.adapter.opener import Opener
from bot.adapter.polls import AiohttpPolls, HttpxPolls
from bot.adapter.processor import PerUserUpdateProcessor
from bot.adapter.rate_limit import PerChatRateLimiter
from bot.adapter.replies import Replies
from bot.call import records as call_records
from bot.config import Config
from bot.content.catalog import Catalog
from bot.content.catalog_check import TextRules, verify
from bot.content.render import CardRenderer
from bot.counters import REPORT_SECONDS, Counters
from bot.database.connection import Database
from bot.database.postgres import PostgresDatabase
from bot.delivery.broadcaster import Broadcaster
from bot.delivery.pacing import ChatPacer
from bot.delivery.scheduler import IN_FLIGHT, Scheduler
from bot.dialog.person import People
from bot.dialog.service import DialogService, StepHook
from bot.feature import Feature, FeatureFactory, Kit
from bot.followup import reminders
from bot.practice import results as practice_results

log = logging.getLogger(__name__)
POOL_SIZE = 256  # PTB's own default for the application's requests

FEATURES: tuple[FeatureFactory, ...] = (
    call.feature,
    followup.feature,  # before situations: a line after "the client gave feedback" is a note
    journal.feature,  # before situations too: a short line after "who was it?" is the label
    situations.feature,
    check.feature,
    practice.feature,
    tips.feature,
    daily.feature,
    privacy.feature,
    admin.feature,
    phrasebook.feature,
    home.feature,
)
# the owners' deletions of old rows (COACH_RETENTION_DAYS and the per-person cap), in order:
# rows that point to others go first (a call's reminders before the call)
EXPIRE = (reminders.delete_older, call_records.delete_older, practice_results.delete_older)


@dataclass(frozen=True)
class Assembly:
    """The shared services with every feature registered: the bot and the terminal both
    run on this."""

    kit: Kit
    features: tuple[Feature, ...]

    @property
    def text_rules(self) -> TextRules:
        """What every feature declared of its texts, for the full catalog check."""
        return TextRules.merged(feature.texts for feature in self.features)


def assemble(
    config: Config,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    factories: Sequence[FeatureFactory] = FEATURES,
) -> Assembly:
    catalog = Catalog()
    db = PostgresDatabase(config.database_url) if config.database_url else Database(config.db_path)
    people = People(db, catalog, clock)
    flows: dict = {}
    hooks: defaultdict[str, list[StepHook]] = defaultdict(list)
    layouts: dict = {}
    dialogs = DialogService(db, people, flows, hooks, clock)
    cards = Cards(CardRenderer(catalog, flows, layouts), dialogs, alone=not config.database_url)
    replies = Replies(catalog, people)
    menu = Menu(catalog)
    kit = Kit(
        config,
        catalog,
        db,
        people,
        dialogs,
        cards,
        replies,
        Opener(dialogs, cards, replies),
        menu,
        clock,
    )
    features = tuple(factory(kit) for factory in factories)
    for feature in features:
        if feature.flow is not None:
            flows[feature.flow.name] = feature.flow
            if feature.layout is not None:
                layouts[feature.flow.name] = feature.layout
        for flow, hook in feature.step_hooks.items():
            hooks[flow].append(hook)
        menu.names += [command.name for command in feature.commands if command.menu]
        kit.links.update(feature.deep_links)
        for flow, button in feature.card_buttons.items():
            cards.extra_buttons.setdefault(flow, []).append(button)
        if feature.zone_moved is not None:
            people.zone_watchers.append(feature.zone_moved)
        if feature.keyboard is not None:
            if replies.persistent is not None:
                raise ValueError(f"{feature.name}: a second persistent keyboard")
            replies.persistent = feature.keyboard
        kit.links.update(
            {
                command.name: kit.opener.link(command.opens)
                for command in feature.commands
                if command.opens
            }
        )
    problems = verify(catalog)
    if problems:
        raise ValueError("locale catalog is broken:\n" + "\n".join(problems))
    return Assembly(kit, features)


def build_application(
    config: Config, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Application:
    if not config.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is required for the Telegram bot")
    assembly = assemble(config, clock)
    kit = assembly.kit
    # several instances share PostgreSQL: a person's turn is the database's lock
    processor = PerUserUpdateProcessor(across=kit.db.person if config.database_url else None)
    pacer = ChatPacer(private_rate=config.chat_rate)
    background = Background.build(config, assembly, processor, pacer, clock)
    application = (
        ApplicationBuilder()
        .bot(coach_bot(config, pacer))
        .concurrent_updates(processor)
        .post_init(background.start)
        .post_shutdown(background.stop)
        .build()
    )
    processor.on_overflow = partial(overflow, application.bot, kit)
    register(application, kit, assembly.features)
    gate = Gate.of(kit)  # who may use the bot: ahead of every handler, when configured
    if gate.closed:
        application.add_handler(TypeHandler(Update, gate), group=GATE_GROUP)
    application.add_handler(TypeHandler(Update, background.counters.count_update), group=-1)
    application.add_error_handler(background.counters.count_error)
    application.bot_data["scheduler"] = background.scheduler  # for tests and benchmarks
    application.bot_data["database"] = kit.db
    application.bot_data["counters"] = background.counters
    return application


@dataclass(frozen=True)
class Background:
    """What runs beside the updates: the scheduler's tick with its own bot for
    broadcasts, and the counters' report. It opens the database once PTB is up and
    closes it last, after the scheduler's sends have stopped."""

    kit: Kit
    scheduler: Scheduler
    broadcast_bot: Bot
    counters: Counters
    tick_seconds: float

    @classmethod
    def build(
        cls,
        config: Config,
        assembly: Assembly,
        processor: PerUserUpdateProcessor,
        pacer: ChatPacer,
        clock: Callable[[], datetime],
    ) -> Background:
        assert config.token is not None
        broadcast_bot = Bot(
            config.token, base_url=config.api_base_url, request=http_request(config, IN_FLIGHT + 8)
        )
        scheduler = Scheduler(
            assembly.kit.db,
            assembly.kit.dialogs,
            [delivery for feature in assembly.features for delivery in feature.deliveries],
            Broadcaster(broadcast_bot, config.broadcast_rate, pacer),
            clock,
            serialize=processor.person,
            expire=EXPIRE,
            retention=timedelta(days=config.retention_days) if config.retention_days else None,
        )
        scheduler.sent.update(dict.fromkeys((d.kind for d in scheduler.deliveries), 0))
        counters = Counters(sent=scheduler.sent)
        return cls(assembly.kit, scheduler, broadcast_bot, counters, config.tick_seconds)

    async def start(self, application: Application) -> None:
        await self.kit.db.open()
        await self.kit.menu.publish(application.bot)
        await self.broadcast_bot.initialize()
        jobs = application.job_queue
        assert jobs is not None
        jobs.run_repeating(self.tick, self.tick_seconds, first=1)
        jobs.run_repeating(self.counters.report, REPORT_SECONDS, first=REPORT_SECONDS)

    async def stop(self, application: Application) -> None:
        await self.scheduler.stop()
        await self.broadcast_bot.shutdown()
        await self.kit.db.close()

    async def tick(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.scheduler.tick()


def coach_bot(config: Config, pacer: ChatPacer) -> CoachBot:
    """The bot that answers updates: HTML by default, paced per chat."""
    assert config.token is not None
    return CoachBot(
        config.token,
        base_url=config.api_base_url,
        defaults=Defaults(parse_mode=ParseMode.HTML),
        request=http_request(config, POOL_SIZE),
        get_updates_request=http_request(config, 1, polls=True),
        rate_limiter=PerChatRateLimiter(pacer),
    )


async def overflow(bot: Bot, kit: Kit, update: Update, first: bool) -> None:
    """One person's flood: presses are answered, one short note per burst."""
    if update.callback_query is not None:
        await answer(update.callback_query)
    elif first and update.effective_chat is not None and update.effective_user is not None:
        user = update.effective_user
        lang = await kit.people.language(user.id, user.language_code)
        await bot.send_message(
            update.effective_chat.id, kit.catalog.text(lang, "ui.messages.one_moment")
        )


def http_request(config: Config, pool_size: int, polls: bool = False) -> BaseRequest:
    """aiohttp by default (a fraction of httpx's CPU per request); httpx on request.
    `polls`: the request that fetches updates (`bot.adapter.polls`)."""
    kind: type[HTTPXRequest] | type[AiohttpRequest]
    if config.http == "httpx":
        kind = HttpxPolls if polls else HTTPXRequest
    else:
        kind = AiohttpPolls if polls else AiohttpRequest
    return kind(connection_pool_size=pool_size, proxy=config.proxy_url)


def register(application: Application, kit: Kit, features: Sequence[Feature]) -> None:
    """Every feature's declarations as PTB handlers: commands by reference, one press
    dispatcher, one text handler, then whatever is left (stickers, unknown commands)."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE  # edits are not new input
    dispatch = Dispatch(kit, features)
    for feature in features:
        for command in feature.commands:
            application.add_handler(CommandHandler(command.name, command.callback, private))
        for handler in feature.update_handlers:
            application.add_handler(handler)
    application.add_handler(CallbackQueryHandler(dispatch.press))
    application.add_handler(MessageHandler(private & filters.COMMAND, dispatch.unknown_command))
    application.add_handler(MessageHandler(private & filters.TEXT, dispatch.text))
    application.add_handler(MessageHandler(private & ~filters.TEXT, dispatch.media))
    application.add_error_handler(ErrorHandler(kit.catalog, kit.people, kit.replies.keyboard))
