"""HTTP control routes for a stub running in another process (``python -m tests.stub_api``).

A benchmark or a manual session can then speak as a person and read what the bot did
without importing the stub.  All routes take and return JSON:

* ``POST /_stub/send_text`` ``{"user_id", "text", "language_code"?}`` -> ``{"update_id"}``
* ``POST /_stub/press_button`` ``{"user_id", "label", "message_id"?}`` -> ``{"query_id"}``
* ``GET /_stub/messages?chat_id=N`` -> the bot's messages in that chat
* ``GET /_stub/stats`` -> number of calls per method, pending updates
* ``POST /_stub/set_latency`` ``{"method", "seconds"}``
* ``POST /_stub/fail_next`` ``{"method", "status", "description", ...}``

A person's impossible action (pressing a missing button) answers 409 with the reason.
"""

import dataclasses
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .server import BotApiStub

__all__ = ["add_control_routes"]

_Route = Callable[[dict[str, Any]], Awaitable[Any]]


def add_control_routes(app: web.Application, stub: "BotApiStub") -> None:
    """Mount the ``/_stub/`` routes of *stub* on *app*."""

    async def send_text(body: dict[str, Any]) -> Any:
        update_id = await stub.send_text(
            int(body["user_id"]), str(body["text"]), language_code=body.get("language_code")
        )
        return {"update_id": update_id}

    async def press_button(body: dict[str, Any]) -> Any:
        query_id = await stub.press_button(
            int(body["user_id"]), str(body["label"]), message_id=body.get("message_id")
        )
        return {"query_id": query_id}

    async def messages(body: dict[str, Any]) -> Any:
        return [dataclasses.asdict(m) for m in stub.messages(int(body["chat_id"]))]

    async def stats(body: dict[str, Any]) -> Any:
        return {
            "calls": Counter(call.method for call in stub.calls),
            "pending_updates": len(stub.state.updates),
        }

    async def set_latency(body: dict[str, Any]) -> Any:
        stub.set_latency(str(body["method"]), float(body["seconds"]))
        return True

    async def fail_next(body: dict[str, Any]) -> Any:
        stub.fail_next(
            str(body["method"]),
            status=int(body["status"]),
            description=str(body["description"]),
            retry_after=body.get("retry_after"),
            chat_id=body.get("chat_id"),
            count=int(body.get("count", 1)),
        )
        return True

    def route(action: _Route) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handle(request: web.Request) -> web.Response:
            body: dict[str, Any] = dict(request.query)
            if request.can_read_body:
                body.update(await request.json())
            try:
                return web.json_response({"ok": True, "result": await action(body)})
            except AssertionError as error:
                return web.json_response({"ok": False, "description": str(error)}, status=409)
            except (KeyError, ValueError, TypeError) as error:
                return web.json_response({"ok": False, "description": repr(error)}, status=400)

        return handle

    app.router.add_post("/_stub/send_text", route(send_text))
    app.router.add_post("/_stub/press_button", route(press_button))
    app.router.add_get("/_stub/messages", route(messages))
    app.router.add_get("/_stub/stats", route(stats))
    app.router.add_post("/_stub/set_latency", route(set_latency))
    app.router.add_post("/_stub/fail_next", route(fail_next))
