"""Both catalogs complete, equal, sourced, within Telegram's limits and valid HTML."""

from __future__ import annotations

import re

import pytest

from bot.content.catalog_check import MESSAGE_LIMIT, catalog_problems, rendered_cards
from dialogs.call_flow import CALL_FLOW
from dialogs.engine import DialogState, screen
from tests.conftest import SOURCES
from tests.stub_api.telegram_html import parse_html

KAZAKH_LETTERS = set("әғқңөұүһі")


def test_the_catalog_passes_the_start_up_checks(catalog, renderer, assembly):
    assert catalog_problems(catalog, renderer, assembly.text_rules) == []


def test_both_languages_have_the_same_keys(catalog):
    assert set(catalog.raw["ru"]) == set(catalog.raw["kk"])
    assert catalog.languages == ("ru", "kk")


PASSAGE = re.compile(r"(\d{3}_[0-9a-f]{16}\.txt) — «([^»]+)»")


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def test_every_content_entry_names_existing_source_files_and_passages(catalog):
    """`source` lists one or more passages, `; ` apart, each `<file> — «<heading>»…`:
    the file must exist and the heading must be in it, so every passage used is named."""
    if not SOURCES.is_dir():
        pytest.skip(f"{SOURCES} is not beside this checkout")
    texts = {path.name: _normal(path.read_text()) for path in SOURCES.glob("*.txt")}
    assert len(texts) == 5
    cards = {node.card for node in CALL_FLOW.nodes.values()}
    for lang in catalog.languages:
        entries = [k for k in catalog.raw[lang] if k.endswith(".source")]
        assert {k.rsplit(".", 1)[0] for k in entries if k.startswith("call.")} == cards
        for key in entries:
            for passage in catalog.raw[lang][key].split("; "):
                named = PASSAGE.match(passage)
                assert named, f"{key}: {passage!r} names no file and heading"
                file, heading = named.groups()
                assert file in texts, f"{key}: no source file {file}"
                assert _normal(heading) in texts[file], f"{key}: «{heading}» is not in {file}"


def test_every_card_of_every_flow_is_valid_telegram_html_and_fits_a_phone_screen(
    catalog, renderer, assembly
):
    seen = set()
    for _, node, values, card in rendered_cards(catalog, renderer, assembly.text_rules.samples):
        seen.add(node)
        text, _ = parse_html(card.html)
        bare = 600 if node.startswith("call.") else 700
        assert len(text) <= (MESSAGE_LIMIT if values else bare), node
        assert all(1 <= len(b.data.encode()) <= 64 for row in card.buttons for b in row)
    assert len(seen) == sum(len(flow.nodes) for flow in renderer.flows.values())


def test_every_interface_text_and_tip_is_valid_telegram_html(catalog):
    for lang in catalog.languages:
        for key in catalog.raw[lang]:
            if key.startswith(("ui.messages.", "tips.")) and not key.endswith(".source"):
                values = {name: "<Айгерим & Co>" for name in catalog.variables(lang, key)}
                parse_html(catalog.text(lang, key, **values))


def test_typed_html_is_shown_exactly_as_typed_as_the_person_s_own_note(catalog, renderer, morning):
    hostile = "<b>x</b> & </i> <script>"
    state = DialogState("call", "restate", values={"complaint": hostile})
    for lang in catalog.languages:
        text, _ = parse_html(renderer.render(lang, screen(CALL_FLOW, state, morning)).html)
        (note,) = [line for line in text.splitlines() if line.startswith("📝")]
        assert note.endswith(hostile)
        assert not any(hostile in line for line in text.splitlines() if line.startswith("💬"))


def test_a_huge_complaint_is_shortened_on_the_card_at_a_word(catalog, renderer, morning):
    state = DialogState("call", "restate", values={"complaint": "очень долго " * 2000})
    text, _ = parse_html(renderer.render("ru", screen(CALL_FLOW, state, morning)).html)
    (note,) = [line for line in text.splitlines() if line.startswith("📝")]
    assert len(text) < 300 and note.endswith(("очень…", "долго…"))


@pytest.mark.parametrize("node", sorted(CALL_FLOW.nodes))
def test_kazakh_cards_are_written_in_kazakh_not_copied_from_russian(
    catalog, renderer, morning, node
):
    state = DialogState("call", node, history=(("calm", 0),))
    ru = renderer.render("ru", screen(CALL_FLOW, state, morning)).html
    kk = renderer.render("kk", screen(CALL_FLOW, state, morning)).html
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


def test_every_kazakh_content_text_is_kazakh_and_not_a_copy_of_the_russian(catalog):
    shown = ("text", "title", "looks", "why", "steps", "say", "never", "body")
    copies, not_kazakh = [], []
    for key, kk in catalog.raw["kk"].items():
        if (
            not key.startswith(("situations.", "tips.", "check."))
            or key.split(".")[-1] not in shown
        ):
            continue
        kk_text = " ".join(kk) if isinstance(kk, list) else kk
        ru_text = (
            " ".join(catalog.raw["ru"][key]) if isinstance(kk, list) else catalog.raw["ru"][key]
        )
        if kk_text == ru_text:
            copies.append(key)
        if len(kk_text) > 25 and not KAZAKH_LETTERS & set(kk_text.lower()):
            not_kazakh.append(key)
        if re.search(r"[а-яәғқңөұүһі][a-z]|[a-z][а-яәғқңөұүһі]", kk_text.lower()):
            not_kazakh.append(key)
    assert copies == [] and not_kazakh == []
