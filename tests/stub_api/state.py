"""Everything the stand-in Telegram remembers, with no networking in it.

Kept apart from the HTTP server so the Bot API methods (``methods.py``) and the simulated
people (``people.py``) are plain synchronous code that is easy to read and to test.
"""

import json
from collections.abc import Callable
from typing import Any

from .errors import bad_request, forbidden
from .models import CallbackQuery, GroupChat, InlineQuery, Message, UploadedFile, User

__all__ = ["StubState"]

# Update types Telegram sends when allowed_updates was never set (or set to []).
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class StubState:
    """Users, chats, messages, the update queue and the bot's settings."""

    def __init__(self, token: str, *, bot_username: str, bot_name: str) -> None:
        self.token = token
        bot_id = int(token.split(":", 1)[0])
        self.bot = User(id=bot_id, first_name=bot_name, username=bot_username, is_bot=True)
        self.users: dict[int, User] = {}
        self.blocked: set[int] = set()
        self.chats: dict[int, list[Message]] = {}
        self._last_message_id: dict[int, int] = {}
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = 1
        self.delivered_update_id = 0
        self.allowed_updates: frozenset[str] | None = None
        self.webhook_url = ""
        self.webhook_secret = ""  # sent as X-Telegram-Bot-Api-Secret-Token with each post
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.callback_attempts: dict[str, list[str]] = {}
        self._next_query = 1
        self.group_chats: dict[int, GroupChat] = {}
        self.chat_members: dict[int, dict[int, str]] = {}  # group → person → status
        self.inline_queries: dict[str, InlineQuery] = {}
        self.inline_answers: dict[str, dict[str, Any]] = {}
        self.inline_attempts: dict[str, list[str]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.reply_keyboards: dict[int, dict[str, Any] | None] = {}
        self.documents: dict[tuple[int, int], UploadedFile] = {}  # (chat, message) → file
        self.inline_mode = False  # BotFather's /setinline; off for a new bot
        self.press_timeout: float | None = 10.0  # seconds a press may wait for its answer
        self.on_change: Callable[[], None] = lambda: None

    # --- people and chats -------------------------------------------------------------

    def upsert_user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        language_code: str | None = None,
        username: str | None = None,
        last_name: str | None = None,
    ) -> User:
        """Register a person (their private chat then exists) or update their profile."""
        user = self.users.get(user_id)
        if user is None:
            user = self.users[user_id] = User(id=user_id)
            self.chats.setdefault(user_id, [])
        if first_name is not None:
            user.first_name = first_name
        if language_code is not None:
            user.language_code = language_code
        if username is not None:
            user.username = username
        if last_name is not None:
            user.last_name = last_name
        return user

    def upsert_group(self, chat_id: int, chat_type: str, title: str) -> GroupChat:
        """Register a group, supergroup or channel the bot is a member of."""
        if chat_id >= 0:
            raise ValueError(f"group and channel ids are negative, not {chat_id}")
        if chat_type not in ("group", "supergroup", "channel"):
            raise ValueError(f"not a group chat type: {chat_type!r}")
        group = self.group_chats.get(chat_id)
        if group is None:
            group = self.group_chats[chat_id] = GroupChat(chat_id, chat_type, title)
            self.chats.setdefault(chat_id, [])
        return group

    def chat_json(self, chat_id: int) -> dict[str, Any]:
        """The ``Chat`` object: a person's private chat, or a group the bot is in."""
        if chat_id in self.group_chats:
            return self.group_chats[chat_id].chat_json()
        return self.users[chat_id].chat_json()

    def resolve_chat(self, chat_id: Any) -> int:
        """The chat a ``chat_id`` parameter designates (a person's private chat or a known
        group), refusing unknown ones."""
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for user in self.users.values():
                if user.username and f"@{user.username}".lower() == chat_id.lower():
                    return user.id
            raise bad_request("chat not found")
        try:
            resolved = int(chat_id)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        if resolved not in self.users and resolved not in self.group_chats:
            raise bad_request("chat not found")
        return resolved

    def check_not_blocked(self, chat_id: int) -> None:
        """A person who blocked the bot gets nothing from it."""
        if chat_id in self.blocked:
            raise forbidden("bot was blocked by the user")

    # --- messages ---------------------------------------------------------------------

    def new_message_id(self, chat_id: int) -> int:
        """Message ids grow per chat, shared by both sides of the conversation."""
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def add_message(self, message: Message) -> Message:
        self.chats.setdefault(message.chat_id, []).append(message)
        return message

    def find_message(self, chat_id: int, message_id: int) -> Message | None:
        """A message that still exists in the chat."""
        for message in self.chats.get(chat_id, []):
            if message.message_id == message_id and not message.deleted:
                return message
        return None

    def gone_for_person(self, chat_id: int, message_id: int) -> Message | None:
        """A bot message the person deleted on their side (see ``people.person_deletes``)."""
        for message in self.chats.get(chat_id, []):
            if message.message_id == message_id and message.gone_for_person is not None:
                return message
        return None

    def bot_messages(self, chat_id: int, *, include_deleted: bool = False) -> list[Message]:
        return [
            m
            for m in self.chats.get(chat_id, [])
            if m.from_bot and (include_deleted or not m.deleted)
        ]

    def message_json(self, message: Message, *, with_reply: bool = True) -> dict[str, Any]:
        """The ``Message`` object Telegram returns (and puts into callback queries)."""
        data: dict[str, Any] = {"message_id": message.message_id}
        group = self.group_chats.get(message.chat_id)
        if group is not None and group.type == "channel":
            data["sender_chat"] = group.chat_json()  # channel posts have no `from`
        else:
            sender = (
                self.bot if message.from_bot else self.users[message.sender_id or message.chat_id]
            )
            data["from"] = sender.to_json()
        data["chat"] = self.chat_json(message.chat_id)
        data["date"] = message.date
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if with_reply and message.reply_to_message_id is not None:
            replied = self.find_message(message.chat_id, message.reply_to_message_id)
            if replied is not None:
                data["reply_to_message"] = self.message_json(replied, with_reply=False)
        if message.content:
            data.update(message.content)
        else:
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        if message.inline_keyboard is not None:
            data["reply_markup"] = message.inline_keyboard
        return data

    # --- updates ----------------------------------------------------------------------

    def queue_update(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        update_id = self.next_update_id
        self.next_update_id += 1
        self.updates.append({"update_id": update_id, kind: payload})
        self.on_change()
        return update_id

    def confirm(self, offset: int) -> None:
        """Forget updates confirmed by a getUpdates ``offset`` (negative: keep the last ones)."""
        if offset > 0:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        elif offset < 0:
            self.updates = self.updates[offset:]

    def _allowed(self, update: dict[str, Any]) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self.allowed_updates is None:
            return kind not in _NOT_BY_DEFAULT
        return kind in self.allowed_updates

    def take_updates(self, limit: int) -> list[dict[str, Any]]:
        """Updates to deliver now; those of kinds the bot did not ask for are dropped."""
        self.updates = [u for u in self.updates if self._allowed(u)]
        batch = self.updates[:limit]
        if batch:
            self.delivered_update_id = max(self.delivered_update_id, batch[-1]["update_id"])
        return batch

    def next_for_webhook(self) -> dict[str, Any] | None:
        """The oldest queued update of a kind the bot asked for: what a webhook posts next
        (it stays queued until the bot accepted it, see :meth:`posted`)."""
        self.updates = [u for u in self.updates if self._allowed(u)]
        return self.updates[0] if self.updates else None

    def posted(self, update_id: int) -> None:
        """The bot's webhook accepted the update: it counts as fetched and is forgotten."""
        self.delivered_update_id = max(self.delivered_update_id, update_id)
        self.confirm(update_id + 1)

    def all_updates_fetched(self) -> bool:
        return all(u["update_id"] <= self.delivered_update_id for u in self.updates)

    # --- callback queries -------------------------------------------------------------

    def new_callback_query(self, user_id: int, message: Message, data: str) -> CallbackQuery:
        query_id = str(4_000_000_000_000_000_000 + self.bot.id * 1000 + self._next_query)
        self._next_query += 1
        query = CallbackQuery(query_id, user_id, message.chat_id, message.message_id, data)
        self.callback_queries[query_id] = query
        return query

    def new_inline_query(self, user_id: int, query: str) -> InlineQuery:
        query_id = str(5_000_000_000_000_000_000 + self.bot.id * 1000 + self._next_query)
        self._next_query += 1
        inline = InlineQuery(query_id, user_id, query)
        self.inline_queries[query_id] = inline
        return inline

    # --- bot settings -----------------------------------------------------------------

    @staticmethod
    def scope_key(scope: dict[str, Any] | None, language_code: str = "") -> tuple[str, str]:
        """Commands are stored per (scope, language); absent scope means default."""
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True), language_code or ""

    def touch(self) -> None:
        """Tell waiters something changed."""
        self.on_change()
