"""The call's writes beside each step: a typed call-back time read, then the record.

Typed text reaches no `derive` in the engine, so a call-back time typed as HH:MM is
turned into its due moment here, at the person's local time of the step, before the
record (and the follow-up hook after it) see the state.
"""

from __future__ import annotations

from dataclasses import replace

from bot.call.records import record_call
from bot.database.connection import Tx
from bot.dialog.service import Step
from dialogs.call_flow import typed_call_back
from dialogs.engine import DialogState


async def call_step(tx: Tx, step: Step) -> DialogState:
    """The call flow's step hook: the typed call-back's moment, then the `calls` row."""
    state = step.after
    before = step.before.values if step.before else {}
    typed = typed_call_back(state.values, before, step.now.astimezone(step.person.zone))
    if typed:
        state = replace(state, values={**state.values, **typed})
    return await record_call(tx, replace(step, after=state))
