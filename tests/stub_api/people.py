"""Simulated people: what a person can do in a private chat with the bot, as updates.

A person can only press buttons that are on screen, so pressing checks the message's
*current* inline keyboard and fails the test (AssertionError) otherwise.
"""

import re
from typing import Any

from .markup import callback_buttons
from .models import Message, User, now
from .state import StubState

__all__ = [
    "channel_post",
    "contact_content",
    "document_content",
    "find_button",
    "group_message",
    "inline_query",
    "location_content",
    "my_chat_member",
    "person_deletes",
    "photo_content",
    "press",
    "press_raw",
    "send_content",
    "sticker_content",
    "text_content",
    "voice_content",
]

_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?(?![\w/<>])")


def _person(
    state: StubState, user_id: int, first_name: str | None, language_code: str | None
) -> User:
    """The person, registered on first contact; a person who had blocked the bot and writes
    again has restarted it, which Telegram reports as my_chat_member(member) first."""
    user = state.upsert_user(user_id, first_name=first_name, language_code=language_code)
    if user_id in state.blocked:
        my_chat_member(state, user_id, "member")
    return user


def _received(
    state: StubState, chat_id: int, content: dict[str, Any], sender_id: int | None = None
) -> Message:
    """A message from a person (or a channel) with *content*, stored in *chat_id*."""
    return state.add_message(
        Message(
            message_id=state.new_message_id(chat_id),
            chat_id=chat_id,
            text=content.get("text", ""),
            html=content.get("text", ""),
            entities=content.get("entities", []),
            reply_markup=None,
            from_bot=False,
            content=content,
            sender_id=sender_id,
        )
    )


def _queue_press(
    state: StubState,
    user_id: int,
    language_code: str | None,
    message: Message,
    callback_data: str,
) -> str:
    """The callback query of *user_id* pressing *callback_data* on *message*; its id."""
    user = _person(state, user_id, None, language_code)
    query = state.new_callback_query(user_id, message, callback_data)
    if message.gone_for_person is None:
        shown = state.message_json(message)
    else:  # Telegram no longer has it: an InaccessibleMessage
        shown = {"chat": state.chat_json(message.chat_id), "message_id": message.message_id}
        shown["date"] = 0
    state.queue_update(
        "callback_query",
        {
            "id": query.id,
            "from": user.to_json(),
            "message": shown,
            "chat_instance": str(message.chat_id * 1_000_003 + state.bot.id),
            "data": callback_data,
        },
    )
    return query.id


def text_content(text: str) -> dict[str, Any]:
    """A text message's fields, with the bot_command entity Telegram adds to commands."""
    content: dict[str, Any] = {"text": text}
    match = _COMMAND_RE.match(text)
    if match:
        length = len(match.group(0).encode("utf-16-le")) // 2
        content["entities"] = [{"offset": 0, "length": length, "type": "bot_command"}]
    return content


def _file(kind: str, serial: int) -> dict[str, str]:
    """file_id/file_unique_id pair; unique per message so nothing gets deduplicated."""
    return {"file_id": f"stub-{kind}-{serial}-file-id", "file_unique_id": f"stub{kind}{serial}"}


def sticker_content(serial: int, emoji: str = "\N{THUMBS UP SIGN}") -> dict[str, Any]:
    """A regular static sticker, with every field PTB's Sticker requires."""
    sticker = {
        **_file("sticker", serial),
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
        "set_name": "StubStickers",
        "file_size": 24_000,
    }
    return {"sticker": sticker}


def photo_content(serial: int, caption: str | None = None) -> dict[str, Any]:
    """A photo in the three sizes Telegram typically provides, optionally captioned."""
    sizes = [
        {**_file(f"photo{side}", serial), "width": side, "height": side, "file_size": side * 40}
        for side in (90, 320, 800)
    ]
    content: dict[str, Any] = {"photo": sizes}
    if caption:
        content["caption"] = caption
    return content


def voice_content(serial: int, duration: int = 3) -> dict[str, Any]:
    """An OGG/Opus voice note, as recorded in a Telegram client."""
    voice = {
        **_file("voice", serial),
        "duration": duration,
        "mime_type": "audio/ogg",
        "file_size": 6_000,
    }
    return {"voice": voice}


def document_content(
    serial: int, file_name: str = "report.pdf", mime_type: str = "application/pdf"
) -> dict[str, Any]:
    """A file sent as a document, optionally with any name (names are user input too)."""
    document = {
        **_file("document", serial),
        "file_name": file_name,
        "mime_type": mime_type,
        "file_size": 48_000,
    }
    return {"document": document}


def contact_content(
    phone_number: str, first_name: str, user_id: int | None = None
) -> dict[str, Any]:
    """A shared contact card (someone's phone number)."""
    contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
    if user_id is not None:
        contact["user_id"] = user_id
    return {"contact": contact}


def location_content(latitude: float, longitude: float) -> dict[str, Any]:
    """A shared location (a pin on the map)."""
    return {"location": {"latitude": latitude, "longitude": longitude}}


def send_content(
    state: StubState,
    user_id: int,
    content: dict[str, Any],
    *,
    first_name: str | None = None,
    language_code: str | None = None,
) -> int:
    """A person sends a message with *content* (text, sticker, photo ...); returns update_id."""
    user = _person(state, user_id, first_name, language_code)
    message = _received(state, user_id, content)
    payload = state.message_json(message)
    payload["from"] = user.to_json()
    return state.queue_update("message", payload)


