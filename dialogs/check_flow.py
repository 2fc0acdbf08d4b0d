"""Keep or part with this client? Ten questions, then a verdict the sources support.

The verdict is the first rule of `RULES` the answers meet, and each rule names its source
passage, so a verdict is traced in a table, not a chain of conditions. Parting takes
repeated insults (002 §7) or a client nothing can satisfy (004); one outburst, a hard
period or a drain alone never part.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from dialogs.graph import BACK, RESTART, ROUTE, Button, Node, build_flow, handover
from dialogs.situations_flow import SITUATIONS_FLOW, page_node, title_key

Answers = Mapping[str, str]

INSULTS = "v_insults"
OWN_SHARE_FIRST = "v_own_share"
RESET_EXPECTATIONS = "v_reset"
PROBLEM_CLIENT = "v_problem"
COLLECT_DEBT = "v_collect"
EASE_THE_DRAINS = "v_drains"
HOLD_THE_FRAME = "v_frame"
CLIENT_WITH_PROBLEM = "v_with_problem"
PARTING = (INSULTS, PROBLEM_CLIENT)

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


def _answered(question: str, *answers: str) -> Callable[[Answers], bool]:
    return lambda given: given.get(question) in answers


insults = _answered("rude", "often")
unsatisfiable = _answered("satisfy", "no")
own_share_open = _answered("own_share", "no")
expectations_unset = _answered("expectations", "no", "partly")
unpaid = _answered("payment", "unpaid")
always = _answered("pattern", "always")

# A matter a source gives a remedy for: its question, the answers that raise it, and the
# playbook that holds the remedy. The first four are drains — they take the person's
# strength; the last two are open matters that outrank them.
MATTERS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "advice": ("advice", ("yes",), "advice_ignored"),  # 002 §1: visualise
    "revisions": ("revisions", ("yes",), "scope_creep"),  # 001, situation 3
    "payment": ("payment", ("hard",), "strange_payment"),  # 002 §2
    "nerves": ("nerves", ("yes",), "anger_rudeness"),  # 002 §7
    "unpaid": ("payment", ("unpaid",), "non_payment"),  # 001, situation 2
    "expectations": ("expectations", ("no", "partly"), "unclear_requirements"),  # 004 §2
}
DRAINS = ("advice", "revisions", "payment", "nerves")


def raised(answers: Answers) -> list[str]:
    """The matters these answers raise, in the order of `MATTERS`."""
    return [
        name for name, (question, values, _) in MATTERS.items() if answers.get(question) in values
    ]


def drains(answers: Answers) -> list[str]:
    return [name for name in raised(answers) if name in DRAINS]


@dataclass(frozen=True)
class Rule:
    """A verdict and when it holds, with the source passage it restates."""

    verdict: str
    applies: Callable[[Answers], bool]
    passage: str


RULES = (
    Rule(INSULTS, insults, "002 §7 Anger and rudeness: when insults are the pattern, leave"),
    Rule(
        OWN_SHARE_FIRST,
        lambda a: unsatisfiable(a) and own_share_open(a),
        "002, preface: admit honestly it is not you before burning bridges; 000, Analysing "
        "the client's behaviour: look at your own actions first",
    ),
    Rule(
        RESET_EXPECTATIONS,
        expectations_unset,
        "004 §2: expectations are set at first contact, or the client fills the gaps himself",
    ),
    Rule(
        PROBLEM_CLIENT,
        unsatisfiable,
        "004 §1: nothing satisfies a problem client; §4: then don't spend your time on him",
    ),
    Rule(
        COLLECT_DEBT,
        unpaid,
        "001, situation 2: the contract, the reason for the delay, a lawyer; never drop the debt",
    ),
    Rule(
        EASE_THE_DRAINS,
        lambda a: bool(drains(a)),
        "002 §1 visualise, §2 who decides payment, §7 tell rudeness from criticism; "
        "001, situation 3: agree each change, its time and budget",
    ),
    Rule(HOLD_THE_FRAME, always, "004 §1: the character won't change; 000: document everything"),
    Rule(CLIENT_WITH_PROBLEM, lambda a: True, "004 §3: a client in a hard spot is worth an effort"),
)
VERDICTS = tuple(dict.fromkeys(rule.verdict for rule in RULES))


def verdict(answers: Answers) -> str:
    return next(rule.verdict for rule in RULES if rule.applies(answers))


@dataclass(frozen=True)
class Plan:
    """What a verdict card says beyond its fixed text: `first` — what to do before anything
    else; `own` — the matters the verdict lists as its steps; `remedies` — the matters it
    is not about, each with its source's remedy."""

    verdict: str
    first: tuple[str, ...]
    own: tuple[str, ...]
    remedies: tuple[str, ...]


