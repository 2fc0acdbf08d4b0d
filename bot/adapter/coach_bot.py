"""The bot the coach runs: gathered polls, and the card's calls without PTB's objects.

Drawing a card is the one call every press makes, and PTB's `edit_message_text` builds
objects for the keyboard and the answer only to drop them (cost in `bench/README.md`).
Here the keyboard goes as Telegram's JSON and only the message id is read, still through
`ExtBot`'s path, so pacing and errors stay PTB's. `Defaults` are not applied.
"""

from __future__ import annotations

from typing import Any

from telegram.constants import ParseMode

from bot.adapter.gathering import GatheringBot


class CoachBot(GatheringBot):
    __slots__ = ()

    async def edit_card(self, chat_id: int, message_id: int, html: str, keyboard: str) -> None:
        await self._post(
            "editMessageText",
            {
                "chat_id": chat_id,
                "message_id": message_id,
                "text": html,
                "parse_mode": ParseMode.HTML,
                "reply_markup": keyboard,
            },
        )

    async def take_buttons_off(self, chat_id: int, message_id: int) -> None:
        """The card's keyboard removed. Through PTB's own method a default `parse_mode`
        would ride along, which editMessageReplyMarkup does not take."""
        await self._post("editMessageReplyMarkup", {"chat_id": chat_id, "message_id": message_id})

    async def send_card(self, chat_id: int, html: str, keyboard: str) -> int:
        """A new card; the id of the message it became."""
        sent: dict[str, Any] = await self._post(
            "sendMessage",
            {
                "chat_id": chat_id,
                "text": html,
                "parse_mode": ParseMode.HTML,
                "reply_markup": keyboard,
            },
        )
        return int(sent["message_id"])
