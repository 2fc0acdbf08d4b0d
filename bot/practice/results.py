"""Practice results: one row per finished attempt, written in the step that finishes it.

The row is the person's own record (scenario, when, ✔/✘ per stage, total), so the
journal's `/export` and `/forget` take it by `user_id` like the calls. The best score is
not stored twice: it is the maximum over the rows, mirrored into the dialog so the result
card — drawn by a pure layout — can show it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.database.connection import Tx, utc_text
from bot.dialog.service import Step
from dialogs.engine import DialogState
from dialogs.practice_flow import END, LOST, parse_node, stage_results, total
from dialogs.practice_scenarios import STAGES


def finished_attempt(step: Step) -> bool:
    """The step that reached a result card (a press on the card itself does not count)."""
    arrived = step.after.node.endswith((f".{END}", f".{LOST}"))
    return arrived and (step.before is None or step.before.node != step.after.node)


async def record_result(tx: Tx, step: Step) -> DialogState:
    """The practice flow's step hook: store a finished attempt and mirror the best back."""
    state = step.after
    if not finished_attempt(step):
        return state
    scenario = parse_node(state.node)[0].id
    results = stage_results(state.values, scenario)
    await tx.execute(
        f"""INSERT INTO practice_results
            (user_id, scenario, finished_at, {", ".join(STAGES)}, total)
            VALUES (?, ?, ?, {", ".join("?" for _ in STAGES)}, ?)""",
        (
            step.person.user_id,
            scenario,
            utc_text(step.now),
            *(int(results[stage]) for stage in STAGES),
            total(results),
        ),
    )
    row = await tx.one(
        "SELECT MAX(total) AS best FROM practice_results WHERE user_id = ? AND scenario = ?",
        (step.person.user_id, scenario),
    )
    assert row is not None
    return replace(state, values={**state.values, "best": str(row["best"])})


async def delete_older(tx: Tx, before: datetime | None, limit: int) -> int:
    """Retention: delete up to `limit` of the oldest results finished before `before`
    (None keeps them all); how many went."""
    if before is None:
        return 0
    return await tx.changed(
        """DELETE FROM practice_results WHERE id IN (
               SELECT id FROM (SELECT id, finished_at FROM practice_results
                               ORDER BY id LIMIT ?) AS oldest
                               WHERE finished_at < ?)""",
        (limit, utc_text(before)),
    )
