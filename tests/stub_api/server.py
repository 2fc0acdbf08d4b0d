"""A stand-in Telegram Bot API server for tests, driven by the real PTB over real HTTP.

The bot under test is configured with ``base_url=stub.bot_base_url`` (that is
``stub.base_url + "/bot"``); PTB appends ``<token>/<method>``.  Tests speak as people do
(:meth:`BotApiStub.send_text`, :meth:`BotApiStub.press_button` ...) and look at what the
bot did (:meth:`BotApiStub.messages`, :attr:`BotApiStub.requests` ...).  Waiting is
event-driven: every request and every queued update wakes the waiters.
"""

import asyncio
import contextlib
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from . import people
from .errors import ApiError, bad_request
from .members import STATUSES
from .methods import MAX_TEXT_LENGTH, METHODS, Method
from .models import Call, Message, UploadedFile
from .params import Params, decode_params
from .schema import check_params, spec_method
from .state import StubState
from .telegram_html import utf16_len
from .webhook import WebhookPoster

__all__ = ["DEFAULT_TOKEN", "BotApiStub"]

DEFAULT_TOKEN = "123456:TEST"
_LOG = logging.getLogger(__name__)
_FLOOD_METHODS = frozenset({"sendMessage"})
_CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
_CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)


@dataclass
class _FloodLimit:
    per_second: int
    per_chat: int | None
    retry_after: int


@dataclass
class _Fault:
    method: str
    status: int
    description: str
    retry_after: int | None
    chat_id: int | None
    remaining: int


@dataclass
class _RandomFault:
    """A share of the calls of one method fails, or takes effect but is answered late."""

    method: str  # lower case; "*" for every method but getUpdates
    probability: float
    rng: random.Random
    chat_id: int | None
    status: int | None = None  # an error answer instead of the method; None: no error
    description: str = ""
    retry_after: int | None = None
    late: float = 0.0  # the method takes effect, its answer is held this long
    remaining: int | None = None  # None: for as long as it is set

    def hits(self, call: Call, chat: str | None) -> bool:
        if self.method not in ("*", call.method.lower()) or call.method == "getUpdates":
            return False
        if self.chat_id is not None and chat != str(self.chat_id):
            return False
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.rng.random() >= self.probability:
            return False
        if self.remaining is not None:
            self.remaining -= 1
        return True


