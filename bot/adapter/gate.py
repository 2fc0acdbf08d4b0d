"""Who may use the bot: the ids a company lists and/or the members of its group.

One handler ahead of all others, so someone outside never reaches the code that stores a
person: they hear one polite line now and then, in Telegram's language, and nothing else.
Membership answers, yes or no, are remembered a while, so presses do not each cost a
request. Someone stored before (a member who left) is marked inactive: nothing scheduled
goes to them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from telegram import ChatMember, ChatMemberRestricted, ReplyKeyboardRemove, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.adapter.cards import answer
from bot.content.catalog import Catalog
from bot.dialog.person import People
from bot.feature import Context, Kit
from bot.recent import Recent

log = logging.getLogger(__name__)
GATE_GROUP = -2  # before every handler, the counters' group (-1) included
MEMBERSHIP_KEPT = timedelta(minutes=10)  # a member who leaves is turned away within this
TOLD_AGAIN = timedelta(hours=1)  # a flood from outside gets one line, not a flood
ASK_AGAIN = timedelta(minutes=1)  # Telegram could not say: "try again", once a minute
REMEMBERED = 10_000  # people per memory; the oldest are forgotten first
MEMBERS = frozenset({ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER})
T = TypeVar("T")


class Memory(Generic[T]):
    """A value per person with the moment it was learnt, good for a while."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self._kept: Recent[int, tuple[T, datetime]] = Recent(size)

    def get(self, user_id: int, now: datetime, within: timedelta) -> T | None:
        kept = self._kept.get(user_id)
        if kept is None or now - kept[1] >= within:
            return None
        return kept[0]

    def put(self, user_id: int, value: T, now: datetime) -> None:
        self._kept.put(user_id, (value, now))


class Unsure(Exception):
    """Telegram could not say whether someone is in the group (a timeout, a 5xx)."""


class Gate:
    def __init__(
        self,
        catalog: Catalog,
        people: People,
        clock: Callable[[], datetime],
        users: frozenset[int] = frozenset(),
        chat: int | None = None,
    ) -> None:
        self.catalog = catalog
        self.people = people
        self.clock = clock
        self.users = users
        self.chat = chat
        self.members: Memory[bool] = Memory()
        self.told: Memory[str] = Memory()  # the line last said to someone, and when
        self.benched: Memory[bool] = Memory()  # marked inactive lately: no write per press

    @classmethod
    def of(cls, kit: Kit) -> Gate:
        config = kit.config
        return cls(kit.catalog, kit.people, kit.clock, config.allowed_users, config.allowed_chat)

    @property
    def closed(self) -> bool:
        """Neither setting given: anyone may use the bot, and no gate is registered."""
        return bool(self.users) or self.chat is not None

    async def __call__(self, update: object, context: Context) -> None:
        """Let the update through, or answer it as an outsider's and stop it there."""
        if not self.closed or not isinstance(update, Update):
            return
        user, chat = update.effective_user, update.effective_chat
        if user is not None and user.id in self.users:
            return
        # a group's chatter (the bot, an administrator there, gets it all) costs no request
        ask = chat is None or chat.type == chat.PRIVATE
        key = "not_allowed"
        try:
            if user is not None and await self._member(context, user.id, ask):
                return
        except Unsure:
            key = "error"
        if user is not None and ask and key == "not_allowed":
            await self._bench(user.id)
        await self._turn_away(update, key)
        raise ApplicationHandlerStop

    async def _bench(self, user_id: int) -> None:
        """Nothing scheduled goes to someone stored before, until they are let in and write
        again (an arrival marks them active). An update of a row that may not exist: no
        row is made, and it is done once a while per person, not per press."""
        now = self.clock()
        if self.benched.get(user_id, now, TOLD_AGAIN) is not None:
            return
        self.benched.put(user_id, True, now)
        try:
            await self.people.set_active(user_id, False)
        except Exception:  # the database unwell: the refusal stands all the same
            log.exception("could not mark %s inactive", user_id)

    async def _member(self, context: Context, user_id: int, ask: bool) -> bool:
        """In the group, as remembered or else as Telegram says (`ask`)."""
        if self.chat is None:
            return False
        now = self.clock()
        known = self.members.get(user_id, now, MEMBERSHIP_KEPT)
        if known is not None or not ask:
            return bool(known)
        try:
            member = await context.bot.get_chat_member(self.chat, user_id)
        except (BadRequest, Forbidden) as error:  # the group is unknown, or left us
            log.warning("membership of %s in %s: %s", user_id, self.chat, error.message)
            inside = False
        except TelegramError as error:
            log.warning("membership of %s unknown for now: %s", user_id, error.message)
            raise Unsure from error
        else:
            inside = member.status in MEMBERS or (
                isinstance(member, ChatMemberRestricted) and member.is_member
            )
        self.members.put(user_id, inside, now)
        return inside

    async def _turn_away(self, update: Update, key: str) -> None:
        """A press is answered and an inline query gets no results, both silently; a
        message in a private chat gets the line, at most once a while per person."""
        user, chat = update.effective_user, update.effective_chat
        private = update.message is not None and chat is not None and chat.type == chat.PRIVATE
        try:
            if update.callback_query is not None:
                await answer(update.callback_query)
            elif update.inline_query is not None:
                await update.inline_query.answer([], cache_time=0, is_personal=True)
            elif private and user is not None and chat is not None and self._due(user.id, key):
                lang = self.catalog.language_for(None, user.language_code)
                text = self.catalog.text(lang, f"ui.messages.{key}")
                await chat.send_message(text, reply_markup=ReplyKeyboardRemove())
                if key == "not_allowed":  # how an operator finds the id to let someone in
                    log.info("turned away: user %s is not among those allowed", user.id)
        except TelegramError as error:
            log.info("an outsider's update not answered: %s", error.message)

    def _due(self, user_id: int, key: str) -> bool:
        """Whether to say `key` now: the same line at most once an hour (a minute for
        "try again"), so a flood from outside is not answered with a flood."""
        now, every = self.clock(), TOLD_AGAIN if key == "not_allowed" else ASK_AGAIN
        if self.told.get(user_id, now, every) == key:
            return False
        self.told.put(user_id, key, now)
        return True
