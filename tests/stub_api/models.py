"""The records the stub keeps: people, messages, callback queries and the calls it received.

They are plain dataclasses so tests can read them directly; ``*_json`` methods give the
Bot API objects a real server would send, which is what PTB parses.
"""

import time
from dataclasses import dataclass, field
from typing import Any

from .markup import inline_keyboard

__all__ = ["Call", "CallbackQuery", "GroupChat", "InlineQuery", "Message", "User", "now"]


def now() -> int:
    """Telegram dates are whole seconds since the epoch."""
    return int(time.time())


@dataclass
class User:
    """A person (or the bot itself) as Telegram describes it."""

    id: int
    first_name: str = "Test"
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "ru"
    is_bot: bool = False

    def to_json(self) -> dict[str, Any]:
        """The ``User`` object; optional fields only when set, like Telegram."""
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for name in ("last_name", "username", "language_code"):
            value = getattr(self, name)
            if value is not None and not (self.is_bot and name == "language_code"):
                data[name] = value
        return data

    def chat_json(self) -> dict[str, Any]:
        """The private ``Chat`` with this person: its id is the user id."""
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        for name in ("last_name", "username"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        return data


@dataclass
class GroupChat:
    """A group, supergroup or channel the bot is in (ids are negative, like Telegram's)."""

    id: int
    type: str = "supergroup"
    title: str = "Stub group"

    def chat_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "title": self.title}


@dataclass
class Message:
    """A message in a private chat, as it currently is (edits applied).

    ``text`` is the plain text after parsing (what the person sees), ``html`` the raw
    text as the bot sent it, ``entities`` use UTF-16 offsets like the Bot API.
    ``reply_markup`` is the markup sent with the message: an inline keyboard, or a reply
    keyboard / remove / force-reply request (which Telegram does not attach to the message).
    """

    message_id: int
    chat_id: int
    text: str
    html: str
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    edits: int = 0
    date: int = field(default_factory=now)
    from_bot: bool = True
    parse_mode: str | None = None
    deleted: bool = False
    edit_date: int | None = None
    reply_to_message_id: int | None = None
    content: dict[str, Any] = field(default_factory=dict)
    sender_id: int | None = None  # who wrote it in a group; None: the chat's own person
    # The person deleted it on their side: what an edit of it gets (Bad Request text)
    gone_for_person: str | None = None

    @property
    def inline_keyboard(self) -> dict[str, Any] | None:
        """The inline keyboard shown under the message, if any."""
        return inline_keyboard(self.reply_markup)

    @property
    def button_labels(self) -> list[str]:
        """Labels of the inline buttons, in reading order (handy in assertions)."""
        keyboard = self.inline_keyboard
        if keyboard is None:
            return []
        return [button["text"] for row in keyboard["inline_keyboard"] for button in row]

    def describe(self) -> str:
        """One line for failure dumps."""
        who = "bot" if self.from_bot else "user"
        body = self.text if self.text else ", ".join(self.content) or "<empty>"
        extra = f" buttons={self.button_labels}" if self.button_labels else ""
        edited = f" (edited x{self.edits})" if self.edits else ""
        deleted = " [deleted]" if self.deleted else ""
        return f"#{self.message_id} {who}: {body!r}{extra}{edited}{deleted}"


@dataclass
class CallbackQuery:
    """A button press the stub issued, and what became of it."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool = False
    expired: bool = False
    at: float = field(default_factory=time.monotonic)  # when the person pressed


@dataclass
class InlineQuery:
    """An inline query ("@bot something" typed in any chat) and what became of it."""

    id: str
    user_id: int
    query: str
    answered: bool = False
    expired: bool = False


@dataclass(frozen=True)
class UploadedFile:
    """A file the bot uploaded (multipart/form-data), kept whole for tests to read."""

    filename: str
    data: bytes


@dataclass
class Call:
    """One Bot API request the bot made, and how the stub answered it."""

    method: str
    params: dict[str, Any]
    status: int | None = None
    description: str | None = None
    at: float = field(default_factory=time.monotonic)
    retry_after: int | None = None  # the retry_after of a 429 answer
    answered_at: float | None = None  # when the answer was written (monotonic)
    performed: bool = False  # the method took effect (a late answer still took effect)

    def describe(self) -> str:
        """One line for failure dumps."""
        shown = {k: v for k, v in self.params.items() if k != "reply_markup"}
        outcome = "pending" if self.status is None else str(self.status)
        if self.description:
            outcome += f" {self.description}"
        return f"{self.method} {shown} -> {outcome}"
