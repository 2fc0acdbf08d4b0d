"""The coach's brain: flows declared as data and a pure engine. Imports nothing from Telegram."""

from dialogs.call_flow import CALL_FLOW
from dialogs.check_flow import CHECK_FLOW
from dialogs.daily_flow import DAILY_FLOW
from dialogs.graph import Flow
from dialogs.library import LIBRARY_FLOW

FLOWS: dict[str, Flow] = {
    flow.name: flow for flow in (CALL_FLOW, LIBRARY_FLOW, CHECK_FLOW, DAILY_FLOW)
}
