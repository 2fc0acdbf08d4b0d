"""The bot the coach runs: gathered polls, and the card's calls without PTB's objects.

Why: drawing a card is the one call every press makes. Through PTB's `edit_message_text`
it costs a keyboard of PTB objects, their `to_dict`, and a full `Message` (the card's text
and every button again) parsed out of Telegram's answer only to be dropped — a fifth of
the CPU a press costs. Here the keyboard arrives as the JSON Telegram takes, and of the
answer only the message id is read. The call still goes through `ExtBot`'s path (the
per-chat rate limiter, the request), so pacing and errors are PTB's own. `Defaults` are
not applied: the card names its own parse mode, and the coach sets no other default.
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
