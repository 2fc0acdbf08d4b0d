"""What every handler needs: who is writing, in which language, and a plain reply."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import ReplyKeyboardMarkup, Update

from bot.content.catalog import Catalog
from bot.dialog.person import People, Person


@dataclass(frozen=True)
class ReplyKeyboard:
    """The persistent keyboard under every plain reply, declared by the feature it opens:
    one button and the input field's hint, both `ui.buttons` keys."""

    button: str
    placeholder: str


class Replies:
    def __init__(self, catalog: Catalog, people: People) -> None:
        self.catalog = catalog
        self.people = people
        self.persistent: ReplyKeyboard | None = None  # from the features, at assembly

    async def person_of(self, update: Update) -> Person:
        user = update.effective_user
        assert user is not None
        return await self.people.arrived(user.id, user.first_name, user.language_code)

    def say(self, person: Person, key: str, **values: object) -> str:
        return self.catalog.text(person.lang, f"ui.messages.{key}", **values)

    def label(self, person: Person, key: str) -> str:
        return self.catalog.text(person.lang, f"ui.buttons.{key}")

    def keyboard(self, lang: str) -> ReplyKeyboardMarkup | None:
        """The persistent keyboard in `lang`, if a feature declared one."""
        if self.persistent is None:
            return None
        return ReplyKeyboardMarkup(
            [[self.catalog.text(lang, f"ui.buttons.{self.persistent.button}")]],
            resize_keyboard=True,
            is_persistent=True,
            input_field_placeholder=self.catalog.text(
                lang, f"ui.buttons.{self.persistent.placeholder}"
            ),
        )

    async def reply(self, update: Update, person: Person, key: str, **kwargs: object) -> None:
        """A message in the person's language; a plain one carries the persistent keyboard,
        so it is there even for someone who never sent /start."""
        assert update.effective_chat is not None
        kwargs.setdefault("reply_markup", self.keyboard(person.lang))
        await update.effective_chat.send_message(self.say(person, key), **kwargs)
