"""The Bot API misbehaving: 502s, answers that come after the read timeout, and 429s.

Why: Telegram does all three in production. A reply lost to a 502 must not cost the person
their place in the call; a request that arrived but whose answer timed out must not be
sent again (the person would see the message twice) nor move the call twice; a 429 for one
chat means "nothing for this chat for retry_after seconds" and must not hold up anyone
else. People here walk a whole call while the stand-in injects the faults at random
(seeded), re-tapping when a reply does not come, as a person would.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.harness import RunningBot
from tests.robustness import COMPLAINT, Walker, collect_errors, control_walks, settle
from tests.stub_api import BotApiStub, Call

# The bot's HTTP layer (PTB's HTTPXRequest or the bot's aiohttp one) gives up reading after
# its default 5 s and raises TimedOut; the stand-in answers these calls later still, after
# the call took effect ("it arrived, but the answer timed out").
LATE = 5.5
TOO_MANY = "Too Many Requests: retry after {}"
SENDING = ("sendMessage", "editMessageText", "editMessageReplyMarkup", "deleteMessage")
RECORD_FIELDS = ("call_no", "outcome", "flareups", "complaint", "promise", "fault", "due_at")


# PTB 22 warns inside RetryAfter itself that retry_after will become a timedelta.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def stored(db_path: Path, user_id: int) -> dict[str, Any]:
    """What the database holds for a person's call: the dialog and every call record."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        db.row_factory = sqlite3.Row
        dialog = db.execute(
            "SELECT node, revision FROM dialogs WHERE user_id = ? AND flow = 'call'", (user_id,)
        ).fetchone()
        calls = db.execute(
            f"SELECT {', '.join(RECORD_FIELDS)} FROM calls WHERE user_id = ? ORDER BY call_no",
            (user_id,),
        ).fetchall()
    return {
        "node": dialog["node"] if dialog else None,
        "revision": dialog["revision"] if dialog else None,
        "calls": [dict(row) for row in calls],
    }


def repeated_without_cause(stub: BotApiStub, walker: Walker) -> list[str]:
    """Consecutive identical sends (or edits) to the person's chat with no action of theirs
    in between: a request the bot made twice, e.g. retried after a timeout."""
    found = []
    previous: dict[str, Call] = {}
    events = sorted(
        [
            (c.at, "call", c)
            for c in stub.calls
            if c.performed
            and c.method in ("sendMessage", "editMessageText")
            and str(c.params.get("chat_id")) == str(walker.user_id)
        ]
        + [(t, "action", None) for t in walker.actions],
        key=lambda e: e[0],
    )
    for _, kind, call in events:
        if kind == "action" or call is None:
            previous.clear()
            continue
        before = previous.get(call.method)
        same = ("text", "message_id", "reply_markup")
        if before is not None and all(before.params.get(k) == call.params.get(k) for k in same):
            found.append(f"{call.method} twice: {str(call.params.get('text'))[:60]!r}")
        previous[call.method] = call
    return found


async def test_502s_and_late_answers_never_double_a_message_or_a_step(
    stub: BotApiStub, bot: RunningBot, db_path: Path
) -> None:
    """Four people walk a whole call while 502s and after-the-timeout answers hit every
    kind of reply; their calls must end exactly like a fault-free walk."""
    controls, expected = await control_walks(stub, 990_000)
    for lang, screens in expected.items():
        assert len(set(screens)) == len(screens), f"every {lang} step shows a new card"
    await settle(stub, bot.app)

    for seed, method in enumerate(("sendMessage", "editMessageText", "answerCallbackQuery")):
        stub.fail_randomly(method, 0.12, status=502, description="Bad Gateway", seed=seed)
        stub.answer_late_randomly(method, 0.06, LATE, seed=100 + seed)
    walkers = [Walker(stub, 991_000 + n, ("ru", "kk")[n % 2]) for n in range(4)]
    with collect_errors() as errors:
        await asyncio.gather(*(w.walk(expected[w.lang]) for w in walkers))
        stub.clear_faults()
        await settle(stub, bot.app)

    faulted = [c for c in stub.calls if c.status == 502 or (c.description or "").endswith("late")]
    late = [c for c in faulted if c.performed]
    print(f"\nfaults: {len(faulted) - len(late)} 502s, {len(late)} late answers")
    assert len(late) < len(faulted) and late, "the run must actually have met both kinds of fault"
    for walker in walkers:
        control = stored(db_path, controls[walker.lang].user_id)
        assert stored(db_path, walker.user_id) == control, (
            f"{walker.user_id} ({walker.lang}, {walker.retries} re-taps): the call must be saved "
            "exactly as without faults, one step per press"
        )
        assert repeated_without_cause(stub, walker) == []
    assert [e for e in errors.with_exceptions if e.logger.startswith("tests.stub_api")] == []


