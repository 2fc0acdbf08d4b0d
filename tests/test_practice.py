"""The practice scenarios as a person walks them: every path ends with a score, good
replies score 100, mistakes make the client flare up and then leave."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.content.render import plain_text
from dialogs.engine import Press, Typed, step
from dialogs.practice_flow import (
    LETTERS,
    PRACTICE_FLOW,
    order,
    parse_node,
    stage_results,
    total,
)
from dialogs.practice_scenarios import SCENARIOS, STAGES, scenario_for_topic
from tests.practice_walks import STARTED, begin, walk

IDS = [scenario.id for scenario in SCENARIOS]


def test_eight_scenarios_each_with_its_own_menu_button():
    menu = PRACTICE_FLOW.node("menu")
    assert len(SCENARIOS) >= 8
    assert [row[0].target for row in menu.buttons] == [f"{s}.intro" for s in IDS]


@pytest.mark.parametrize("scenario", IDS)
def test_every_path_of_letters_ends_with_a_score_within_seven_client_turns(scenario):
    """All 3^n choices, explored: each ends on the result card, never loops, and a finished
    conversation takes 5 client turns plus at most one flare-up."""
    frontier = [(begin(scenario), 1)]
    endings = set()
    while frontier:
        state, turns = frontier.pop()
        assert turns <= 7, state.node
        if state.status == "done":
            endings.add(state.node.split(".")[1])
            assert f"{total(stage_results(state.values, scenario))}".isdigit()
            continue
        for letter in LETTERS:
            moved = step(PRACTICE_FLOW, state, Press(letter), STARTED)
            frontier.append((moved, turns + (moved.status != "done")))
    assert endings == {"end", "lost"}


@pytest.mark.parametrize("scenario", IDS)
def test_only_good_replies_score_100_and_only_mistakes_score_0(scenario):
    good = walk(scenario, [True] * 5)[-1]
    assert good.node == f"{scenario}.end"
    assert stage_results(good.values, scenario) == dict.fromkeys(STAGES, True)
    bad = walk(scenario, [False] * 5)
    assert [parse_node(s.node)[2] for s in bad] == [False, True, False]  # the flare-up
    assert (
        bad[-1].node == f"{scenario}.lost" and total(stage_results(bad[-1].values, scenario)) == 0
    )


def test_one_mistake_recovered_costs_its_stage_only():
    states = walk("deadline", [True, False, True, True, True, True])
    assert states[-1].node == "deadline.end"
    assert total(stage_results(states[-1].values, "deadline")) == 80


def test_a_second_mistake_anywhere_ends_the_conversation():
    states = walk("scope", [False, True, True, False])
    assert states[-1].node == "scope.lost"
    assert total(stage_results(states[-1].values, "scope")) == 20  # only the restatement


def test_the_order_is_fixed_by_the_seed_and_changes_with_another_attempt():
    first = begin("quality")
    assert order(first.values, "quality", "listen", False) == order(
        dict(first.values), "quality", "listen", False
    )
    orders = {
        tuple(order(begin("quality", STARTED + timedelta(seconds=s)).values, "quality", st, False))
        for s in range(12)
        for st in STAGES
    }
    assert len(orders) > 1


def test_again_starts_a_clean_attempt_with_a_new_seed():
    finished = walk("site_down", [True] * 5)[-1]
    again = step(PRACTICE_FLOW, finished, Press("again"), STARTED + timedelta(minutes=1))
    assert again.node == "site_down.listen" and again.status == "active"
    assert again.values["seed"] != finished.values["seed"]
    assert not any(again.values.get(stage) for stage in STAGES)


def test_a_typed_reply_is_judged_and_an_unjudgeable_one_returns_to_the_turn():
    state = begin("no_pay")
    judged = step(PRACTICE_FLOW, state, Typed("Я вас слушаю, расскажите, что случилось"), STARTED)
    assert judged.node == "no_pay.listen.said"
    moved = step(PRACTICE_FLOW, judged, Press("next"), STARTED)
    assert moved.node == "no_pay.restate"
    unclear = step(PRACTICE_FLOW, moved, Typed("Ага"), STARTED)
    back = step(PRACTICE_FLOW, unclear, Press("next"), STARTED)
    assert back.node == "no_pay.restate"
    blamed = step(PRACTICE_FLOW, back, Typed("Вы сами виноваты"), STARTED)
    flare = step(PRACTICE_FLOW, blamed, Press("next"), STARTED)
    assert flare.node == "no_pay.restate.again"


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_scenario_table_has_its_lines_and_exactly_its_two_mistakes(catalog, lang):
    for scenario in SCENARIOS:
        for stage in STAGES:
            base = f"practice.{scenario.id}.{stage}"
            keys = {k.rsplit(".", 1)[1] for k in catalog.raw[lang] if k.startswith(f"{base}.")}
            assert keys == {"source", "client", "flare", "good", *scenario.mistakes_of(stage)}
            other = "kk" if lang == "ru" else "ru"
            assert len(catalog.value(lang, f"{base}.client")) == len(
                catalog.value(other, f"{base}.client")
            )


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_result_card_shows_the_score_per_stage_in_both_languages(renderer, lang):
    good = walk("collective", [True] * 5)[-1]
    text = plain_text(renderer.render(lang, _screen(good)).html)
    assert "100/100" in text and text.count("✔") == 5 and "👤" in text
    bad = walk("collective", [False] * 5)[-1]
    text = plain_text(renderer.render(lang, _screen(bad)).html)
    assert "0/100" in text and text.count("✘") == 5 and "/call" in text


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_insulting_client_ends_with_the_way_out_if_the_insults_go_on(catalog, renderer, lang):
    """002 §7: insults that do not stop mean leaving. The trainer talks this client round,
    so its result card names the coach's exit (/call → 🛑) and, if it repeats, /check."""
    rude = catalog.text(lang, "ui.buttons.rude")
    for choices in ([True] * 5, [False] * 5):
        text = plain_text(renderer.render(lang, _screen(walk("insulting", choices)[-1])).html)
        assert f"/call → «{rude}»" in text and "/check" in text
    other = plain_text(renderer.render(lang, _screen(walk("deadline", [True] * 5)[-1])).html)
    assert "/check" not in other


def test_every_tip_topic_leads_to_a_scenario_except_parting_with_a_client(catalog):
    """Every scenario trains keeping the client; a tip on letting one go offers none, least
    of all the insulting client, whom the model answers talk round (004 §4, 002 §7)."""
    topics = {catalog.value("ru", k) for k in catalog.raw["ru"] if k.endswith(".topic")}
    assert "parting" in topics
    assert scenario_for_topic("parting") is None
    assert all(scenario_for_topic(topic) for topic in topics - {"parting"})


def _screen(state):
    from dialogs.engine import screen

    return screen(PRACTICE_FLOW, state, STARTED)
