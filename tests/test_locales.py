"""Both catalogs complete, equal, sourced, within Telegram's limits and valid HTML."""

from __future__ import annotations

import re

import pytest

from bot.catalog_check import SAMPLE_VALUES, catalog_problems
from bot.render import render_card
from dialogs.call_flow import CALL_FLOW
from dialogs.engine import DialogState, screen
from tests.conftest import SOURCES
from tests.stub_api.telegram_html import parse_html

KAZAKH_LETTERS = set("әғқңөұүһі")


def all_cards(catalog, morning):
    for lang in catalog.languages:
        for node in CALL_FLOW.nodes:
            for values in ({}, SAMPLE_VALUES):
                state = DialogState(
                    "call", node, values=dict(values), flareups=2, history=(("calm", 0),)
                )
                yield lang, node, render_card(catalog, lang, screen(CALL_FLOW, state, morning))


def test_the_catalog_passes_the_start_up_checks(catalog):
    assert catalog_problems(catalog) == []


def test_both_languages_have_the_same_keys(catalog):
    assert set(catalog.raw["ru"]) == set(catalog.raw["kk"])
    assert catalog.languages == ("ru", "kk")


def test_every_content_entry_names_an_existing_source_file(catalog):
    if not SOURCES.is_dir():
        pytest.skip(f"{SOURCES} is not beside this checkout")
    sources = {path.name for path in SOURCES.glob("*.txt")}
    assert len(sources) == 5
    for lang in catalog.languages:
        entries = [k for k in catalog.raw[lang] if k.startswith("call.") and k.endswith(".source")]
        assert len(entries) == len(CALL_FLOW.nodes)
        for key in entries:
            assert catalog.raw[lang][key].split(" ")[0] in sources, key


def test_every_card_is_valid_telegram_html_and_fits_a_phone_screen(catalog, morning):
    for lang, node, card in all_cards(catalog, morning):
        text, _ = parse_html(card.html)
        assert len(text) <= 4096, (lang, node)
        assert len(text) <= 700, (lang, node, len(text))
        for row in card.buttons:
            for button in row:
                assert 1 <= len(button.data.encode()) <= 64


def test_every_interface_text_is_valid_telegram_html(catalog):
    for lang in catalog.languages:
        for key in catalog.raw[lang]:
            if key.startswith("ui.messages."):
                parse_html(catalog.text(lang, key, name="<Айгерим & Co>"))


def test_typed_html_is_shown_exactly_as_typed(catalog, morning):
    hostile = "<b>x</b> & </i> <script>"
    state = DialogState("call", "restate", values={"complaint": hostile})
    for lang in catalog.languages:
        text, _ = parse_html(render_card(catalog, lang, screen(CALL_FLOW, state, morning)).html)
        assert f"«{hostile}»" in text


def test_a_huge_complaint_is_shortened_on_the_card(catalog, morning):
    state = DialogState("call", "restate", values={"complaint": "очень долго " * 2000})
    text, _ = parse_html(render_card(catalog, "ru", screen(CALL_FLOW, state, morning)).html)
    assert len(text) < 700 and "…»" in text


@pytest.mark.parametrize("node", sorted(CALL_FLOW.nodes))
def test_kazakh_cards_are_written_in_kazakh_not_copied_from_russian(catalog, morning, node):
    state = DialogState("call", node, history=(("calm", 0),))
    ru = render_card(catalog, "ru", screen(CALL_FLOW, state, morning)).html
    kk = render_card(catalog, "kk", screen(CALL_FLOW, state, morning)).html
    assert KAZAKH_LETTERS & set(kk.lower())
    ru_words = set(re.findall(r"[а-яё]{4,}", ru.lower())) - {"клиент", "компания"}
    kk_words = set(re.findall(r"[а-яёәғқңөұүһі]{4,}", kk.lower()))
    assert len(ru_words & kk_words) <= 2, ru_words & kk_words
    assert not re.search(r"[а-яәғқңөұүһі][a-z]|[a-z][а-яәғқңөұүһі]", kk.lower())


def test_plural_forms_follow_each_language(catalog):
    assert [catalog.plural("ru", "times", n) for n in (1, 3, 5)] == ["1 раз", "3 раза", "5 раз"]
    assert (
        catalog.plural("kk", "times", 1).split()[1] == catalog.plural("kk", "times", 5).split()[1]
    )


def test_language_follows_choice_then_telegram(catalog):
    assert catalog.language_for(None, "kk") == "kk"
    assert catalog.language_for(None, "en") == "ru"
    assert catalog.language_for(None, None) == "ru"
    assert catalog.language_for("kk", "ru") == "kk"
