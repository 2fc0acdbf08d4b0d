"""The situation library: categories → situations → a playbook split into short pages.

The graph is generated from the lists below, so adding a situation is one line here and
one entry in each language's `situations_*.toml`. Pages keep every card readable in a few
seconds: what it looks like and why, what to do now, what to say, and — where the sources
imply one — the escalation ladder.
"""

from __future__ import annotations

from dialogs.graph import BACK, Button, Node, build_flow, handover

CATEGORIES: dict[str, tuple[str, ...]] = {
    "work": (
        "unclear_requirements",
        "missed_deadlines",
        "work_disagreement",
        "scope_creep",
        "quality_complaint",
        "excessive_demands",
    ),
    "money": ("non_payment", "strange_payment"),
    "contact": ("no_feedback", "communication_breakdown", "advice_ignored", "no_partnership"),
    "people": ("anger_rudeness", "dislike", "sabotage", "collective_complaints"),
}
RELATED: dict[str, str] = {
    "unclear_requirements": "scope_creep",
    "missed_deadlines": "quality_complaint",
    "work_disagreement": "advice_ignored",
    "scope_creep": "excessive_demands",
    "quality_complaint": "collective_complaints",
    "excessive_demands": "scope_creep",
    "non_payment": "strange_payment",
    "strange_payment": "non_payment",
    "no_feedback": "communication_breakdown",
    "communication_breakdown": "no_feedback",
    "advice_ignored": "no_partnership",
    "no_partnership": "advice_ignored",
    "anger_rudeness": "dislike",
    "dislike": "anger_rudeness",
    "sabotage": "unclear_requirements",
    "collective_complaints": "quality_complaint",
}
WITH_LADDER = frozenset({"non_payment", "scope_creep"})
SITUATIONS: tuple[str, ...] = tuple(sid for group in CATEGORIES.values() for sid in group)
MENU = "menu"
CALL_FLOW_NAME = "call"  # the coach a playbook hands over to (named: the call links back here)


def pages(situation: str) -> tuple[str, ...]:
    base = ("intro", "steps", "say")
    return (*base, "ladder") if situation in WITH_LADDER else base


def page_node(situation: str, page: int = 1) -> str:
    return f"{situation}.{page}"


def title_key(situation: str) -> str:
    return f"situations.{situation}.title"


def _category_node(category: str, situations: tuple[str, ...]) -> Node:
    rows = tuple((Button(sid, title_key(sid), page_node(sid)),) for sid in situations)
    return Node(
        f"cat.{category}",
        f"ui.situations.{category}",
        buttons=(*rows, (Button("back", "back", BACK),)),
    )


def _page_nodes(situation: str) -> list[Node]:
    parts = pages(situation)
    nodes = []
    for number, part in enumerate(parts, start=1):
        navigation = [Button("back", "back", BACK)]
        if number < len(parts):
            navigation.append(Button("next", "next_page", page_node(situation, number + 1)))
        related = RELATED[situation]
        nodes.append(
            Node(
                page_node(situation, number),
                f"situations.{situation}",
                part=part,
                buttons=(
                    tuple(navigation),
                    (Button("call", "start_call", handover(CALL_FLOW_NAME)),),
                    (Button("rel", title_key(related), page_node(related)),),
                    (Button("menu", "situations_menu", MENU),),
                ),
            )
        )
    return nodes


def _nodes() -> list[Node]:
    menu = Node(
        MENU,
        "ui.situations.menu",
        buttons=tuple(
            (Button(category, f"ui.situations.{category}", f"cat.{category}"),)
            for category in CATEGORIES
        ),
    )
    nodes = [menu]
    nodes += [_category_node(category, group) for category, group in CATEGORIES.items()]
    for situation in SITUATIONS:
        nodes += _page_nodes(situation)
    return nodes


# the stored dialogs and the buttons on people's screens carry this name and code
SITUATIONS_FLOW = build_flow("library", "s", MENU, _nodes())
