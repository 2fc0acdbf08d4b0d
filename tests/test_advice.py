"""The advice library as data: search by description, tip order."""

from __future__ import annotations

import random
import tomllib
from pathlib import Path

import pytest

from bot.situations.search import PlaybookSearch
from dialogs.matching import rank, words
from dialogs.situations_flow import SITUATIONS, WITH_LADDER, pages
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