def group_message(
    state: StubState,
    chat_id: int,
    user_id: int,
    content: dict[str, Any],
    *,
    chat_type: str = "supergroup",
    title: str = "Stub group",
) -> int:
    """A person writes in a group the bot is a member of; returns update_id."""
    user = state.upsert_user(user_id)
    state.upsert_group(chat_id, chat_type, title)
    message = _received(state, chat_id, content, sender_id=user.id)
    return state.queue_update("message", state.message_json(message))


def channel_post(
    state: StubState, chat_id: int, content: dict[str, Any], *, title: str = "Stub channel"
) -> int:
    """A post in a channel the bot administers: `channel_post`, with no `from`."""
    state.upsert_group(chat_id, "channel", title)
    message = _received(state, chat_id, content)
    return state.queue_update("channel_post", state.message_json(message))


def inline_query(state: StubState, user_id: int, query: str, offset: str = "") -> str:
    """A person types "@bot <query>" in some chat; returns the inline query id.  Telegram
    sends inline queries only to a bot with inline mode on (see ``BotApiStub.inline_mode``)."""
    if not state.inline_mode:
        raise AssertionError(
            "inline mode is off (BotFather /setinline), so Telegram delivers no inline query: "
            "set stub.inline_mode = True, before the bot starts if it reads getMe"
        )
    user = _person(state, user_id, None, None)
    inline = state.new_inline_query(user_id, query)
    state.queue_update(
        "inline_query",
        {
            "id": inline.id,
            "from": user.to_json(),
            "query": query,
            "offset": offset,
            "chat_type": "sender",
        },
    )
    return inline.id


def edit_text(state: StubState, user_id: int, message_id: int, text: str) -> int:
    """The person edits a message they sent earlier; Telegram sends `edited_message`."""
    message = state.find_message(user_id, message_id)
    if message is None or message.from_bot:
        raise AssertionError(f"chat {user_id} has no message #{message_id} from the person")
    message.text = message.html = text
    message.content = {**message.content, **text_content(text)}
    message.edit_date = now()
    payload = state.message_json(message)
    payload["from"] = _person(state, user_id, None, None).to_json()
    return state.queue_update("edited_message", payload)


def find_button(message: Message, label_substring: str) -> dict[str, Any]:
    """The inline button whose label contains *label_substring* (an exact label wins)."""
    buttons = callback_buttons(message.reply_markup)
    labels = [b["text"] for b in buttons]
    exact = [b for b in buttons if b["text"] == label_substring]
    matches = exact or [b for b in buttons if label_substring in b["text"]]
    if not matches:
        raise AssertionError(
            f"no button containing {label_substring!r} on message #{message.message_id} "
            f"{message.text!r}; available: {labels}"
        )
    if len(matches) > 1:
        raise AssertionError(
            f"{label_substring!r} is ambiguous on message #{message.message_id}: "
            f"{[b['text'] for b in matches]}"
        )
    return matches[0]


def press(
    state: StubState,
    user_id: int,
    message_id: int,
    callback_data: str,
    *,
    language_code: str | None = None,
) -> str:
    """A person presses a callback button; returns the callback query id.  A message the
    person deleted can still be pressed where another of their devices shows it."""
    message = state.find_message(user_id, message_id) or state.gone_for_person(user_id, message_id)
    if message is None or not message.from_bot:
        raise AssertionError(f"chat {user_id} has no bot message #{message_id} to press on")
    datas = [b.get("callback_data") for b in callback_buttons(message.reply_markup)]
    if callback_data not in datas:
        raise AssertionError(
            f"message #{message_id} has no button with callback_data {callback_data!r} "
            f"(buttons: {message.button_labels}, data: {datas})"
        )
    return _queue_press(state, user_id, language_code, message, callback_data)


def press_raw(
    state: StubState,
    user_id: int,
    chat_id: int,
    message_id: int,
    callback_data: str,
) -> str:
    """A callback query with any data on any bot message, button or not, from any person:
    what a modified client or a forged request can send.  Returns the query id."""
    message = state.find_message(chat_id, message_id)
    if message is None or not message.from_bot:
        raise AssertionError(f"chat {chat_id} has no bot message #{message_id}")
    # pressing restarts a blocked bot, as press() does
    return _queue_press(state, user_id, None, message, callback_data)


def person_deletes(state: StubState, chat_id: int, message_id: int, edit_error: str) -> None:
    """The person deletes a bot message on their side: the bot's edits of it get
    *edit_error*, and a press on it arrives without its content (``date: 0``)."""
    message = state.find_message(chat_id, message_id)
    if message is None or not message.from_bot:
        raise AssertionError(f"chat {chat_id} has no bot message #{message_id} to delete")
    message.deleted = True
    message.gone_for_person = edit_error
    state.touch()


def my_chat_member(state: StubState, user_id: int, status: str) -> int:
    """The person blocks ("kicked") or restarts ("member") the bot; returns update_id."""
    if status not in ("kicked", "member"):
        raise ValueError(f"status must be 'kicked' or 'member', not {status!r}")
    user = state.upsert_user(user_id)
    old = "member" if status == "kicked" else "kicked"
    if status == "kicked":
        state.blocked.add(user_id)
    else:
        state.blocked.discard(user_id)

    def member(status: str) -> dict[str, Any]:
        data: dict[str, Any] = {"user": state.bot.to_json(), "status": status}
        if status == "kicked":
            data["until_date"] = 0
        return data

    return state.queue_update(
        "my_chat_member",
        {
            "chat": user.chat_json(),
            "from": user.to_json(),
            "date": now(),
            "old_chat_member": member(old),
            "new_chat_member": member(status),
        },
    )