FAULTS = (
    ("answerCallbackQuery", "502"),
    ("answerCallbackQuery", "late"),
    ("editMessageText", "502"),
    ("editMessageText", "late"),
)


async def test_each_fault_on_a_press_costs_one_re_tap_and_never_a_second_step(
    stub: BotApiStub, bot: RunningBot, db_path: Path
) -> None:
    """The random walk above, pinned: one fault on the press's answer or on the card's
    edit, then the person taps the same button again — the card must catch up (at most
    two re-taps) with the step taken once."""
    control = Walker(stub, 994_000, "ru")
    await control.do("type", "/call")
    await control.do("tap", "Слушаю клиента")
    expected, expected_saved = control.screen(), stored(db_path, control.user_id)
    people = [Walker(stub, 994_001 + n, "ru") for n in range(len(FAULTS))]
    for walker, (method, kind) in zip(people, FAULTS, strict=True):
        await walker.do("type", "/call")
        if kind == "502":
            stub.fail_next(method, status=502, description="Bad Gateway", chat_id=walker.user_id)
        else:
            stub.answer_late_next(method, LATE, chat_id=walker.user_id)

    async def press_until_caught_up(walker: Walker) -> None:
        for _ in range(3):
            await walker.do("tap", "Слушаю клиента")
            if walker.screen() == expected:
                return

    await asyncio.gather(*(press_until_caught_up(w) for w in people))
    await settle(stub, bot.app)

    def toasts(walker: Walker) -> list[str]:
        answers = [c for c in walker.mine(stub.calls) if c.method == "answerCallbackQuery"]
        return [str(c.params.get("text", "")) for c in answers]

    stuck = [
        f"{method} {kind}: card still {walker.screen()[0][:30]!r} after "
        f"{len(walker.queries)} taps answered {toasts(walker)}"
        for walker, (method, kind) in zip(people, FAULTS, strict=True)
        if walker.screen() != expected
    ]
    assert stuck == [], "after the fault the card never caught up:\n" + "\n".join(stuck)
    for walker in people:
        assert stored(db_path, walker.user_id) == expected_saved, "one step, taken once"


def violations(stub: BotApiStub) -> list[str]:
    return [
        f"{later.method} to chat {later.params.get('chat_id')} "
        f"{later.at - refused.answered_at:.2f}s after a 429 with retry_after={refused.retry_after}"
        for refused, later in stub.retry_after_violations()
        if refused.answered_at is not None
    ]


