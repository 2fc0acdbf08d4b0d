"""One person flooding the bot: nobody else waits behind it, and the flood is capped.

Why: a pasted chat log or a runaway script sends hundreds of messages at once. The bot
handles one person's updates in order, so without a cap the flooder gets hundreds of
identical replies (and Telegram's per-chat limit makes them crawl for minutes), while
someone in the middle of a tense call must still get each card at once.

No wall-clock thresholds: "not waiting behind the flood" is counted in the bot's own
requests — how many of the flooder's requests came between a press of the other person
and the bot's answer to it.
"""

from __future__ import annotations

from tests.harness import RunningBot
from tests.robustness import COMPLAINT, Texts, Walker, plain, settle
from tests.stub_api import BotApiStub

FLOOD = 500
FAR_FEWER = 50  # replies a flooder may get for FLOOD messages
NOT_BEHIND = 30  # the flooder's requests that may come between a press and its answer


async def test_500_messages_at_once_hold_up_no_one_and_get_one_short_note(
    stub: BotApiStub, bot: RunningBot, catalog: Texts
) -> None:
    """A Russian person sends 500 messages in one go while a Kazakh person walks a whole
    call: the call's every step is answered at once, the flood gets one short note."""
    flooder = Walker(stub, 41_001, "ru")
    await flooder.do("type", "/call")
    await flooder.do("tap", "Слушаю клиента")
    await flooder.do("type", COMPLAINT)
    await flooder.do("tap", "Клиент высказался")
    await flooder.do("tap", "Да, клиент подтвердил")  # triage takes no text: each message is noise
    await settle(stub, bot.app)
    shown_before = len(stub.messages(flooder.user_id))
    flood_starts = len(stub.calls)

    for number in range(FLOOD):
        await stub.send_text(flooder.user_id, f"алло? вы тут? {number}")
    other = Walker(stub, 41_002, "kk")
    await other.walk()
    other_screen = other.screen()[0]

    def flooder_requests(start: int, end: int) -> int:
        chat = str(flooder.user_id)
        return sum(str(c.params.get("chat_id")) == chat for c in stub.calls[start:end])

    before_first_answer = flooder_requests(flood_starts, other.answers[0][1])
    behind = [flooder_requests(start, reply) for start, reply in other.answers]
    await settle(stub, bot.app, timeout=120)
    replies = stub.messages(flooder.user_id)[shown_before:]
    one_moment = plain(catalog.text("ru", "ui.messages.one_moment"))

    assert other_screen.startswith("✅ Қоңырау сақталды"), "the other person's call went through"
    assert before_first_answer < FLOOD // 2, (
        f"the other person was first answered only after {before_first_answer} of the "
        f"flooder's {FLOOD} messages had been answered"
    )
    assert max(behind) <= NOT_BEHIND, (
        f"the other person's presses waited behind up to {max(behind)} of the flooder's replies"
    )
    notes = [m for m in replies if m.text == one_moment]
    assert len(notes) == 1, (
        f"the flooder must get one 'one moment' note, got {len(notes)} among {len(replies)} "
        f"replies (first: {[m.text[:50] for m in replies[:2]]})"
    )
    assert len(replies) <= FAR_FEWER, f"{len(replies)} replies to a flood of {FLOOD} messages"
