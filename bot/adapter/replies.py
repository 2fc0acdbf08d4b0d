"""What every handler needs: who is writing, in which language, and a plain reply."""

from __future__ import annotations

from telegram import ReplyKeyboardMarkup, Update

from bot.content.catalog import Catalog
from bot.dialog.person import People, Person


def sos_keyboard(catalog: Catalog, lang: str) -> ReplyKeyboardMarkup:
    """The persistent one-tap entry: a person mid-call will not type a command. Its input
    field says what may be typed (a complaint on the call's first cards, a description
    elsewhere), so the cards need not."""
    return ReplyKeyboardMarkup(
        [[catalog.text(lang, "ui.buttons.sos")]],
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=catalog.text(lang, "ui.buttons.sos_placeholder"),
    )


class Replies:
    def __init__(self, catalog: Catalog, people: People) -> None:
        self.catalog = catalog
        self.people = people

    async def person_of(self, update: Update) -> Person:
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        return await self.people.arrived(user.id, chat.id, user.first_name, user.language_code)

    def say(self, person: Person, key: str, **values: object) -> str:
        return self.catalog.text(person.lang, f"ui.messages.{key}", **values)

    def label(self, person: Person, key: str) -> str:
        return self.catalog.text(person.lang, f"ui.buttons.{key}")

    async def reply(self, update: Update, person: Person, key: str, **kwargs: object) -> None:
        """A message in the person's language; a plain one carries the 🆘 keyboard, so the
        one-tap entry is there even for someone who never sent /start."""
        assert update.effective_chat is not None
        kwargs.setdefault("reply_markup", sos_keyboard(self.catalog, person.lang))
        await update.effective_chat.send_message(self.say(person, key), **kwargs)
