"""The typed-reply judge against replies labelled by hand, in each language: precision and
recall of "good" and of "bad" at least 0.8, and an honest "can't judge" where it should."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from dialogs.practice_judge import BAD, GOOD, UNSURE, judge
from dialogs.practice_scenarios import SCENARIOS, STAGES

LABELLED = tomllib.loads(
    (Path(__file__).parent / "data" / "practice_replies.toml").read_text(encoding="utf-8")
)


def scores(items: list[dict], kind: str) -> tuple[float, float]:
    """Precision and recall of one verdict; a "can't judge" counts as a miss, never a hit."""
    said = [judge(item["text"], item["stage"]).kind for item in items]
    hits = sum(1 for item, got in zip(items, said, strict=True) if got == kind == item["label"])
    claimed = sum(1 for got in said if got == kind)
    actual = sum(1 for item in items if item["label"] == kind)
    return hits / claimed, hits / actual


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_at_least_30_labelled_replies_and_every_stage_covered(lang):
    judged = [item for item in LABELLED[lang] if item["label"] in (GOOD, BAD)]
    assert len(judged) >= 30
    assert {(item["stage"], item["label"]) for item in judged} == {
        (stage, label) for stage in STAGES for label in (GOOD, BAD)
    }


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("kind", [GOOD, BAD])
def test_precision_and_recall_on_the_labelled_set(lang, kind):
    judged = [item for item in LABELLED[lang] if item["label"] in (GOOD, BAD)]
    precision, recall = scores(judged, kind)
    assert precision >= 0.8 and recall >= 0.8, (lang, kind, precision, recall)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_replies_the_rules_cannot_read_get_no_guess(lang):
    for item in LABELLED[lang]:
        if item["label"] == UNSURE:
            assert judge(item["text"], item["stage"]).kind == UNSURE, item["text"]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_scripted_good_reply_typed_in_is_good_and_a_scripted_mistake_never(catalog, lang):
    """A person who types the reply the card itself offers as the good one gets a ✅, never
    "can't judge"; a scripted mistake is never a ✅."""
    for scenario in SCENARIOS:
        for stage in STAGES:
            good = catalog.value(lang, f"practice.{scenario.id}.{stage}.good")
            assert judge(good, stage).kind == GOOD, (scenario.id, stage, good)
            for mistake in scenario.mistakes_of(stage):
                text = catalog.value(lang, f"practice.{scenario.id}.{stage}.{mistake}")
                assert judge(text, stage).kind != GOOD, (scenario.id, stage, text)


def test_a_mistake_outweighs_the_good_words_around_it():
    assert judge("Извините, но вы сами виноваты", "apologize").rule == "blame"
    assert judge("Кешіріңіз, бірақ өзіңіз кінәлісіз", "apologize").rule == "blame"


def test_a_promise_needs_a_moment():
    assert judge("Исправим всё", "resolve").rule == "no_date"
    assert judge("Исправим всё до пятницы", "resolve").kind == GOOD
    assert judge("Бәрін түзетеміз", "resolve").rule == "no_date"
    assert judge("Бәрін жұмаға дейін түзетеміз", "resolve").kind == GOOD


def test_a_promise_to_call_back_is_the_coachs_own_answer_and_needs_only_a_time():
    """/call recommends "I'll find out and call you back" when nothing can be fixed yet: not
    a mistake, a plan once it has a time; "later" is still no time."""
    assert judge("Разрешите, я всё выясню и перезвоню вам", "resolve").kind == UNSURE
    assert judge("Я всё выясню и перезвоню вам сегодня до 16:00", "resolve").kind == GOOD
    assert judge("Я лично прослежу за этим и напишу вам", "follow_up").kind == GOOD
    assert judge("Свяжусь с вами позже", "follow_up").rule == "no_date"
    assert judge("Рұқсат етсеңіз, анықтап алып, қайта хабарласамын", "resolve").kind == UNSURE
    assert judge("Мұны өзім қадағалап, сізге жазамын", "follow_up").kind == GOOD
    assert judge("Кейінірек хабарласамын", "follow_up").rule == "no_date"


def test_sorting_it_out_together_is_an_invitation_and_alone_a_brush_off():
    assert judge("Давайте вместе разберёмся, как это исправить", "apologize").kind != BAD
    assert judge("Пишите в поддержку, разберёмся", "follow_up").rule == "no_date"
    assert judge("Қолдау қызметіне жазыңыз, реттейміз", "follow_up").rule == "no_date"


def test_words_added_for_the_scripted_replies_do_not_judge_other_replies_wrongly():
    """Taken from the scripted good replies, but no wider: listening while noting things
    down is no undated promise, "let's meet" is no plan, asking "suits you?" of a refusal
    is no choice offered."""
    assert judge("Расскажите подробно, я всё зафиксирую", "listen").kind == GOOD
    assert judge("Приношу извинения, мы подготовим объяснение", "apologize").kind == GOOD
    assert judge("Завтра соберёмся и обсудим", "resolve").kind != GOOD
    assert judge("Ничего менять не будем. Вам так подойдёт?", "resolve").kind != GOOD
