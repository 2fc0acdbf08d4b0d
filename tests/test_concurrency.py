"""One person's updates run one at a time; different people's run side by side."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.adapter.processor import PerUserUpdateProcessor


def update_from(user_id: int, update_id: int) -> Update:
    user = User(user_id, "T", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, None, chat, from_user=user, text="x"))


async def run(processor, updates, log, hold):
    async def handle(update: Update) -> None:
        log.append(("start", update.update_id))
        await hold.wait()
        log.append(("end", update.update_id))

    tasks = [asyncio.create_task(processor.process_update(u, handle(u))) for u in updates]
    for _ in range(20):  # every task that can start has its turns: no clock involved
        await asyncio.sleep(0)
    started = [uid for event, uid in log if event == "start"]
    hold.set()
    await asyncio.gather(*tasks)
    return started


async def test_updates_of_one_person_wait_for_each_other_in_order():
    processor, log = PerUserUpdateProcessor(), []
    started = await run(processor, [update_from(1, n) for n in (1, 2, 3)], log, asyncio.Event())
    assert started == [1]
    assert log == [("start", 1), ("end", 1), ("start", 2), ("end", 2), ("start", 3), ("end", 3)]
    assert processor._locks == {}


async def test_a_slow_person_does_not_hold_up_anyone_else():
    processor, log = PerUserUpdateProcessor(), []
    started = await run(processor, [update_from(n, n) for n in (1, 2, 3)], log, asyncio.Event())
    assert sorted(started) == [1, 2, 3]