# the matters a verdict deals with itself: parting leaves remedies moot (004 §4: nothing
# satisfies, don't spend time), the drains verdict lists them as its steps
COVERS: dict[str, frozenset[str]] = {
    INSULTS: frozenset(MATTERS),
    PROBLEM_CLIENT: frozenset(MATTERS),
    EASE_THE_DRAINS: frozenset(DRAINS),
    COLLECT_DEBT: frozenset({"unpaid"}),
    RESET_EXPECTATIONS: frozenset({"expectations"}),
}


def plan(answers: Answers) -> Plan:
    """The verdict with what comes first and the remedies it does not cover itself.

    Promises count as open unless the person said they are kept: on the insults road the
    question is never asked, and 004 §4 parts only after obligations are met."""
    chosen = verdict(answers)
    first = []
    if own_share_open(answers) and chosen != OWN_SHARE_FIRST:
        first.append("own_share")
    if answers.get("obligations") != "yes":
        first.append("obligations")
    matters = raised(answers)
    own = tuple(drains(answers)) if chosen == EASE_THE_DRAINS else ()
    covered = COVERS.get(chosen, frozenset())
    return Plan(chosen, tuple(first), own, tuple(m for m in matters if m not in covered))


def reasons(answers: Answers) -> list[str]:
    """The answers that weighed in, as `check.reasons.*` keys, in the order asked; a key
    that names a matter or a first step is that matter's name."""
    weighing = {
        ("rude", "often"): "insults",
        ("rude", "once"): "outburst",
        ("pattern", "always"): "always",
        ("pattern", "moment"): "moment",
        ("satisfy", "no"): "unsatisfiable",
        ("own_share", "no"): "own_share",
        ("nerves", "yes"): "nerves",
        ("revisions", "yes"): "revisions",
        ("payment", "hard"): "payment",
        ("payment", "unpaid"): "unpaid",
        ("advice", "yes"): "advice",
        ("expectations", "no"): "expectations",
        ("expectations", "partly"): "expectations",
        ("obligations", "no"): "obligations",
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


# the playbook each verdict's text names and its button opens
PLAYBOOKS = {
    INSULTS: "anger_rudeness",
    PROBLEM_CLIENT: "excessive_demands",
    RESET_EXPECTATIONS: "unclear_requirements",
    COLLECT_DEBT: "non_payment",
    HOLD_THE_FRAME: "sabotage",
    CLIENT_WITH_PROBLEM: "quality_complaint",
}


def _playbook_rows(node_id: str) -> tuple[tuple[Button, ...], ...]:
    """The verdict's own playbook, then — unless it parts — one for each matter raised
    whose remedy the card names (shown only when the answers raise it)."""
    own = PLAYBOOKS.get(node_id)
    rows = [(None, own)] if own else []
    if node_id not in PARTING:
        rows += [
            ((question, *values), playbook)
            for question, values, playbook in MATTERS.values()
            if playbook != own
        ]
    return tuple(
        (
            Button(
                f"p{index}",
                title_key(playbook),
                handover(SITUATIONS_FLOW.name, page_node(playbook)),
                when=when,
            ),
        )
        for index, (when, playbook) in enumerate(rows)
    )


def _verdict_node(node_id: str) -> Node:
    """A verdict, the way back, and the playbooks that work on its cause."""
    return Node(
        node_id,
        f"check.{node_id}",
        buttons=(
            (Button("back", "back", BACK), Button("again", "check_again", RESTART)),
            *_playbook_rows(node_id),
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