class BotApiStub:
    """The fake Telegram: HTTP endpoint, simulated people, inspection and fault injection."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "stub_bot",
        bot_name: str = "Stub Bot",
        max_poll_wait: float = 30.0,
        control_routes: bool = False,
        inline_mode: bool = False,
    ) -> None:
        self.token = token
        self.control_routes = control_routes
        self.state = StubState(token, bot_username=bot_username, bot_name=bot_name)
        self.state.inline_mode = inline_mode
        # Requests the published Bot API refuses (schema.py): answered 400 (404 for an
        # unknown method) and kept here, so a test fails even if the bot swallowed the error.
        self.schema_violations: list[str] = []
        self.state.on_change = self._notify
        self.max_poll_wait = max_poll_wait
        self._calls: list[Call] = []
        self._faults: list[_Fault] = []
        self._random_faults: list[_RandomFault] = []
        self._latency: dict[str, float] = {}
        self._flood: _FloodLimit | None = None
        self._sent_times: deque[tuple[float, str]] = deque()
        self._changed = asyncio.Event()
        self._closing = False
        self._poll_generation = 0
        self._in_flight = 0
        self._last_activity = 0.0
        self._serial = 0
        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port: int | None = None
        # each says whether a bot in this process is still handling an update (`wait_idle`)
        self.busy: list[Callable[[], bool]] = []
        self.webhook = WebhookPoster(self)  # posts updates while the bot has a webhook set

    # --- lifecycle --------------------------------------------------------------------

    def build_app(self) -> web.Application:
        """The aiohttp application (also used by ``python -m tests.stub_api``)."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        if self.control_routes:
            from .control import add_control_routes  # only needed standalone; avoids a cycle

            add_control_routes(app, self)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Serve on *host*; port 0 picks a free one (see :attr:`base_url`)."""
        self._closing = False
        self._runner = web.AppRunner(self.build_app(), access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self._host = host
        self._port = self._runner.addresses[0][1]
        self.webhook.start()

    async def stop(self) -> None:
        """Stop serving; pending long polls are answered at once so shutdown is fast."""
        self._closing = True
        self._notify()
        await self.webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "BotApiStub":
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``: the Bot API root."""
        if self._port is None:
            raise RuntimeError("BotApiStub is not started")
        return f"http://{self._host}:{self._port}"

    @property
    def bot_base_url(self) -> str:
        """What to give PTB as ``base_url``."""
        return f"{self.base_url}/bot"

    # --- HTTP -------------------------------------------------------------------------

    async def _read_raw(self, request: web.Request) -> dict[str, Any]:
        """The parameters as they arrived (query, form or JSON body, uploaded files)."""
        raw: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise ApiError(400, "Bad Request: can't parse JSON object") from None
                if isinstance(body, dict):
                    raw.update(body)
            else:
                form = await request.post()
                raw.update({k: v for k, v in form.items() if isinstance(v, str)})
                raw.update(
                    {
                        k: UploadedFile(v.filename, v.file.read())
                        for k, v in form.items()
                        if isinstance(v, web.FileField)
                    }
                )
        return raw

    async def _handle(self, request: web.Request) -> web.Response:
        try:
            raw = await self._read_raw(request)
        except ApiError as error:
            return web.json_response(error.body(), status=error.status)
        if request.match_info["token"] != self.token:
            body = {"ok": False, "error_code": 401, "description": "Unauthorized"}
            return web.json_response(body, status=401)
        name = request.match_info["method"]
        entry = METHODS.get(name.lower())
        call = Call(entry.name if entry else spec_method(name) or name, decode_params(raw))
        self._calls.append(call)
        polling = call.method == "getUpdates"
        loop = asyncio.get_running_loop()
        if not polling:
            self._in_flight += 1
            self._last_activity = loop.time()
        self._notify()
        try:
            status, body = await self._answer(entry, call, raw)
        finally:
            if not polling:
                self._in_flight -= 1
        call.status = status
        call.answered_at = time.monotonic()  # the clock `call.at` is on
        if not polling or (status == 200 and body["result"]):
            self._last_activity = loop.time()
        self._notify()
        return web.json_response(body, status=status)

    async def _answer(
        self, entry: Method | None, call: Call, raw: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        """Status and JSON body for one call: the Bot API's signature, latency, injected
        faults, then the method."""
        try:
            entry = self._check_request(entry, call, raw)
            delay = self._latency.get(call.method, self._latency.get("*", 0.0))
            if delay:
                await asyncio.sleep(delay)
            self._inject_fault(call)
            late = self._inject_random_fault(call)
            self._check_flood(call)
            if entry.handler is None:
                result: Any = await self._get_updates(Params(call.params))
            else:
                result = entry.handler(self.state, Params(call.params))
            call.performed = True
            if late:
                call.description = f"answered {late}s late"
                await asyncio.sleep(late)
            return 200, {"ok": True, "result": result}
        except ApiError as error:
            call.description = error.description
            call.retry_after = error.retry_after
            return error.status, error.body()
        except Exception as error:  # a stub bug must fail the test loudly, not hang it
            call.description = f"Internal Server Error: stub bug: {error!r}"
            _LOG.exception("stub failed on %s", call.describe())
            return 500, {"ok": False, "error_code": 500, "description": call.description}

    def _check_request(self, entry: Method | None, call: Call, raw: dict[str, Any]) -> Method:
        """The method's handler, once the request fits the published Bot API; a request
        that does not is refused and recorded in :attr:`schema_violations`."""
        if spec_method(call.method) is None:
            error = ApiError(404, "Not Found: method not found")
        elif (problem := check_params(call.method, raw)) is not None:
            error = bad_request(problem)
        elif entry is None:
            error = ApiError(404, f"Not Found: method not found (the stand-in lacks {call.method})")
        else:
            return entry
        shown = f"{call.method} {call.params}"
        shown = shown if len(shown) <= 300 else shown[:297] + "..."
        self.schema_violations.append(f"{error.description}  <-  {shown}")
        raise error

    def _chat_of(self, call: Call) -> str | None:
        """The chat a call is for: its chat_id, or the chat of the pressed button."""
        if call.params.get("chat_id") is not None:
            return str(call.params["chat_id"])
        query = self.state.callback_queries.get(str(call.params.get("callback_query_id")))
        return str(query.chat_id) if query is not None else None

    def _inject_fault(self, call: Call) -> None:
        for fault in self._faults:
            if fault.remaining <= 0 or fault.method != call.method.lower():
                continue
            if fault.chat_id is not None and self._chat_of(call) != str(fault.chat_id):
                continue
            fault.remaining -= 1
            raise ApiError(fault.status, fault.description, retry_after=fault.retry_after)

    def _inject_random_fault(self, call: Call) -> float:
        """Raise a drawn error fault; return how late to answer (0: on time)."""
        late = 0.0
        chat = self._chat_of(call)
        for fault in self._random_faults:
            if not fault.hits(call, chat):
                continue
            if fault.status is not None:
                raise ApiError(fault.status, fault.description, retry_after=fault.retry_after)
            late = max(late, fault.late)
        return late

    def _check_flood(self, call: Call) -> None:
        """Telegram's flood control on sending, when enabled by :meth:`set_flood_limit`."""
        if self._flood is None or call.method not in _FLOOD_METHODS:
            return
        now = asyncio.get_running_loop().time()
        while self._sent_times and now - self._sent_times[0][0] >= 1.0:
            self._sent_times.popleft()
        chat = str(call.params.get("chat_id"))
        in_chat = sum(1 for _, sent_chat in self._sent_times if sent_chat == chat)
        if len(self._sent_times) >= self._flood.per_second or (
            self._flood.per_chat is not None and in_chat >= self._flood.per_chat
        ):
            retry = self._flood.retry_after
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
        self._sent_times.append((now, chat))

    async def _get_updates(self, p: Params) -> list[dict[str, Any]]:
        if self.state.webhook_url:
            raise ApiError(409, _CONFLICT_WEBHOOK)
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # an older poll still waiting is now terminated
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self.state.allowed_updates = frozenset(allowed) if allowed else None
        self.state.confirm(p.integer("offset", "invalid offset", default=0))
        limit = min(max(p.integer("limit", "invalid limit", default=100), 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(max(p.number("timeout", 0.0), 0.0), self.max_poll_wait)
        while True:
            batch = self.state.take_updates(limit)
            if batch or self._closing or loop.time() >= deadline:
                return batch
            await self._wait_change(deadline - loop.time())
            if generation != self._poll_generation:
                raise ApiError(409, _CONFLICT_POLL)

    @contextlib.contextmanager
    def handing_over(self) -> Iterator[None]:
        """An update on its way to the bot's webhook: like a poll that returned updates,
        the bot is not idle until the post is answered and the quiet period passed."""
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1
            self._last_activity = asyncio.get_running_loop().time()
            self._notify()

    # --- waiting ----------------------------------------------------------------------

    @property
    def polls(self) -> int:
        """getUpdates requests received so far: a test waits for its long poll to be in."""
        return self._poll_generation

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_change(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), max(timeout, 0.0))

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10) -> None:
        """Wait until *predicate()* holds; re-checked on every request and every 50 ms."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() >= deadline:
                raise AssertionError(f"condition not met within {timeout}s\n{self.dump()}")
            await self._wait_change(min(0.05, deadline - loop.time()))

    async def wait_for_answer(self, query_id: str, timeout: float = 10) -> None:
        """Wait until the bot answered that callback query (successfully or not)."""
        try:
            await self.wait_for(lambda: bool(self.state.callback_attempts.get(query_id)), timeout)
        except AssertionError as error:
            raise AssertionError(f"callback query {query_id} was never answered\n{error}") from None

    async def wait_idle(self, timeout: float = 10, quiet: float = 0.2) -> None:
        """Wait until every queued update was fetched and the bot made no request for *quiet*
        seconds (long polls aside): the bot is done reacting to what it received. A bot
        running in the test's process also says when it is still handling one (`busy`), so
        a card drawn late on a loaded machine is waited for."""
        loop = asyncio.get_running_loop()

        def idle() -> bool:
            calm = loop.time() - self._last_activity >= quiet and self._in_flight == 0
            working = any(check() for check in self.busy)
            return calm and not working and self.state.all_updates_fetched()

        try:
            await self.wait_for(idle, timeout)
        except AssertionError as error:
            pending = [u["update_id"] for u in self.state.updates]
            raise AssertionError(f"bot not idle (pending updates {pending})\n{error}") from None

    # --- fault injection --------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str,
        retry_after: int | None = None,
        chat_id: int | None = None,
        count: int = 1,
    ) -> None:
        """Make the next *count* calls of *method* (for *chat_id* only, if given) fail; a
        press's answer (answerCallbackQuery) counts as a call for the pressed card's chat."""
        self._faults.append(
            _Fault(method.lower(), status, description, retry_after, chat_id, count)
        )

    def fail_randomly(
        self,
        method: str,
        probability: float,
        *,
        status: int,
        description: str,
        retry_after: int | None = None,
        chat_id: int | None = None,
        seed: int = 0,
    ) -> None:
        """A *probability* share of the calls of *method* ("*": any; for *chat_id* only, if
        given) fails with *status* and does not take effect; drawn from a seeded RNG."""
        self._random_faults.append(
            _RandomFault(
                method.lower(),
                probability,
                random.Random(seed),
                chat_id,
                status=status,
                description=description,
                retry_after=retry_after,
            )
        )

    def answer_late_randomly(
        self,
        method: str,
        probability: float,
        seconds: float,
        *,
        chat_id: int | None = None,
        seed: int = 0,
    ) -> None:
        """A *probability* share of the calls of *method* takes effect (the message is sent,
        the card edited) but is answered only after *seconds*: longer than the client's read
        timeout, this is "it arrived, but the answer timed out"."""
        self._random_faults.append(
            _RandomFault(method.lower(), probability, random.Random(seed), chat_id, late=seconds)
        )

    def answer_late_next(
        self, method: str, seconds: float, *, chat_id: int | None = None, count: int = 1
    ) -> None:
        """The next *count* calls of *method* (for *chat_id* only, if given) take effect but
        are answered only after *seconds*: :meth:`answer_late_randomly`, deterministic."""
        self._random_faults.append(
            _RandomFault(
                method.lower(), 1.0, random.Random(0), chat_id, late=seconds, remaining=count
            )
        )

    def clear_faults(self) -> None:
        """Forget pending :meth:`fail_next` faults and every random fault and late answer."""
        self._faults.clear()
        self._random_faults.clear()

    def retry_after_violations(self) -> list[tuple[Call, Call]]:
        """(429 answer, call) pairs: a call for the same chat that arrived before the
        answer's ``retry_after`` had passed.  Telegram's flood control answers these with
        another 429; a bot honouring retry_after makes none."""
        violations = []
        calls = self.calls
        for index, refused in enumerate(calls):
            if refused.status != 429 or not refused.retry_after or refused.answered_at is None:
                continue
            chat = refused.params.get("chat_id")
            if chat is None:
                continue
            until = refused.answered_at + refused.retry_after
            violations += [
                (refused, later)
                for later in calls[index + 1 :]
                if str(later.params.get("chat_id")) == str(chat)
                and refused.answered_at <= later.at < until
            ]
        return violations

    def set_flood_limit(
        self,
        per_second: int | None = 30,
        *,
        per_chat_per_second: int | None = None,
        retry_after: int = 1,
    ) -> None:
        """Refuse sendMessage with 429 beyond *per_second* messages in any second (and
        *per_chat_per_second* in one chat), like Telegram's flood control; None disables it.
        Off by default so ordinary tests are not timing-dependent."""
        self._flood = (
            None
            if per_second is None
            else _FloodLimit(per_second, per_chat_per_second, retry_after)
        )
        self._sent_times.clear()

    def set_latency(self, method: str, seconds: float) -> None:
        """Delay answers to *method* ("*" for every method) by *seconds*."""
        known = METHODS.get(method.lower())
        self._latency[known.name if known else method] = seconds

    @property
    def inline_mode(self) -> bool:
        """Inline mode, as switched on with BotFather's /setinline: getMe reports it, and
        only then can a person send inline queries.  Off by default, as for a new bot; PTB
        reads getMe once, so switch it on before the bot starts (``BotApiStub(inline_mode=)``
        or a fixture that runs before the bot's)."""
        return self.state.inline_mode

    @inline_mode.setter
    def inline_mode(self, on: bool) -> None:
        self.state.inline_mode = on

    @property
    def expire_presses_after(self) -> float | None:
        """Seconds a press waits for its answerCallbackQuery before Telegram refuses it
        ("query is too old ..."); 10 by default, None: never (see also
        :meth:`expire_callback_queries`)."""
        return self.state.press_timeout

    @expire_presses_after.setter
    def expire_presses_after(self, seconds: float | None) -> None:
        self.state.press_timeout = seconds

    # --- people -----------------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        *,
        first_name: str = "Test",
        language_code: str = "ru",
        username: str | None = None,
        last_name: str | None = None,
    ) -> None:
        """Make a person known (their chat exists) without them sending anything."""
        self.state.upsert_user(
            user_id,
            first_name=first_name,
            language_code=language_code,
            username=username,
            last_name=last_name,
        )

    def set_chat_members(
        self,
        chat_id: int,
        members: dict[int, str],
        *,
        chat_type: str = "supergroup",
        title: str = "Stub group",
    ) -> None:
        """The bot is in group *chat_id* (negative, registered on first use) and each
        person named has that status in it, as ``getChatMember`` answers: creator,
        administrator, member, restricted, ``restricted:left``, left or kicked. People
        not named keep theirs; anyone never named has "left"."""
        unknown = set(members.values()) - STATUSES
        if unknown:
            raise ValueError(f"not a chat member status: {sorted(unknown)}; one of {STATUSES}")
        self.state.upsert_group(chat_id, chat_type, title)
        for user_id, status in members.items():
            self.state.upsert_user(user_id)
            self.state.chat_members.setdefault(chat_id, {})[user_id] = status

    def block(self, user_id: int) -> None:
        """The person has blocked the bot (silently: no update is queued)."""
        self.state.upsert_user(user_id)
        self.state.blocked.add(user_id)

    set_kicked = block

    def unblock(self, user_id: int) -> None:
        """The person unblocked the bot (silently)."""
        self.state.blocked.discard(user_id)

    async def send_my_chat_member(self, user_id: int, status: str = "kicked") -> int:
        """The person blocks ("kicked") or restarts ("member") the bot; returns update_id."""
        return people.my_chat_member(self.state, user_id, status)

    def _next_serial(self) -> int:
        self._serial += 1
        return self._serial

    async def send_text(
        self,
        user_id: int,
        text: str,
        *,
        language_code: str | None = None,
        first_name: str | None = None,
    ) -> int:
        """The person sends *text*; commands get their bot_command entity. Returns update_id.

        *language_code* and *first_name* update the person's profile; on first contact they
        default to "ru" and "Test".
        """
        if not text.strip():
            raise AssertionError("a person cannot send an empty message")
        if utf16_len(text) > MAX_TEXT_LENGTH:
            raise AssertionError("Telegram clients split texts longer than 4096 characters")
        content = people.text_content(text)
        return people.send_content(
            self.state, user_id, content, first_name=first_name, language_code=language_code
        )

    async def send_raw_text(
        self, user_id: int, text: str, *, language_code: str | None = None
    ) -> int:
        """A text message as no Telegram client sends it (empty, whitespace only, over 4096
        characters): for fuzzing what a forged update can carry.  Returns update_id."""
        content = people.text_content(text)
        return people.send_content(self.state, user_id, content, language_code=language_code)

    async def edit_text(self, user_id: int, message_id: int, text: str) -> int:
        """The person edits one of their messages; returns update_id of `edited_message`."""
        return people.edit_text(self.state, user_id, message_id, text)

    async def send_sticker(
        self, user_id: int, *, emoji: str = "\N{THUMBS UP SIGN}", language_code: str | None = None
    ) -> int:
        """The person sends a sticker; returns update_id."""
        content = people.sticker_content(self._next_serial(), emoji)
        return people.send_content(self.state, user_id, content, language_code=language_code)

    async def send_photo(
        self, user_id: int, *, caption: str | None = None, language_code: str | None = None
    ) -> int:
        """The person sends a photo; returns update_id."""
        content = people.photo_content(self._next_serial(), caption)
        return people.send_content(self.state, user_id, content, language_code=language_code)

    async def send_voice(
        self, user_id: int, *, duration: int = 3, language_code: str | None = None
    ) -> int:
        """The person sends a voice note; returns update_id."""
        content = people.voice_content(self._next_serial(), duration)
        return people.send_content(self.state, user_id, content, language_code=language_code)

    async def send_document(
        self,
        user_id: int,
        *,
        file_name: str = "report.pdf",
        mime_type: str = "application/pdf",
        language_code: str | None = None,
    ) -> int:
        """The person sends a file; returns update_id."""
        content = people.document_content(self._next_serial(), file_name, mime_type)
        return people.send_content(self.state, user_id, content, language_code=language_code)

    async def send_contact(
        self,
        user_id: int,
        *,
        phone_number: str = "+77010000000",
        first_name: str = "Client",
        contact_user_id: int | None = None,
        language_code: str | None = None,
    ) -> int:
        """The person shares a contact; returns update_id."""
        content = people.contact_content(phone_number, first_name, contact_user_id)
        return people.send_content(self.state, user_id, content, language_code=language_code)

    async def send_location(
        self,
        user_id: int,
        *,
        latitude: float = 43.2389,
        longitude: float = 76.8897,
        language_code: str | None = None,
    ) -> int:
        """The person shares a location; returns update_id."""
        content = people.location_content(latitude, longitude)
        return people.send_content(self.state, user_id, content, language_code=language_code)

    async def send_group_message(
        self,
        chat_id: int,
        user_id: int,
        text: str | None = None,
        *,
        content: dict[str, Any] | None = None,
        chat_type: str = "supergroup",
        title: str = "Stub group",
    ) -> int:
        """The person writes *text* (or any *content*) in a group the bot is in (negative
        *chat_id*, registered on first use); returns update_id."""
        if content is None:
            if text is None:
                raise ValueError("give text or content")
            content = people.text_content(text)
        return people.group_message(
            self.state, chat_id, user_id, content, chat_type=chat_type, title=title
        )

    async def send_channel_post(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        content: dict[str, Any] | None = None,
        title: str = "Stub channel",
    ) -> int:
        """A post in a channel the bot administers (negative *chat_id*); returns update_id."""
        if content is None:
            if text is None:
                raise ValueError("give text or content")
            content = people.text_content(text)
        return people.channel_post(self.state, chat_id, content, title=title)

    async def send_inline_query(self, user_id: int, query: str, *, offset: str = "") -> str:
        """The person types "@bot *query*" in some chat; returns the inline query id."""
        return people.inline_query(self.state, user_id, query, offset)

    async def press_raw(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        *,
        chat_id: int | None = None,
    ) -> str:
        """A callback query from *user_id* with any *callback_data* on any bot message of
        *chat_id* (the person's own chat by default), whether or not such a button exists:
        forged, truncated or foreign data.  Returns the query id."""
        return people.press_raw(
            self.state, user_id, user_id if chat_id is None else chat_id, message_id, callback_data
        )

    async def press(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        *,
        language_code: str | None = None,
    ) -> str:
        """The person presses the button with *callback_data*; returns the query id."""
        return people.press(
            self.state, user_id, message_id, callback_data, language_code=language_code
        )

    async def press_button(
        self,
        user_id: int,
        label_substring: str,
        *,
        message_id: int | None = None,
        language_code: str | None = None,
    ) -> str:
        """Press the button whose label contains *label_substring*, on *message_id* or on the
        latest bot message with an inline keyboard; returns the query id."""
        if message_id is None:
            with_keyboard = [m for m in self.messages(user_id) if m.inline_keyboard]
            if not with_keyboard:
                raise AssertionError(
                    f"no bot message with buttons in chat {user_id}\n{self.dump()}"
                )
            message = with_keyboard[-1]
        else:
            found = self.state.find_message(user_id, message_id)
            found = found or self.state.gone_for_person(user_id, message_id)
            if found is None or not found.from_bot:
                raise AssertionError(f"chat {user_id} has no bot message #{message_id}")
            message = found
        button = people.find_button(message, label_substring)
        if "callback_data" not in button:
            raise AssertionError(f"button {button['text']!r} is not a callback button: {button}")
        return await self.press(
            user_id, message.message_id, button["callback_data"], language_code=language_code
        )

    def person_deletes(
        self, chat_id: int, message_id: int, *, edit_error: str = "MESSAGE_ID_INVALID"
    ) -> None:
        """The person deletes a bot message in their chat: the bot's later edits of it get
        "Bad Request: *edit_error*" (Telegram says MESSAGE_ID_INVALID while the Bot API
        server still has the message cached, "message to edit not found" once it has not),
        and a press on it (from another device still showing it) arrives as an
        inaccessible message: ``{chat, message_id, date: 0}``."""
        people.person_deletes(self.state, chat_id, message_id, edit_error)

    def expire_callback_queries(self) -> None:
        """Every unanswered query becomes too old (answers arriving after downtime)."""
        for query in self.state.callback_queries.values():
            if not query.answered:
                query.expired = True

    # --- inspection -------------------------------------------------------------------

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[Message]:
        """Bot-sent messages in the chat, in order, as they are now."""
        return self.state.bot_messages(chat_id, include_deleted=include_deleted)

    def last_message(self, chat_id: int) -> Message:
        """The latest bot message in the chat (AssertionError if there is none)."""
        messages = self.messages(chat_id)
        if not messages:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}\n{self.dump()}")
        return messages[-1]

    def user_messages(self, chat_id: int) -> list[Message]:
        """What the person sent in the chat."""
        return [m for m in self.state.chats.get(chat_id, []) if not m.from_bot]

    def reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The reply keyboard currently shown in the chat, if any."""
        return self.state.reply_keyboards.get(chat_id)

    def is_blocked(self, user_id: int) -> bool:
        return user_id in self.state.blocked

    @property
    def in_flight(self) -> int:
        """Requests (long polls aside) the stub is still answering."""
        return self._in_flight

    @property
    def calls(self) -> list[Call]:
        """Every request with how it was answered."""
        return list(self._calls)

    @property
    def requests(self) -> list[tuple[str, dict[str, Any]]]:
        """Every request the bot made, in order: (method, decoded params)."""
        return [(call.method, call.params) for call in self._calls]

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        """Params of every call of *method* (case-insensitive)."""
        return [call.params for call in self._calls if call.method.lower() == method.lower()]

    @property
    def callback_answers(self) -> dict[str, dict[str, Any]]:
        """Successfully answered queries with the answer's params (text, show_alert ...)."""
        return self.state.callback_answers

    @property
    def inline_answers(self) -> dict[str, dict[str, Any]]:
        """Successfully answered inline queries with the answer's params (results ...)."""
        return self.state.inline_answers

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """The command list set for that scope and language."""
        return list(self.state.commands.get(self.state.scope_key(scope, language_code), []))

    def description(self, language_code: str = "") -> str:
        return self.state.descriptions.get(language_code, "")

    def short_description(self, language_code: str = "") -> str:
        return self.state.short_descriptions.get(language_code, "")

    def dump(self, last_calls: int = 15) -> str:
        """Recent chat contents and requests, for failure messages."""
        lines = []
        for chat_id, messages in self.state.chats.items():
            lines.append(f"chat {chat_id}{' (blocked)' if chat_id in self.state.blocked else ''}:")
            lines += [f"  {m.describe()}" for m in messages[-10:]]
        calls = [c for c in self._calls if c.method != "getUpdates" or c.status != 200]
        lines.append(f"last {min(last_calls, len(calls))} requests (successful polls omitted):")
        lines += [f"  {c.describe()}" for c in calls[-last_calls:]]
        return "\n".join(lines)
