"""The request that fetches updates: a pressed card's keyboard and formatting are dropped
before PTB parses the update.

Every press carries the whole card it was made on, and PTB would build an object for each
part (cost in `bench/README.md`), while the handlers read only the message and chat. This
uses PTB's documented hook, `BaseRequest.parse_json_payload`, only on the polling request.
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
