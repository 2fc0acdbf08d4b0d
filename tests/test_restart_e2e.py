"""Crash safety: `python -m bot` killed with SIGKILL mid-call continues exactly after a restart."""

from __future__ import annotations

from tests.harness import TOKEN, BotProcess, Person
from tests.stub_api import BotApiStub

STEPS = [
    ("tap", "Слушаю клиента"),
    ("type", "Счёт выставлен <дважды> & никто не отвечает"),
    ("tap", "Клиент высказался"),
    ("tap", "Да, клиент подтвердил"),
    ("tap", "Не наша"),
    ("tap", "Дальше: решение"),
    ("type", "вернём лишний платёж завтра"),
    ("tap", "Через 3 дня"),
]
KILL_AFTER = 2  # on listen, the note just typed: the card stays and must survive


async def start_bot(stub: BotApiStub, db_path) -> BotProcess:
    process = BotProcess(stub, db_path)
    polls = len(stub.calls_of("getUpdates"))
    await process.start()
    await stub.wait_for(lambda: len(stub.calls_of("getUpdates")) > polls, timeout=30)
    return process


async def act(person: Person, step: tuple[str, str]) -> str:
    kind, value = step
    if kind == "tap":
        await person.taps(value)
    else:
        await person.types(value)
    return person.card.text


async def test_a_restart_in_the_middle_of_a_call_continues_identically(stub, db_path):
    steady, crashed = Person(stub, 11), Person(stub, 12)
    process = await start_bot(stub, db_path)
    for person in (steady, crashed):
        await person.types("/call")
    crashed_card = crashed.card.message_id
    expected = [await act(steady, step) for step in STEPS]

    seen = [await act(crashed, step) for step in STEPS[:KILL_AFTER]]
    output = await process.kill()
    assert TOKEN.split(":")[1] not in output, "the token leaked into the log"
    process = await start_bot(stub, db_path)
    seen += [await act(crashed, step) for step in STEPS[KILL_AFTER:]]
    await process.terminate()

    assert seen == expected
    assert crashed.card.message_id == crashed_card, "the same card goes on after the restart"
    assert seen[-1].startswith("✅ Звонок сохранён")


async def test_a_press_caught_by_the_kill_is_taken_once(stub, db_path):
    person = Person(stub, 21)
    process = await start_bot(stub, db_path)
    await person.types("/call")
    await stub.press_button(person.id, "Слушаю клиента")
    await process.kill()
    process = await start_bot(stub, db_path)
    await stub.wait_idle(quiet=0.5)
    await person.taps("Клиент высказался")
    await process.terminate()
    assert person.card.text.startswith("2/5 · Пересказ"), "one step per press, never two"
