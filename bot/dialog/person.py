"""A person as the coach sees them: their stored record, language and time zone.

`People` resolves the language (their choice, else Telegram's) and the zone (their
choice, else their language's) in one place, and survives a zone name that no longer
loads: one bad row must not stop that person's coach or anyone's daily tip.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bot.content.catalog import Catalog
from bot.content.dates import format_moment
from bot.database import users
from bot.database.connection import Store, Tx, unavailable
from bot.database.users import User
from bot.recent import Recent
from bot.timezones import zone

log = logging.getLogger(__name__)
LANGUAGES_REMEMBERED = 50_000  # people whose language is known without the database

# A person's time zone moved (user id, the moment): by a zone chosen, or by a language
# chosen or Telegram's where no zone was chosen. A feature's stored local moments are worked
# out again, in the transaction that moved it.
ZoneMoved = Callable[[Tx, int, datetime], Awaitable[None]]


@dataclass(frozen=True)
class Person:
    user: User
    lang: str
    zone_name: str

    @property
    def zone(self) -> tzinfo:
        return zone(self.zone_name)

    @property
    def user_id(self) -> int:
        return self.user.user_id

    @property
    def chat_id(self) -> int:
        return self.user.chat_id


class People:
    def __init__(self, db: Store, catalog: Catalog, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.catalog = catalog
        self.clock = clock
        self.zone_watchers: list[ZoneMoved] = []
        self._seen_languages: Recent[int, str] = Recent(LANGUAGES_REMEMBERED)

    def person(self, user: User) -> Person:
        lang = self.catalog.language_for(user.language, user.telegram_language)
        self._seen_languages.put(user.user_id, lang)
        return Person(user, lang, self.zone_name(lang, user.timezone))

    async def language(self, user_id: int, telegram_language: str | None) -> str:
        """The language to speak to someone in where their record is not at hand (a flood
        note, an error, an inline query): their choice, read afresh; the one they were last
        seen with when the database cannot be read; Telegram's only for someone unknown."""
        try:
            person = await self.by_id(user_id)
        except Exception as error:
            if not unavailable(error):
                raise
            person = None
        if person is not None:
            return person.lang
        seen = self._seen_languages.get(user_id)
        return seen or self.catalog.language_for(None, telegram_language)

    def zone_name(self, lang: str, chosen: str | None) -> str:
        """The zone the person set, else their language's: Almaty for kk, Moscow for ru."""
        default = str(self.catalog.value(lang, "ui.meta.default_timezone"))
        if not chosen:
            return default
        try:
            zone(chosen)
        except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
            log.warning("stored zone %r does not load; using %s", chosen, default)
            return default
        return chosen

    async def arrived(self, user_id: int, first_name: str, telegram_language: str | None) -> Person:
        """The person who just wrote or pressed (created on first contact); a write only
        when something about them changed."""
        now = self.clock()
        async with self.db.read(on_loop=True) as tx:  # the press path: answered on the loop
            user = await users.load_user(tx, user_id)
        if user is None or not users.unchanged(user, first_name, telegram_language, now):
            async with self.db.transaction() as tx:
                user = await self._change(
                    tx,
                    user_id,
                    now,
                    lambda: users.record_arrival(tx, user_id, first_name, telegram_language, now),
                )
        return self.person(user)

    async def by_id(self, user_id: int) -> Person | None:
        async with self.db.read() as tx:
            user = await users.load_user(tx, user_id)
        return self.person(user) if user else None

    async def set_language(self, person: Person, lang: str | None = None) -> Person:
        """Switch to `lang`, or with none given to the other language (`/language`)."""
        if lang is None:
            lang = next(other for other in self.catalog.languages if other != person.lang)
        user_id = person.user_id
        async with self.db.transaction() as tx:
            user = await self._change(
                tx, user_id, self.clock(), lambda: users.set_language(tx, user_id, lang)
            )
        return self.person(user)

    async def set_timezone(self, tx: Tx, user_id: int, zone_name: str, now: datetime) -> None:
        """A zone chosen, inside the caller's transaction (the daily card's step)."""
        await self._change(tx, user_id, now, lambda: users.set_timezone(tx, user_id, zone_name))

    async def _change(
        self, tx: Tx, user_id: int, now: datetime, write: Callable[[], Awaitable[None]]
    ) -> User:
        """Run `write` on the person's row and tell the watchers if it moved their zone,
        comparing the row as it was and as it is, both read in this transaction. A
        language change moves the zone only where none was chosen, and a change to the
        language already in effect moves nothing."""
        before = await users.load_user(tx, user_id)
        await write()
        after = await users.load_user(tx, user_id)
        assert after is not None
        if before is not None and self.person(before).zone_name != self.person(after).zone_name:
            for watcher in self.zone_watchers:
                await watcher(tx, user_id, now)
        return after

    async def set_active(self, user_id: int, active: bool) -> None:
        async with self.db.transaction() as tx:
            await users.set_active(tx, user_id, active)

    def local_now(self, person: Person) -> datetime:
        return self.clock().astimezone(person.zone)

    def format_moment(self, person: Person, moment: str, zone_name: str | None = None) -> str:
        """A stored moment in a zone (the person's unless given), in their language."""
        name = self.zone_name(person.lang, zone_name) if zone_name else person.zone_name
        local = datetime.fromisoformat(moment).astimezone(zone(name))
        return format_moment(self.catalog, person.lang, local)
