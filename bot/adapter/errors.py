"""What a person hears when handling their update failed, and what the log keeps.

A database that cannot take a write now is not a bug: the transaction rolled back whole,
so the person is asked to try again. A timeout or 429 on a reply gets no card, as the step
is committed and the next press redraws it. Anything else is logged with its traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import ReplyKeyboardMarkup, Update
from telegram.error import Forbidden, RetryAfter, TimedOut

from bot.adapter.cards import answer
from bot.content.catalog import Catalog
from bot.database.connection import unavailable
from bot.dialog.person import People
from bot.feature import Context

log = logging.getLogger(__name__)


class ErrorHandler:
    def __init__(
        self,
        catalog: Catalog,
        people: People,
        keyboard: Callable[[str], ReplyKeyboardMarkup | None],
    ) -> None:
        self.catalog = catalog
        self.people = people
        self.keyboard = keyboard  # the persistent one, in a language

    async def __call__(self, update: object, context: Context) -> None:
        error = context.error
        if not isinstance(update, Update):
            log.error("failure outside an update", exc_info=error)
            return
        user, chat = update.effective_user, update.effective_chat
        if update.callback_query is not None:  # every press is answered, whatever failed
            await answer(update.callback_query)
        if isinstance(error, Forbidden):
            if user is not None:
                await self._quietly(self.people.set_active(user.id, False))
            return
        if isinstance(error, RetryAfter | TimedOut):
            log.warning("reply to %s not delivered: %s", user.id if user else "?", error)
            return  # committed already: the next press or text catches the card up
        key = "try_again" if unavailable(error) else "error"
        if key == "try_again":
            log.warning("database unavailable: %s", error)
        else:
            log.error("update failed", exc_info=error)
        if chat is None or user is None or chat.type != chat.PRIVATE:
            return
        lang = await self.people.language(user.id, user.language_code)
        await self._quietly(
            chat.send_message(
                self.catalog.text(lang, f"ui.messages.{key}"),
                reply_markup=self.keyboard(lang),
            )
        )

    @staticmethod
    async def _quietly(action: object) -> None:
        try:
            await action  # type: ignore[misc]
        except Exception:
            log.exception("could not tell the person about the failure")
