"""The request that fetches updates: a pressed card's keyboard and formatting are dropped
before PTB parses the update.

Why: every press arrives carrying the whole card it was made on — its text, its entities,
every button — and PTB builds an object for each, about a tenth of the CPU a press costs.
The handlers read only which message in which chat was pressed (`message_id`, `chat`);
the card's content is the bot's own and is in the database. PTB's documented hook for
customising how Telegram's answer is read (`BaseRequest.parse_json_payload`) does it, for
both HTTP stacks, and only on the request that polls.
"""

from __future__ import annotations

from typing import Any

from telegram.request import BaseRequest, HTTPXRequest

from bot.adapter.aiohttp_request import AiohttpRequest

DROPPED = ("reply_markup", "entities")


class PressedCardsDropped:
    """Mixed in ahead of a `BaseRequest`."""

    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:
        data = BaseRequest.parse_json_payload(payload)
        updates = data.get("result")
        if isinstance(updates, list):
            for update in updates:
                message = (update.get("callback_query") or {}).get("message")
                if message:
                    for key in DROPPED:
                        message.pop(key, None)
        return data


class AiohttpPolls(PressedCardsDropped, AiohttpRequest):
    pass


class HttpxPolls(PressedCardsDropped, HTTPXRequest):
    pass
