"""PTB's HTTP layer on aiohttp, through PTB's own extension point (`BaseRequest`).

PTB's httpx stack is most of what a bare bot spends per update; aiohttp costs far less
(`bench/README.md`), and httpx stays available (`COACH_HTTP=httpx`). Errors keep PTB's
meaning. A request that surely never reached Telegram raises `NotSent`, which the
broadcaster may retry; whatever may have arrived is never marked so.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_TIMEOUTS = {"read": 5.0, "write": 5.0, "connect": 5.0, "pool": 1.0}


class NotSent(NetworkError):
    """The request never left: retrying it cannot deliver a message twice."""


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        connection_pool_size: int = 256,
        proxy: str | None = None,
        read_timeout: float | None = DEFAULT_TIMEOUTS["read"],
        connect_timeout: float | None = DEFAULT_TIMEOUTS["connect"],
        pool_timeout: float | None = DEFAULT_TIMEOUTS["pool"],
    ) -> None:
        self.pool_size = connection_pool_size
        self.proxy = proxy
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None
        self._headers = {"User-Agent": self.USER_AGENT}
        self._json_headers = {**self._headers, "Content-Type": "application/json"}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.pool_size, ttl_dns_cache=300),
                json_serialize=json.dumps,
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _seconds(self, value: ODVInput[float], default: float | None) -> float | None:
        return default if isinstance(value, DefaultValue) else value

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None:
            await self.initialize()
        assert self._session is not None
        connect = self._seconds(connect_timeout, self._connect_timeout)
        pool = self._seconds(pool_timeout, self._pool_timeout)
        timeout = aiohttp.ClientTimeout(
            sock_connect=connect,
            sock_read=self._seconds(read_timeout, self._read_timeout),
            # aiohttp's `connect` covers waiting for a pooled connection *and* connecting
            connect=None if connect is None or pool is None else connect + pool,
        )
        body: Any = None
        headers = self._headers
        if request_data is not None:
            if request_data.contains_files:
                body = _form(request_data)
            else:
                # JSON: the real Bot API server reads a JSON string value exactly as the
                # same form field, and any other value as its JSON text (tdlib's
                # HttpReader), so PTB's all-strings payload means what a form would; a
                # dict would make aiohttp build a multipart writer (uuid4 + os.urandom) and
                # then url-encode every character through urllib, on every request
                body, headers = request_data.json_payload, self._json_headers
        try:
            async with self._session.request(
                method,
                url,
                headers=headers,
                timeout=timeout,
                proxy=self.proxy,
                data=body,
            ) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as error:
            raise NotSent("connection timed out before the request was sent") from error
        except aiohttp.ClientConnectorError as error:
            raise NotSent(f"could not connect: {error}") from error
        except (TimeoutError, aiohttp.ServerTimeoutError) as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error


def _form(request_data: RequestData) -> aiohttp.FormData:
    """Multipart for uploads (a document): plain fields, then the files with their names."""
    form = aiohttp.FormData()
    for name, value in (request_data.multipart_data or {}).items():
        filename, content, mimetype = value
        form.add_field(name, content, filename=filename, content_type=mimetype)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    return form
