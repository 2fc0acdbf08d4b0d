"""What the trainer teaches is safe to say on a real call, and it never marks down the
coach's own advice.

A model answer is what a person will repeat to an angry client. "Our failure cost you
those orders" said on a call is an admission someone can hold the company to; 003 asks
only for an apology on behalf of the company for the situation. And a person marked down
in /practice for the very phrase /call then recommends trusts neither.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from bot.content.catalog_check import PHRASE_MARK
from bot.content.render import plain_text
from dialogs.call_flow import CALL_FLOW
from dialogs.engine import DialogState, screen
from dialogs.practice_judge import BAD, GOOD, judge, normal
from dialogs.practice_scenarios import SCENARIOS, STAGES
from tests.conftest import ALMATY

LANGUAGES = ("ru", "kk")

# Words that say our side caused the client's trouble or owes for it («ё» read as «е»).
ADMISSIONS = {
    "ru": re.compile(
        r"\bнаш(а|его|ей|у|им)? (ошибк|сбо|вин|промах|недосмотр)|по нашей вине|мы ошиблись"
        r"|\bмы виноват|вина (наша|на нас)|наша ответственность|нашей ответственност"
        r"|мы (несем|берем на себя) ответственность|из-за (этого|нас|нашего|нашей|наших)"
        r"|стоил[аио]? вам|(возместим|компенсируем) ваш",
        re.IGNORECASE,
    ),
    "kk": re.compile(
        r"біздің (қате|ақау|кінә|олқылық)|кінә(міз| бізде)|біз кінәлі|қате бізде"
        r"|бізден (болды|кетті|өтті)|жауапкершілігіміз|жауапкершілік бізде|біз жауаптымыз"
        r"|кесірінен|салдарынан|шығын(ыңыз|дарыңыз)ды (өтейміз|төлейміз)",
        re.IGNORECASE,
    ),
}

# A call under way: a typed complaint and promise, a call-back chosen for two hours on.
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=ALMATY)
CALL = {
    "ru": {"complaint": "Сайт лежит третий день", "promise": "Починим к 18:00"},
    "kk": {"complaint": "Сайт үш күннен бері істемейді", "promise": "Кешке дейін түзетеміз"},
}
CALL_BACK = {
    "remind": "cb2h",
    "due_at": (NOW + timedelta(hours=2)).isoformat(),
    "due_days": "0",
    "fault": "ours",
}
BLANK_FILLED = "16:00"  # a «…» is a blank the person fills aloud: the resolve card's deadline


def model_answers(catalog, lang: str) -> Iterator[tuple[str, str, str]]:
    """Every scenario's good reply at every stage, as (key, stage, text)."""
    for scenario in SCENARIOS:
        for stage in STAGES:
            key = f"practice.{scenario.id}.{stage}.good"
            yield key, stage, catalog.value(lang, key)


def coach_phrases(renderer, lang: str) -> dict[tuple[str, str], None]:
    """Every 💬 phrase of every live card as (card, phrase), rendered as /call shows it."""
    values = {**CALL[lang], **CALL_BACK}
    phrases: dict[tuple[str, str], None] = {}
    for node in CALL_FLOW.nodes.values():
        state = DialogState("call", node.id, values=dict(values), history=(("calm", 0),))
        html = renderer.render(lang, screen(CALL_FLOW, state, NOW)).html
        for line in plain_text(html).splitlines():
            if line.startswith(PHRASE_MARK):
                said = line.removeprefix(PHRASE_MARK).replace("…", BLANK_FILLED)
                phrases[node.card.removeprefix("call."), said] = None
    return phrases


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_model_answer_admits_that_our_side_caused_the_clients_losses(catalog, lang):
    admissions = [
        (key, text)
        for key, _, text in model_answers(catalog, lang)
        if ADMISSIONS[lang].search(normal(text))
    ]
    assert admissions == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_model_answer_typed_in_word_for_word_gets_a_tick(catalog, lang):
    """The answer the card offers as good is what the judge calls good, never "can't judge"."""
    unjudged = [
        (key, judge(text, stage))
        for key, stage, text in model_answers(catalog, lang)
        if judge(text, stage).kind != GOOD
    ]
    assert unjudged == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_phrase_the_live_coach_recommends_is_marked_a_mistake_at_any_stage(
    catalog, renderer, lang
):
    phrases = coach_phrases(renderer, lang)
    live = {
        key.removeprefix("call.").removesuffix(".lead")
        for key in catalog.raw[lang]
        if key.startswith("call.") and key.endswith(".lead")
    }
    assert {card for card, _ in phrases} == live  # every live card's phrases were read
    marked = [
        (card, phrase, stage, judge(phrase, stage).rule)
        for card, phrase in phrases
        for stage in STAGES
        if judge(phrase, stage).kind == BAD
    ]
    assert marked == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_admission_patterns_catch_the_answers_the_review_found(lang):
    """The patterns above are no formality: they catch the replies the trainer once taught."""
    once = {
        "ru": [
            "Приношу извинения от имени студии: это наш сбой, и он стоил вам заказов и нервов.",
            "и вчера из-за этого ушёл крупный клиент. Верно?",
            "обновление сломало вам работу, и это наша ответственность.",
            "мы сорвали срок и не предупредили вас вовремя. Это наша ошибка.",
        ],
        "kk": [
            "бұл біздің ақауымыз, соның кесірінен тапсырыстардан айырылдыңыз.",
            "жаңарту жұмысыңызды бұзды, бұл біздің жауапкершілігіміз.",
            "Бұл біздің қателігіміз.",
        ],
    }[lang]
    assert all(ADMISSIONS[lang].search(normal(text)) for text in once)