async def test_a_429_holds_only_that_chat_and_for_retry_after(
    stub: BotApiStub, bot: RunningBot, db_path: Path
) -> None:
    """One chat gets a 429 with retry_after=4 on its card; others walk on meanwhile, the
    bot sends that chat nothing for 4 s, and the press it lost is taken exactly once."""
    slowed = Walker(stub, 992_001, "ru")
    others = [Walker(stub, 992_002 + n, "ru") for n in range(3)]
    others_ids = {walker.user_id for walker in others}
    control = Walker(stub, 992_100, "ru")
    expected = await control.walk()
    for walker in (slowed, *others):
        await walker.do("type", "/call")
    await settle(stub, bot.app)

    stub.fail_next(
        "editMessageText",
        status=429,
        description=TOO_MANY.format(4),
        retry_after=4,
        chat_id=slowed.user_id,
    )
    await slowed.do("tap", "Слушаю клиента")
    refused = next(c for c in stub.calls if c.status == 429)
    assert refused.answered_at is not None
    slowed.patient = True
    lost_step = asyncio.create_task(slowed.do("tap", "Слушаю клиента"))  # waits out the 429

    async def two_steps(walker: Walker) -> None:
        await walker.do("tap", "Слушаю клиента")
        await walker.do("type", COMPLAINT)

    await asyncio.gather(*(two_steps(w) for w in others))
    others_done = max(c.at for c in stub.calls if c.params.get("chat_id") in others_ids)
    for walker in others:
        assert walker.screen() == expected[2], "the others' calls moved on normally"
    await lost_step
    await settle(stub, bot.app)
    after_429 = [
        c.at
        for c in stub.calls
        if c.params.get("chat_id") == slowed.user_id and c.at > refused.answered_at
    ]
    assert others_done < min(after_429), "the others went on while that chat waited"
    assert slowed.screen() == expected[1], "after the wait the lost step shows, taken once"
    assert (
        stored(db_path, slowed.user_id)["revision"]
        == stored(db_path, others[0].user_id)["revision"] - 1
    ), "one step for the 429'd press, like the others' first step"
    early = violations(stub)
    assert early == [], f"nothing may be sent to a chat before its retry_after passed: {early}"


async def test_429s_on_a_share_of_one_chats_calls_are_waited_out_and_others_go_on(
    stub: BotApiStub, bot: RunningBot, db_path: Path
) -> None:
    """A third of one chat's sends and edits get 429 (retry_after 1 s) for a whole call, while
    two others walk theirs: every walk ends as a fault-free one, the throttled chat never
    gets a request inside a retry_after window."""
    controls, expected = await control_walks(stub, 993_000)
    await settle(stub, bot.app)
    throttled = Walker(stub, 993_100, "kk", patient=True)
    others = [Walker(stub, 993_101, "ru"), Walker(stub, 993_102, "kk")]
    for seed, method in enumerate(SENDING):  # Telegram's flood control is on sending
        stub.fail_randomly(
            method,
            0.33,
            status=429,
            description=TOO_MANY.format(1),
            retry_after=1,
            chat_id=throttled.user_id,
            seed=42 + seed,
        )
    await asyncio.gather(*(w.walk(expected[w.lang]) for w in (throttled, *others)))
    stub.clear_faults()
    await settle(stub, bot.app)
    assert any(c.status == 429 for c in stub.calls), "the run must actually have met 429s"
    for walker in (throttled, *others):
        assert stored(db_path, walker.user_id) == stored(db_path, controls[walker.lang].user_id), (
            f"{walker.user_id}: the call must be saved exactly as without faults"
        )
    early = violations(stub)
    assert early == [], f"nothing may be sent to a chat before its retry_after passed: {early}"


async def test_a_note_line_sent_again_after_its_reply_was_lost_is_kept_once(
    stub: BotApiStub, bot: RunningBot, db_path: Path
) -> None:
    """Before listen took more than one line, a re-sent line met a card that had moved on
    and was asked for again; a note must not double because Telegram refused one edit."""
    walker = Walker(stub, 995_000, "ru", patient=True)
    await walker.do("type", "/call")
    await walker.do("tap", "Слушаю клиента")
    stub.fail_next(
        "editMessageText",
        status=429,
        description=TOO_MANY.format(1),
        retry_after=1,
        chat_id=walker.user_id,
    )
    await walker.do("type", COMPLAINT)
    assert COMPLAINT not in walker.screen()[0], "the card did not show the note"
    await walker.do("type", COMPLAINT)  # so the person sends it again
    assert [call["complaint"] for call in stored(db_path, walker.user_id)["calls"]] == [COMPLAINT]
