"""What every Telegram handler needs: who is writing, in which language, and a reply.

One object holds the services so every callback is a bound method with typed access to
them, instead of fishing services out of `bot_data` by string keys.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.advice import Advice
from bot.coach import Coach, Person
from bot.telegram_ui import sos_keyboard

Context = ContextTypes.DEFAULT_TYPE


class HandlerBase:
    def __init__(self, coach: Coach, advice: Advice) -> None:
        self.coach = coach
        self.advice = advice
        self.catalog = coach.catalog
        self.sos_labels = {
            self.catalog.text(lang, "ui.buttons.sos") for lang in self.catalog.languages
        }

    async def person_of(self, update: Update) -> Person:
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        return await self.coach.person(user.id, chat.id, user.first_name, user.language_code)

    def say(self, person: Person, key: str, **values: object) -> str:
        return self.catalog.text(person.lang, f"ui.messages.{key}", **values)

    async def reply(self, update: Update, person: Person, key: str, **kwargs: object) -> None:
        """A message in the person's language; a plain one carries the 🆘 keyboard, so the
        one-tap entry is there even for someone who never sent /start."""
        assert update.effective_chat is not None
        kwargs.setdefault("reply_markup", sos_keyboard(self.catalog, person.lang))
        await update.effective_chat.send_message(self.say(person, key), **kwargs)
