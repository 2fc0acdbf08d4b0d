"""The advice library as data: search by description, the check's verdicts, tip order."""

from __future__ import annotations

import random
import tomllib
from pathlib import Path

import pytest

from bot.library.search import PlaybookSearch
from dialogs.check_flow import (
    CHECK_FLOW,
    CLIENT_WITH_PROBLEM,
    COLLECT_DEBT,
    HOLD_THE_FRAME,
    PROBLEM_CLIENT,
    RESET_EXPECTATIONS,
    reasons,
    verdict,
)
from dialogs.engine import Press, start, step
from dialogs.library import SITUATIONS, WITH_LADDER, pages
from dialogs.matching import rank, words
from dialogs.tips import choose_tip

DATA = Path(__file__).parent / "data"


def phrasings(lang: str) -> list[tuple[str, str]]:
    cases = []
    for file in sorted(DATA.glob("phrasings_*.toml")):
        with file.open("rb") as handle:
            cases += [tuple(case) for case in tomllib.load(handle)[lang]]
    return cases


@pytest.fixture(scope="module")
def search(catalog) -> PlaybookSearch:
    return PlaybookSearch(catalog)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_described_situations_find_their_playbook_in_the_top_three(search, lang):
    cases = phrasings(lang)
    assert len(cases) >= 20
    assert {expected for _, expected in cases} <= set(SITUATIONS)
    misses = [(text, want) for text, want in cases if want not in search.find(text)]
    assert len(misses) <= 0.15 * len(cases), misses


def test_the_issue_examples_are_recognised(search):
    assert search.find("клиент второй месяц не платит")[0] == "non_payment"
    assert search.find("клиент төлемейді")[0] == "non_payment"
    assert "scope_creep" in search.find("заказчик опять поменял ТЗ")


def test_an_unrelated_text_finds_nothing(search):
    assert search.find("добрый день") == []
    assert search.find("😀 123") == []


def test_matching_folds_case_and_yo_and_prefers_longer_stems():
    assert words("Ещё ОРЁТ!") == ["еще", "орет"]
    keywords = {"a": ["пла"], "b": ["платеж"], "c": ["другое"]}
    assert rank("платежи не идут", keywords) == ["b", "a"]


def test_every_playbook_has_its_pages_and_the_two_ladders(catalog):
    for situation in SITUATIONS:
        for lang in catalog.languages:
            for field in ("title", "looks", "why", "steps", "say", "never", "keywords"):
                assert catalog.has(lang, f"situations.{situation}.{field}"), (situation, field)
            assert 2 <= len(catalog.value(lang, f"situations.{situation}.say")) <= 3
    assert {"non_payment", "scope_creep"} == WITH_LADDER
    assert pages("non_payment")[-1] == "ladder" and "ladder" not in pages("sabotage")


CALM = {
    "rude": "no",
    "pattern": "moment",
    "satisfy": "yes",
    "payment": "fine",
    "expectations": "yes",
}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"rude": "often"}, PROBLEM_CLIENT),
        ({**CALM, "rude": "once"}, CLIENT_WITH_PROBLEM),  # one outburst never decides
        ({**CALM, "pattern": "always", "nerves": "yes"}, PROBLEM_CLIENT),
        ({**CALM, "satisfy": "no", "revisions": "yes"}, PROBLEM_CLIENT),
        ({**CALM, "satisfy": "no", "pattern": "always"}, PROBLEM_CLIENT),
        ({**CALM, "payment": "unpaid"}, COLLECT_DEBT),
        ({**CALM, "payment": "unpaid", "pattern": "always", "advice": "yes"}, PROBLEM_CLIENT),
        ({**CALM, "expectations": "partly"}, RESET_EXPECTATIONS),
        ({**CALM, "pattern": "always"}, HOLD_THE_FRAME),  # never "a hard period"
        ({**CALM, "pattern": "always", "expectations": "no"}, RESET_EXPECTATIONS),
        ({**CALM, "pattern": "unsure", "payment": "hard"}, CLIENT_WITH_PROBLEM),
        (CALM, CLIENT_WITH_PROBLEM),
    ],
)
def test_the_check_decides_every_combination(answers, expected):
    assert verdict(answers) == expected


def test_always_like_this_never_ends_in_a_hard_period():
    for drains in ({}, {"nerves": "yes"}, {"payment": "unpaid"}, {"expectations": "no"}):
        assert verdict({**CALM, "pattern": "always", **drains}) != CLIENT_WITH_PROBLEM


def test_the_check_gives_the_answers_that_led_to_its_verdict():
    answers = {"rude": "once", "pattern": "always", "payment": "hard", "obligations": "no"}
    assert reasons(answers) == ["outburst", "always", "payment", "obligations_open"]
    after_back = {**answers, "rude": "often"}  # Back to question 1, then insults that repeat
    assert reasons(after_back) == ["insults"]


def test_an_insult_ends_the_check_at_once_and_back_and_restart_work(morning):
    state = step(CHECK_FLOW, start(CHECK_FLOW), Press("often"), morning)
    assert state.node == PROBLEM_CLIENT
    assert step(CHECK_FLOW, state, Press("back"), morning).node == "rude"
    restarted = step(CHECK_FLOW, state, Press("again"), morning)
    assert restarted.node == "rude" and restarted.values == {}


def test_no_tip_repeats_until_the_whole_catalog_was_seen():
    catalog, rng, seen, cycle = [f"t{n:02}" for n in range(64)], random.Random(7), [], 1
    for _ in range(64):
        choice = choose_tip(catalog, seen, cycle, rng)
        assert choice.cycle == 1
        seen.append(choice.tip)
    assert sorted(seen) == catalog
    assert choose_tip(catalog, seen, cycle, rng).cycle == 2


def test_the_tip_catalog_is_large_covers_every_source_and_topic_twice(catalog):
    for lang in catalog.languages:
        tips = {k.split(".")[1] for k in catalog.raw[lang] if k.startswith("tips.")}
        assert len(tips) >= 60
        sources = {catalog.value(lang, f"tips.{t}.source")[:3] for t in tips}
        assert sources == {"000", "001", "002", "003", "004"}
        topics = [catalog.value(lang, f"tips.{t}.topic") for t in tips]
        assert min(topics.count(topic) for topic in set(topics)) >= 2
