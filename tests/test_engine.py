"""The call flow as a user walks it, and the graph checks that guard it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dialogs.call_flow import CALL_FLOW, NOTE_LIMIT, due_moment, is_expanded, typed_call_back
from dialogs.engine import HandsOver, InvalidInput, NotAccepted, Press, Typed, screen, start, step
from dialogs.graph import BACK, ROUTE, Button, GraphError, Node, build_flow
from dialogs.reminders import reminder_due, reminder_kind


def walk(events, now):
    state = start(CALL_FLOW)
    for event in events:
        state = step(CALL_FLOW, state, event, now)
    return state


def walk_from(state, events, now):
    for event in events:
        state = step(CALL_FLOW, state, event, now)
    return state


def button_ids(state, now):
    return [b.id for row in screen(CALL_FLOW, state, now).buttons for b in row]


def test_every_node_is_reached_by_pressing_buttons_and_renders_in_both_languages(renderer, morning):
    seen = set()
    frontier = [start(CALL_FLOW)]
    while frontier:
        state = frontier.pop()
        if state.node in seen:
            continue
        seen.add(state.node)
        for lang in ("ru", "kk"):
            card = renderer.render(lang, screen(CALL_FLOW, state, morning))
            assert card.html.strip() and card.buttons
        for button in button_ids(state, morning):
            try:
                frontier.append(step(CALL_FLOW, state, Press(button), morning))
            except HandsOver:  # the rude exit's links to /check and the library
                continue
        if CALL_FLOW.node(state.node).fills == "callback_at":
            frontier.append(step(CALL_FLOW, state, Typed("16:00"), morning))
    assert seen == set(CALL_FLOW.nodes)


def test_the_whole_call_records_complaint_fault_promise_and_due_time(morning):
    state = walk(
        [
            Typed("клиент в ярости"),
            Typed("сайт не работает"),
            Press("heard"),
            Press("yes"),
            Press("ours"),
            Press("next"),
            Typed("починим к пятнице"),
            Press("rmo"),
        ],
        morning,
    )
    assert state.node == "summary" and state.status == "done"
    assert state.values["complaint"] == "клиент в ярости\nсайт не работает"
    assert state.values["promise"] == "починим к пятнице"
    assert state.values["fault"] == "ours"
    assert state.values["due_at"] == "2026-11-24T09:00:00+05:00"


def test_lines_typed_while_the_client_talks_add_up_and_the_card_stays(morning):
    listening = walk([Typed("Сайт лежит третий день")], morning)
    assert listening.node == "listen"
    more = step(CALL_FLOW, listening, Typed("и менеджер вчера не перезвонил"), morning)
    assert more.node == "listen" and more.history == listening.history
    assert more.values["complaint"] == "Сайт лежит третий день\nи менеджер вчера не перезвонил"
    assert step(CALL_FLOW, more, Press("back"), morning).node == "calm"


def test_a_full_note_refuses_the_next_line_and_keeps_what_it_has(morning):
    first = walk([Typed("x" * (NOTE_LIMIT - 10))], morning)
    with pytest.raises(InvalidInput):
        step(CALL_FLOW, first, Typed("ещё одна длинная строка"), morning)
    longest = walk([Typed("y" * 5000)], morning)  # a first line is kept whole
    assert len(longest.values["complaint"]) == 5000


def test_a_promise_or_an_issue_line_too_long_to_quote_whole_is_refused(morning):
    resolving = walk(
        [Press("ready"), Press("heard"), Press("yes"), Press("ours"), Press("next")], morning
    )
    with pytest.raises(InvalidInput):
        step(CALL_FLOW, resolving, Typed("обещаю " * 40), morning)
    restating = walk([Press("ready"), Press("heard")], morning)
    typed = step(CALL_FLOW, restating, Typed("главное — заказы не доходят"), morning)
    assert typed.node == "restate" and typed.values["issue"] == "главное — заказы не доходят"


def test_a_flare_up_goes_back_to_listen_and_is_counted_and_back_undoes_it(morning):
    state = walk([Press("ready"), Press("heard"), Press("yes"), Press("flare")], morning)
    assert state.node == "listen" and state.flareups == 1
    undone = step(CALL_FLOW, state, Press("back"), morning)
    assert undone.node == "triage" and undone.flareups == 0


def test_back_is_not_offered_on_the_first_card_but_is_on_the_next(morning):
    first = start(CALL_FLOW)
    assert "back" not in button_ids(first, morning)
    assert "back" in button_ids(step(CALL_FLOW, first, Press("ready"), morning), morning)


def test_not_quite_returns_to_listening(morning):
    assert walk([Press("ready"), Press("heard"), Press("no")], morning).node == "listen"


def test_not_our_fault_apologises_for_the_misunderstanding_and_unsure_gets_sympathy(morning):
    triage = [Press("ready"), Press("heard"), Press("yes")]
    assert walk([*triage, Press("theirs")], morning).node == "not_ours"
    assert walk([*triage, Press("unsure")], morning).node == "empathize"


def test_text_typed_on_the_first_card_is_the_complaint(morning):
    state = walk([Typed("сайт лежит")], morning)
    assert state.node == "listen" and state.values["complaint"] == "сайт лежит"


def test_why_expands_the_card_and_hide_collapses_it_without_a_trace_in_history(morning):
    state = walk([Press("ready")], morning)
    expanded = step(CALL_FLOW, state, Press("why"), morning)
    assert is_expanded(expanded.node) and expanded.node.startswith("listen")
    assert "why" not in button_ids(expanded, morning) and "hide" in button_ids(expanded, morning)
    collapsed = step(CALL_FLOW, expanded, Press("hide"), morning)
    assert (collapsed.node, collapsed.history) == ("listen", state.history)
    typed = step(CALL_FLOW, expanded, Typed("жалоба"), morning)
    assert typed.node == expanded.node and typed.values["complaint"] == "жалоба"


def test_the_call_back_road_sets_its_reminder_and_skips_the_follow_up_card(morning):
    state = walk(
        [Press("ready"), Press("heard"), Press("yes"), Press("ours"), Press("next")], morning
    )
    state = step(CALL_FLOW, state, Press("later"), morning)
    assert state.node == "callback"
    chosen = step(CALL_FLOW, state, Press("cb2h"), morning)
    assert chosen.node == "callback_say" and chosen.values["remind"] == "cb2h"
    assert chosen.values["promised_at"] == "2026-11-23T11:30:00+05:00"
    assert chosen.values["due_at"] == "2026-11-23T11:15:00+05:00", "reminded 15 minutes early"
    assert chosen.values["due_days"] == "0"
    assert step(CALL_FLOW, chosen, Press("next"), morning).status == "done"
    typed = step(CALL_FLOW, state, Typed("8:15"), morning)
    assert typed.node == "callback_say" and typed.values["callback_at"] == "08:15"
    assert typed_call_back(typed.values, state.values, morning) == {
        "remind": "cbat",
        "due_at": "2026-11-24T08:00:00+05:00",
        "promised_at": "2026-11-24T08:15:00+05:00",
        "due_days": "1",
    }
    with pytest.raises(InvalidInput):
        step(CALL_FLOW, state, Typed("в обед"), morning)


def test_a_typed_call_back_time_is_replaced_by_a_later_button_choice(morning):
    values = {"callback_at": "16:00", "remind": "cbat"}
    assert typed_call_back(values, values, morning) == {}, "already worked out"
    retyped = typed_call_back({**values, "callback_at": "17:30"}, values, morning)
    assert retyped["promised_at"] == "2026-11-23T17:30:00+05:00", "typed again after Back"
    assert due_moment({"remind": "1h"}, morning)["callback_at"] == ""


def test_the_rude_exit_offers_a_reminder_for_the_written_answer_and_the_links(morning):
    state = walk([Press("ready"), Press("rude"), Press("leave")], morning)
    assert state.status == "rude_exit"
    assert {"w2h", "weod", "check", "play"} <= set(button_ids(state, morning))
    noted = step(CALL_FLOW, state, Press("weod"), morning)
    assert noted.values["due_at"] == "2026-11-23T17:00:00+05:00", "today, as the phrase said"
    assert reminder_kind(noted.values["remind"]) == "written"
    with pytest.raises(HandsOver):
        step(CALL_FLOW, noted, Press("check"), morning)


def test_after_the_summary_the_cause_and_lesson_are_kept_with_the_call(morning):
    state = walk(
        [Press("ready"), Press("heard"), Press("yes"), Press("unsure"), Press("next")], morning
    )
    state = walk_from(
        state, [Press("agreed"), Press("rno"), Press("cause"), Press("goals")], morning
    )
    state = step(CALL_FLOW, state, Typed("обсуждать цели в начале"), morning)
    assert state.node == "summary" and state.status == "done"
    assert state.values["cause"] == "goals" and state.values["lesson"] == "обсуждать цели в начале"


def test_rude_client_exit_and_end_with_resume(morning):
    rude = walk([Press("ready"), Press("rude")], morning)
    assert rude.node == "rude"
    assert step(CALL_FLOW, rude, Press("leave"), morning).status == "rude_exit"
    assert step(CALL_FLOW, rude, Press("calmed"), morning).node == "listen"
    ended = walk([Press("ready"), Press("heard"), Press("end")], morning)
    assert ended.status == "unfinished"
    resumed = step(CALL_FLOW, ended, Press("resume"), morning)
    assert resumed.node == "restate" and resumed.status == "active"


def test_every_transition_moves_the_revision_and_a_new_call_continues_it(morning):
    state = walk([Press("ready"), Press("heard")], morning)
    assert state.revision == 3
    new = start(CALL_FLOW, state)
    assert (new.revision, new.run, new.values) == (4, 2, {})


def test_text_on_a_card_that_takes_none_and_unknown_buttons_are_refused(morning):
    state = walk([Press("ready"), Press("heard"), Press("yes")], morning)  # triage
    with pytest.raises(NotAccepted):
        step(CALL_FLOW, state, Typed("hello"), morning)
    with pytest.raises(NotAccepted):
        step(CALL_FLOW, state, Press("agreed"), morning)


def test_this_evening_is_offered_only_before_six_pm(morning):
    state = walk(
        [
            Press("ready"),
            Press("heard"),
            Press("yes"),
            Press("ours"),
            Press("next"),
            Press("agreed"),
        ],
        morning,
    )
    assert "rev" in button_ids(state, morning)
    assert "rev" not in button_ids(state, morning.replace(hour=20))


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("1h", "2026-11-23T23:50:00+03:00"),
        ("morning", "2026-11-24T09:00:00+03:00"),
        ("3d", "2026-11-26T09:00:00+03:00"),
    ],
)
def test_reminder_due_times_keep_the_users_zone_across_midnight(choice, expected):
    from bot.timezones import zone

    late = datetime(2026, 11, 23, 22, 50, tzinfo=zone("Europe/Moscow"))
    assert reminder_due(choice, late).isoformat() == expected
    assert reminder_due("none", late) is None


def test_reminder_due_is_dst_safe():
    from bot.timezones import zone

    before_switch = datetime(2026, 3, 28, 10, 0, tzinfo=zone("Europe/Berlin"))
    due = reminder_due("3d", before_switch)
    assert due.utcoffset() == timedelta(hours=2) and due.hour == 9


def test_graph_check_refuses_a_dangling_target():
    with pytest.raises(GraphError, match="unknown target"):
        build_flow("bad", "b", "a", [Node("a", "x", buttons=((Button("go", "go", "nowhere"),),))])


def test_graph_check_refuses_an_unreachable_node_and_a_dead_end():
    with pytest.raises(GraphError, match="unreachable"):
        build_flow(
            "bad",
            "b",
            "a",
            [
                Node("a", "x", buttons=((Button("b", "b", BACK),),)),
                Node("orphan", "x", buttons=((Button("b", "b", "a"),),)),
            ],
        )
    with pytest.raises(GraphError, match="no way out"):
        build_flow("bad", "b", "a", [Node("a", "x")])


def test_graph_check_refuses_a_route_that_is_missing_or_has_no_targets():
    routing = [Node("a", "x", buttons=((Button("r", "r", ROUTE),),))]
    with pytest.raises(GraphError, match="no `route`"):
        build_flow("bad", "b", "a", routing)
    with pytest.raises(GraphError, match="go together"):
        build_flow("bad", "b", "a", routing, route=lambda values: "a")
