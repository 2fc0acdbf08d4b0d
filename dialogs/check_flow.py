"""Keep or part with this client? A few questions, then a verdict with its reasons.

The questions and verdicts come from `002_2ffce23c8cf39b33.txt` (a pattern of rudeness
means leave; nerves before every talk; endless revisions; payment that costs more than
the work; advice ignored; first check your own share), `004_a5f50c77a0d13fe5.txt` (a
problem client whom nothing satisfies vs a client with a problem; set expectations; part
after meeting your obligations, quickly and without insults) and
`001_eb9493cc06c81801.txt` (a client who does not pay: collect firmly, never forgive).

One rude outburst never decides: 002 §7 describes a pattern (angry letters, nerves before
every talk), so only "it keeps happening" parts at once, the same policy as the playbook
and the call's rude exit. "Always like this" never ends in "a hard period".
"""

from __future__ import annotations

from collections.abc import Mapping

from dialogs.graph import BACK, RESTART, ROUTE, Button, Node, build_flow, handover
from dialogs.library import LIBRARY_FLOW, page_node, title_key

PROBLEM_CLIENT = "v_problem"
CLIENT_WITH_PROBLEM = "v_with_problem"
RESET_EXPECTATIONS = "v_reset"
COLLECT_DEBT = "v_collect"
HOLD_THE_FRAME = "v_frame"
VERDICTS = (PROBLEM_CLIENT, COLLECT_DEBT, RESET_EXPECTATIONS, HOLD_THE_FRAME, CLIENT_WITH_PROBLEM)

# question id → its answers; the order is the order they are asked in
QUESTIONS: dict[str, tuple[str, ...]] = {
    "rude": ("often", "once", "no"),
    "pattern": ("moment", "always", "unsure"),
    "satisfy": ("yes", "no", "unsure"),
    "own_share": ("yes", "no"),
    "nerves": ("yes", "no"),
    "revisions": ("yes", "no"),
    "payment": ("fine", "hard", "unpaid"),
    "advice": ("yes", "no"),
    "expectations": ("yes", "partly", "no"),
    "obligations": ("yes", "no"),
}
# an answer that settles the verdict at once skips the remaining questions
DECISIVE = {("rude", "often")}
DRAINS = {("nerves", "yes"), ("revisions", "yes"), ("payment", "hard"), ("advice", "yes")}


def verdict(answers: Mapping[str, str]) -> str:
    """Rudeness that keeps happening, or a client nothing satisfies who drains you → part;
    a client who does not pay → collect; unset expectations → reset them; 'always like
    this' → work in a firm frame; otherwise the client is worth the extra effort."""
    if answers.get("rude") == "often":
        return PROBLEM_CLIENT
    drains = any(answers.get(question) == answer for question, answer in DRAINS)
    always = answers.get("pattern") == "always"
    if (always and drains) or (answers.get("satisfy") == "no" and (drains or always)):
        return PROBLEM_CLIENT
    if answers.get("payment") == "unpaid":
        return COLLECT_DEBT
    if answers.get("expectations") in ("no", "partly"):
        return RESET_EXPECTATIONS
    return HOLD_THE_FRAME if always else CLIENT_WITH_PROBLEM


def reasons(answers: Mapping[str, str]) -> list[str]:
    """The answers that weighed in, as `check.reasons.*` keys, in the order asked."""
    weighing = {
        ("rude", "often"): "insults",
        ("rude", "once"): "outburst",
        ("pattern", "always"): "always",
        ("pattern", "moment"): "moment",
        ("satisfy", "no"): "unsatisfiable",
        ("own_share", "no"): "own_share_open",
        ("nerves", "yes"): "nerves",
        ("revisions", "yes"): "revisions",
        ("payment", "hard"): "payment",
        ("payment", "unpaid"): "unpaid",
        ("advice", "yes"): "advice",
        ("expectations", "no"): "no_expectations",
        ("expectations", "partly"): "no_expectations",
        ("obligations", "no"): "obligations_open",
    }
    found = []
    for question in QUESTIONS:
        answer = answers.get(question, "")
        found.append(weighing.get((question, answer)))
        if (question, answer) in DECISIVE:
            break  # answers given before a Back to this question no longer count
    return [reason for reason in found if reason]


def _question_node(index: int, question: str) -> Node:
    names = list(QUESTIONS)
    following = names[index + 1] if index + 1 < len(names) else ROUTE
    answers = tuple(
        Button(
            answer,
            f"check.{question}.{answer}",
            ROUTE if (question, answer) in DECISIVE else following,
            sets={question: answer},
        )
        for answer in QUESTIONS[question]
    )
    controls = (Button("back", "back", BACK), Button("again", "check_again", RESTART))
    return Node(question, f"check.{question}", buttons=(*((a,) for a in answers), controls))


# the playbook each verdict links to: the one that works on its cause
PLAYBOOKS = {
    PROBLEM_CLIENT: "no_partnership",
    CLIENT_WITH_PROBLEM: "quality_complaint",
    RESET_EXPECTATIONS: "unclear_requirements",
    COLLECT_DEBT: "non_payment",
    HOLD_THE_FRAME: "excessive_demands",
}


def _verdict_node(node_id: str) -> Node:
    """A verdict, the way back, and the playbook that fixes its cause."""
    playbook = PLAYBOOKS[node_id]
    return Node(
        node_id,
        f"check.{node_id}",
        buttons=(
            (Button("back", "back", BACK), Button("again", "check_again", RESTART)),
            (
                Button(
                    "play", title_key(playbook), handover(LIBRARY_FLOW.name, page_node(playbook))
                ),
            ),
        ),
    )


CHECK_FLOW = build_flow(
    "check",
    "k",
    next(iter(QUESTIONS)),
    [_question_node(i, q) for i, q in enumerate(QUESTIONS)] + [_verdict_node(v) for v in VERDICTS],
    route=verdict,
    route_targets=VERDICTS,
)
