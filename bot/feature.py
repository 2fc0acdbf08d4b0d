"""How a feature declares itself, once: its flow, layout, handlers and step writes.

`bot/app.py` holds the list of feature factories; each gets the shared `Kit` and returns
a `Feature`. The adapter registers what the features declare — commands by reference
(a renamed method cannot silently drop a command), button routes, free-text fallbacks,
scheduled deliveries — so nothing shared knows a feature by name, and adding a feature
is adding a folder and one line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes

from bot.adapter.cards import CardButton, Cards
from bot.adapter.menu import Menu
from bot.adapter.opener import Opener
from bot.adapter.replies import Replies, ReplyKeyboard
from bot.config import Config
from bot.content.callback_data import ButtonData
from bot.content.catalog import Catalog
from bot.content.catalog_check import TextRules
from bot.content.render import Layout
from bot.database.connection import Store
from bot.delivery.scheduler import Delivery
from bot.dialog.person import People, Person, ZoneMoved
from bot.dialog.service import DialogService, StepHook
from dialogs.graph import Flow

Context = ContextTypes.DEFAULT_TYPE
CommandCallback = Callable[[Update, Context], Awaitable[None]]
# A press on one of the feature's own buttons outside a dialog card (a language, a reminder).
ButtonCallback = Callable[[Update, Context, Person, ButtonData], Awaitable[None]]
# Free text that no dialog took; True when the feature answered it.
TextCallback = Callable[[Update, Context, Person, str], Awaitable[bool]]
# A dialog of any flow just finished (a call's summary is on screen).
FinishedCallback = Callable[[Update, Person, str], Awaitable[None]]
# `t.me/<bot>?start=<payload>`; True when the payload was the feature's to open.
LinkCallback = Callable[[Update, Context, Person, str], Awaitable[bool]]


@dataclass(frozen=True)
class Command:
    name: str  # shown in the menu as `/name`, described by `ui.commands.<name>`
    callback: CommandCallback
    opens: str | None = None  # the flow it opens, so the terminal offers the same command
    menu: bool = True  # shown in the command menu (an operator's command is not)


@dataclass(frozen=True)
class Kit:
    """The shared services every feature is built from."""

    config: Config
    catalog: Catalog
    db: Store
    people: People
    dialogs: DialogService
    cards: Cards
    replies: Replies
    opener: Opener
    menu: Menu
    clock: Callable[[], datetime]
    links: dict[str, LinkCallback] = field(default_factory=dict)  # payload or `prefix_`


@dataclass(frozen=True)
class Feature:
    name: str
    flow: Flow | None = None
    layout: Layout | None = None
    step_hooks: Mapping[str, StepHook] = field(default_factory=dict)  # flow → write
    commands: tuple[Command, ...] = ()
    buttons: Mapping[str, ButtonCallback] = field(default_factory=dict)  # route → press
    text: TextCallback | None = None
    on_finished: FinishedCallback | None = None
    deliveries: tuple[Delivery, ...] = ()
    update_handlers: tuple[BaseHandler, ...] = ()  # anything else (chat member updates)
    deep_links: Mapping[str, LinkCallback] = field(default_factory=dict)  # `call`, `s_` …
    card_buttons: Mapping[str, CardButton] = field(default_factory=dict)  # flow → extra row
    zone_moved: ZoneMoved | None = None  # stored local moments to work out again
    texts: TextRules = field(default_factory=TextRules)  # what the catalog check must know
    keyboard: ReplyKeyboard | None = None  # under every plain reply; one feature's at most


FeatureFactory = Callable[[Kit], Feature]


def opening(kit: Kit, name: str, flow: str) -> Command:
    """`/name` opens `flow`: the running card, or a fresh run (and so does its deep link)."""
    return Command(name, kit.opener.command(flow), opens=flow)
