"""The advice library end to end: situations, the check, tips and search, as a person uses them."""

from __future__ import annotations

import pytest

from tests.harness import Person


async def test_a_user_reads_a_playbook_page_by_page_and_jumps_into_the_coach(stub, bot):
    olga = Person(stub, 2001)
    await olga.types("/situations")
    assert olga.card.text.startswith("📚 Трудные ситуации")
    await olga.taps("Оплата")
    assert olga.labels()[:2] == ["Клиент не платит", "Странная схема оплаты"]
    await olga.taps("Клиент не платит")
    library_card = olga.card.message_id
    assert olga.card.text.startswith("📘 Клиент не платит · 1/4")
    assert "Как это выглядит" in olga.card.text and "Почему так бывает" in olga.card.text
    await olga.taps("Дальше")
    assert "2/4" in olga.card.text and "\n1. " in olga.card.text
    await olga.taps("Дальше")
    assert "3/4" in olga.card.text and "💬" in olga.card.text and "⛔" in olga.card.text
    await olga.taps("Дальше")
    assert "4/4" in olga.card.text and "Если не помогает — по ступеням" in olga.card.text
    assert "Дальше ▶" not in olga.labels()
    await olga.taps("◀ Назад")
    assert "3/4" in olga.card.text
    await olga.taps("Странная схема оплаты")
    assert olga.card.text.startswith("📘 Странная схема оплаты · 1/3")
    assert olga.card.message_id == library_card, "the library is one card, edited in place"
    await olga.taps("Начать коуч сейчас")
    assert olga.card.text.startswith("1/5 · Слушать")
    assert olga.card.message_id != library_card


async def test_a_kazakh_user_browses_the_library_in_kazakh(stub, bot):
    dana = Person(stub, 2002, "kk")
    await dana.types("/situations")
    assert "Жағдай" in dana.card.text
    await dana.taps("💸")
    await dana.taps("Клиент төлемейді")
    assert dana.card.text.startswith("📘 Клиент төлемейді · 1/4")
    await dana.taps("Келесі")
    assert "2/4" in dana.card.text


QUIET = ["Грубости нет", "Трудный момент", "Да, может", "Да, дело", "Нет", "Нет"]  # 1–6
SETTLED = ["Платит", "Нет", "Да, договорились", "Да"]  # payment, advice, expectations, promises
KEEP_PROMISES = "Выполните всё, что уже обещали клиенту."


@pytest.mark.parametrize(
    ("answers", "verdict"),
    [
        (["Повторяются"], "🚪 Оскорбления повторяются: пора расставаться"),
        (
            ["Одна вспышка", "Так всегда", "Нет, ничего", *QUIET[3:], *SETTLED],
            "🚪 Клиента не устроит ничего: пора расставаться",
        ),
        ([*QUIET[:2], "Нет, ничего", "Ещё нет", *QUIET[4:], *SETTLED], "🪞 Сначала проверьте"),
        ([*QUIET, *SETTLED], "🤝 Клиент с проблемой"),
        ([QUIET[0], "Так всегда", *QUIET[2:], *SETTLED], "📐 Такой характер"),
        ([*QUIET[:4], "Да", *QUIET[5:], *SETTLED], "🔧 Клиента можно удержать"),
        ([*QUIET, "Не платит", "Нет", "Да, договорились", "Ещё нет"], "💸 Клиент не платит"),
        ([*QUIET, "Платит", "Нет", "Нет, не обсуждали", "Ещё нет"], "🧭 Сначала"),
    ],
)
async def test_the_check_reaches_each_verdict_with_its_reasons(stub, bot, answers, verdict):
    pavel = Person(stub, 2003)
    await pavel.types("/check")
    assert pavel.card.text.startswith("Оставить клиента или расстаться? · 1/10")
    for answer in answers:
        await pavel.taps(answer)
    assert pavel.card.text.startswith(verdict)
    assert "Почему так" in pavel.card.text
    if answers[-1] == "Ещё нет" or answers == ["Повторяются"]:
        # promises not kept (or never asked about) come first, and are not repeated as a reason
        assert f"\n1. {KEEP_PROMISES}" in pavel.card.text
        assert "не все ваши обязательства выполнены" not in pavel.card.text
    else:
        assert KEEP_PROMISES not in pavel.card.text
    await pavel.taps("◀ Назад")
    assert pavel.card.text.startswith("Оставить клиента или расстаться?")
    await pavel.taps("↺ Заново")
    assert " · 1/10" in pavel.card.text


async def test_twenty_tips_in_a_row_never_repeat(stub, bot):
    rita = Person(stub, 2004)
    await rita.types("/tip")
    for _ in range(19):
        await rita.taps("Ещё совет")
    tips = [m.text for m in rita.messages if m.text.startswith("💡 Совет")]
    assert len(tips) == 20 and len(set(tips)) == 20


async def test_a_described_situation_offers_its_playbook(stub, bot):
    sam = Person(stub, 2005)
    await sam.types("клиент второй месяц не платит")
    assert sam.last.text.startswith("Похоже на эти ситуации")
    assert sam.labels(sam.last)[0] == "Клиент не платит"
    await sam.taps("Клиент не платит", message_id=sam.last.message_id)
    assert sam.card.text.startswith("📘 Клиент не платит · 1/4")
    aruzhan = Person(stub, 2006, "kk")
    await aruzhan.types("тапсырыс беруші төлемейді")
    assert aruzhan.labels(aruzhan.last)[0] == "Клиент төлемейді"
