"""A round-robin forwarder on loopback: what a load balancer in front of several webhook
instances does, for the tests and the benchmark (`bench/coach.py`, `coach-pg2`)."""

from __future__ import annotations

import json
from collections import Counter

import aiohttp
from aiohttp import web

from tests.postgres import free_port
from tests.stub_api.webhook import SECRET_HEADER

PATH = "/telegram"


class Forwarder:
    """Round robin over the instances' ports: each post to the next instance in turn (in
    turn per person, so one person's presses alternate), the instance's status answered
    back. An instance that refuses the connection is skipped, as a load balancer with
    health checks would; one that drops it mid-post gets 502 back to the stand-in, which
    posts the update again (Telegram does the same)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.targets: list[int] = []  # the instances' ports, stopped ones included
        self.pinned: dict[int, int] = {}  # person → the one instance their posts go to
        self.served: list[tuple[int | None, int, int]] = []  # (person, instance, status)
        self.skipped = 0  # posts an instance refused the connection for
        self._turns: Counter[int | None] = Counter()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"

    async def start(self) -> None:
        # a connection per post: a stopped instance refuses the next one at once
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True))
        app = web.Application()
        app.router.add_post(PATH, self.forward)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {"Content-Type": request.content_type}
        if SECRET_HEADER in request.headers:
            headers[SECRET_HEADER] = request.headers[SECRET_HEADER]
        person = sender(body)
        first = self.pinned.get(person, self._turns[person])  # type: ignore[arg-type]
        self._turns[person] += 1
        for step in range(len(self.targets)):
            index = (first + step) % len(self.targets)
            target = f"http://127.0.0.1:{self.targets[index]}{PATH}"
            try:
                async with self._session.post(target, data=body, headers=headers) as response:
                    self.served.append((person, index, response.status))
                    return web.Response(status=response.status, text=await response.text())
            except aiohttp.ClientConnectorError:
                self.skipped += 1
                continue  # stopped: the next instance
            except (aiohttp.ClientError, TimeoutError):
                break
        return web.Response(status=502, text="no instance took it")

    def instances_of(self, person: int) -> list[int]:
        return [index for who, index, status in self.served if who == person and status == 200]


def sender(body: bytes) -> int | None:
    try:
        update = json.loads(body)
    except ValueError:
        return None
    for field in ("message", "edited_message", "callback_query"):
        if isinstance(update.get(field), dict):
            return update[field].get("from", {}).get("id")
    return None
