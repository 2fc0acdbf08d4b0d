"""Keep or part with this client? A few questions, then a verdict with its reasons.

The questions and the three verdicts come from `002_2ffce23c8cf39b33.txt` (rudeness means
leave; payment that costs more than the work; advice ignored every time) and
`004_a5f50c77a0d13fe5.txt` (a problem client vs a client with a problem; set expectations
from the first contact; extra effort for a client in a hard spot; part after meeting your
obligations, quickly and without insults).
"""

from __future__ import annotations

from collections.abc import Mapping

from dialogs.graph import BACK, RESTART, ROUTE, Button, Node, build_flow

PROBLEM_CLIENT = "v_problem"
CLIENT_WITH_PROBLEM = "v_with_problem"
RESET_EXPECTATIONS = "v_reset"
VERDICTS = (PROBLEM_CLIENT, CLIENT_WITH_PROBLEM, RESET_EXPECTATIONS)

# question id → its answers; the order is the order they are asked in
QUESTIONS: dict[str, tuple[str, ...]] = {
    "rude": ("yes", "no"),
    "pattern": ("moment", "always", "unsure"),
    "payment": ("yes", "no"),
    "advice": ("yes", "no"),
    "expectations": ("yes", "partly", "no"),
    "obligations": ("yes", "no"),
}
# an answer that settles the verdict at once skips the remaining questions
DECISIVE = {("rude", "yes")}


def verdict(answers: Mapping[str, str]) -> str:
    """Insults, or 'always like this' with a drain → part; unset expectations → reset them;
    otherwise the client is worth the extra effort (the drains that remain are its reasons)."""
    if answers.get("rude") == "yes":
        return PROBLEM_CLIENT
    drains = answers.get("payment") == "yes" or answers.get("advice") == "yes"
    pattern = answers.get("pattern")
    if pattern == "always" and drains:
        return PROBLEM_CLIENT
    if answers.get("expectations") in ("no", "partly"):
        return RESET_EXPECTATIONS
    return CLIENT_WITH_PROBLEM


def reasons(answers: Mapping[str, str]) -> list[str]:
    """The answers that weighed in, as `check.reasons.*` keys, in the order asked."""
    weighing = {
        ("rude", "yes"): "insults",
        ("pattern", "always"): "always",
        ("pattern", "moment"): "moment",
        ("payment", "yes"): "payment",
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


def _verdict_node(node_id: str) -> Node:
    return Node(
        node_id,
        f"check.{node_id}",
        buttons=((Button("back", "back", BACK), Button("again", "check_again", RESTART)),),
    )


CHECK_FLOW = build_flow(
    "check",
    "k",
    next(iter(QUESTIONS)),
    [_question_node(i, q) for i, q in enumerate(QUESTIONS)] + [_verdict_node(v) for v in VERDICTS],
    route=verdict,
    route_targets=VERDICTS,
)
