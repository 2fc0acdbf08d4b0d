"""A round-robin forwarder on loopback: what a load balancer in front of several webhook
instances does, for the tests and the benchmark. Each post goes to the next instance in
turn, headers and body as they came; an instance that refuses the connection (stopped)
is skipped for the next, as a balancer's health check would."""

from __future__ import annotations

import itertools

import aiohttp
from aiohttp import web

PASSED = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")


class Forwarder:
    def __init__(self, port: int, targets: list[str]) -> None:
        self.port = port
        self.targets = targets  # base URLs, e.g. http://127.0.0.1:8441
        self.served: list[str] = []  # which instance took each post
        self._turn = itertools.count()
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        app = web.Application()
        app.router.add_post("/telegram", self.forward)
        self._runner = web.AppRunner(app, access_log=None)
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
        headers = {name: request.headers[name] for name in PASSED if name in request.headers}
        first = next(self._turn)
        for offset in range(len(self.targets)):
            target = self.targets[(first + offset) % len(self.targets)]
            try:
                async with self._session.post(
                    f"{target}/telegram", data=body, headers=headers
                ) as response:
                    self.served.append(target)
                    return web.Response(status=response.status, body=await response.read())
            except aiohttp.ClientConnectionError:
                continue
        return web.Response(status=502, text="no instance answered")
