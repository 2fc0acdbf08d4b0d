"""The coach's brain: flows declared as data and a pure engine. Imports nothing from Telegram."""

from dialogs.call_flow import CALL_FLOW
from dialogs.graph import Flow

FLOWS: dict[str, Flow] = {CALL_FLOW.name: CALL_FLOW}
