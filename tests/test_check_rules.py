"""The keep-or-part check over every answer path: verdicts the sources support.

Each invariant restates a source passage (named beside it); the paths are every way a
person can answer the ten questions (an insult that keeps coming ends the check at once).
The cards are rendered as a person sees them, in both languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

import pytest

from bot.content.render import plain_text
from dialogs.check_flow import (
    CHECK_FLOW,
    CLIENT_WITH_PROBLEM,
    COLLECT_DEBT,
    DECISIVE,
    EASE_THE_DRAINS,
    HOLD_THE_FRAME,
    INSULTS,
    MATTERS,
    OWN_SHARE_FIRST,
    PARTING,
    PROBLEM_CLIENT,
    QUESTIONS,
    RESET_EXPECTATIONS,
    RULES,
    VERDICTS,
    plan,
    reasons,
    verdict,
)
from dialogs.engine import DialogState, Press, screen, start, step, visible_buttons
from dialogs.graph import handover_flow
from dialogs.situations_flow import SITUATIONS, title_key

MORNING = datetime(2026, 11, 23, 9, 30)


def every_path() -> Iterator[dict[str, str]]:
    """Every complete set of answers the check can collect, in the order it asks."""
    names = list(QUESTIONS)

    def walk(index: int, given: dict[str, str]) -> Iterator[dict[str, str]]:
        if index == len(names):
            yield dict(given)
            return
        question = names[index]
        for answer in QUESTIONS[question]:
            here = {**given, question: answer}
            if (question, answer) in DECISIVE:
                yield here
            else:
                yield from walk(index + 1, here)

    return walk(0, {})


PATHS = list(every_path())


def card_of(renderer, lang: str, answers: dict[str, str]) -> tuple[str, DialogState]:
    state = DialogState(flow="check", node=verdict(answers), values=answers, history=(("rude", 0),))
    return plain_text(renderer.render(lang, screen(CHECK_FLOW, state, MORNING)).html), state


def numbered_lines(text: str) -> list[str]:
    return [line.split(". ", 1)[1] for line in text.splitlines() if re.match(r"^\d+\. ", line)]


def test_the_paths_are_all_there_and_each_verdict_is_reached():
    assert len(PATHS) == 5185
    assert {verdict(answers) for answers in PATHS} == set(VERDICTS)
    assert all(rule.passage[:3] in {"000", "001", "002", "003", "004"} for rule in RULES)


def test_a_client_something_can_satisfy_is_never_parted_with():
    """004 §1, §4: a problem client is one nothing satisfies; 002 §7: insults that repeat."""
    for answers in PATHS:
        if verdict(answers) in PARTING:
            assert answers.get("satisfy") == "no" or answers["rude"] == "often", answers


def test_an_unchecked_own_share_comes_before_any_verdict(catalog, renderer):
    """002 (before burning bridges, admit honestly it is not you) and 000 (your own
    actions first): no parting, and the card starts its list with checking your share."""
    for answers in PATHS:
        if answers.get("own_share") != "no":
            continue
        chosen = verdict(answers)
        assert chosen not in PARTING, answers
        if chosen != OWN_SHARE_FIRST:
            assert plan(answers).first[0] == "own_share", answers
    for lang in ("ru", "kk"):
        answers = {**CALM, "own_share": "no", "payment": "unpaid"}
        text, _ = card_of(renderer, lang, answers)
        assert numbered_lines(text)[0] == plain_text(catalog.text(lang, "check.first.own_share"))


def test_promises_not_kept_are_kept_first_and_nobody_is_told_the_work_is_done(catalog, renderer):
    """004 §4: part only after meeting your obligations; 001: find why payment is late."""
    for answers in PATHS:
        if answers.get("obligations", "no") == "no":
            assert "obligations" in plan(answers).first, answers
    for lang in ("ru", "kk"):
        kept = {**CALM, "payment": "unpaid", "own_share": "yes", "obligations": "yes"}
        open_ = {**kept, "obligations": "no"}
        done_line = catalog.text(lang, "check.v_collect.body", **kept).split(".")[0]
        kept_text, _ = card_of(renderer, lang, kept)
        open_text, _ = card_of(renderer, lang, open_)
        assert done_line in kept_text and done_line not in open_text
        obligations = plain_text(catalog.text(lang, "check.first.obligations"))
        assert numbered_lines(open_text)[0] == obligations


def test_every_drain_and_open_matter_shows_its_sources_remedy(catalog, renderer):
    """002 §1 visualise, §2 who decides payment, §7 tell rudeness from criticism; 001's
    change requests and debt; 004 §2 expectations — on every verdict that does not part."""
    for lang in ("ru", "kk"):
        for answers in PATHS:
            chosen = verdict(answers)
            if chosen in PARTING:
                continue
            text, _ = card_of(renderer, lang, answers)
            for name, (question, values, _) in MATTERS.items():
                if answers.get(question) not in values:
                    continue
                covered = (chosen, name) in {
                    (COLLECT_DEBT, "unpaid"),
                    (RESET_EXPECTATIONS, "expectations"),
                }
                remedy = plain_text(catalog.text(lang, f"check.remedy.{name}"))
                assert covered or remedy in text, (lang, answers, name)


def test_each_verdict_button_opens_the_playbook_its_text_names(catalog, renderer):
    for lang in ("ru", "kk"):
        titles = {catalog.text(lang, title_key(s)): s for s in SITUATIONS}
        for answers in PATHS:
            text, state = card_of(renderer, lang, answers)
            named = {titles[q] for q in re.findall(r"«([^»]+)»", text) if q in titles}
            opened = {
                handover_flow(b.target)[1].split(".")[0]
                for row in visible_buttons(CHECK_FLOW, state, MORNING)
                for b in row
                if handover_flow(b.target)
            }
            assert named == opened, (lang, answers, named, opened)
            assert opened or state.node == OWN_SHARE_FIRST, (lang, answers)


def test_a_card_never_claims_an_answer_the_person_did_not_give(catalog, renderer):
    hard_period = {
        lang: catalog.text(lang, "check.v_with_problem.body", pattern="moment")
        for lang in ("ru", "kk")
    }
    for lang in ("ru", "kk"):
        insults, _ = card_of(renderer, lang, {"rude": "often"})
        assert catalog.text(lang, "check.reasons.unsatisfiable") not in insults
        unsure, _ = card_of(renderer, lang, {**CALM, "pattern": "unsure"})
        assert hard_period[lang].split(".")[0] not in unsure


def test_every_verdict_card_fits_one_message(renderer):
    longest = max(len(card_of(renderer, lang, a)[0]) for lang in ("ru", "kk") for a in PATHS)
    assert longest <= 2000, longest


CALM = {
    "rude": "no",
    "pattern": "moment",
    "satisfy": "yes",
    "own_share": "yes",
    "payment": "fine",
    "expectations": "yes",
    "obligations": "yes",
}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"rude": "often"}, INSULTS),
        ({**CALM, "rude": "once"}, CLIENT_WITH_PROBLEM),  # one outburst never decides
        ({**CALM, "pattern": "always", "advice": "yes"}, EASE_THE_DRAINS),  # satisfiable
        ({**CALM, "satisfy": "no", "revisions": "yes"}, PROBLEM_CLIENT),
        ({**CALM, "satisfy": "no"}, PROBLEM_CLIENT),  # 004 §4, even in a hard moment
        ({**CALM, "satisfy": "no", "own_share": "no"}, OWN_SHARE_FIRST),
        ({**CALM, "satisfy": "no", "expectations": "no"}, RESET_EXPECTATIONS),
        ({**CALM, "payment": "unpaid"}, COLLECT_DEBT),
        ({**CALM, "payment": "unpaid", "pattern": "always", "advice": "yes"}, COLLECT_DEBT),
        ({**CALM, "expectations": "partly"}, RESET_EXPECTATIONS),
        ({**CALM, "pattern": "always"}, HOLD_THE_FRAME),  # never "a hard period"
        ({**CALM, "pattern": "always", "expectations": "no"}, RESET_EXPECTATIONS),
        ({**CALM, "pattern": "unsure", "payment": "hard"}, EASE_THE_DRAINS),  # 002 §2
        (CALM, CLIENT_WITH_PROBLEM),
    ],
)
def test_the_check_decides_by_its_rules(answers, expected):
    assert verdict(answers) == expected


def test_always_like_this_never_ends_in_a_hard_period():
    for extra in ({}, {"nerves": "yes"}, {"payment": "unpaid"}, {"expectations": "no"}):
        assert verdict({**CALM, "pattern": "always", **extra}) != CLIENT_WITH_PROBLEM


def test_an_insult_ends_the_check_at_once_and_back_and_restart_work(morning):
    state = step(CHECK_FLOW, start(CHECK_FLOW), Press("often"), morning)
    assert state.node == INSULTS
    assert step(CHECK_FLOW, state, Press("back"), morning).node == "rude"
    restarted = step(CHECK_FLOW, state, Press("again"), morning)
    assert restarted.node == "rude" and restarted.values == {}


def test_the_check_gives_the_answers_that_led_to_its_verdict():
    answers = {"rude": "once", "pattern": "always", "payment": "hard", "obligations": "no"}
    assert reasons(answers) == ["outburst", "always", "payment", "obligations"]
    after_back = {**answers, "rude": "often"}  # Back to question 1, then insults that repeat
    assert reasons(after_back) == ["insults"]
