"""Who is in a group, as ``getChatMember`` reports it.

Tests set a person's status in a group (``BotApiStub.set_chat_members``); the answer is
the ``ChatMember`` object of that status with every field the published Bot API requires,
read from ``api.json``, so a newer Bot API version never leaves one out.
"""

from typing import Any

from .spec import load_spec

__all__ = ["RESTRICTED_LEFT", "STATUSES", "chat_member_json"]

RESTRICTED_LEFT = "restricted:left"  # restricted, and no longer in the group
_TYPES = {
    "creator": "ChatMemberOwner",
    "administrator": "ChatMemberAdministrator",
    "member": "ChatMemberMember",
    "restricted": "ChatMemberRestricted",
    RESTRICTED_LEFT: "ChatMemberRestricted",
    "left": "ChatMemberLeft",
    "kicked": "ChatMemberBanned",
}
STATUSES = frozenset(_TYPES)
_NOT_ALLOWED = ("can_be_edited", "is_anonymous")  # the rest of the `can_…` are granted


def chat_member_json(status: str, user: dict[str, Any]) -> dict[str, Any]:
    """The ``ChatMember`` of *user* (a ``User`` object) with *status*; "restricted" is
    still a member, ``RESTRICTED_LEFT`` is the restricted person who left."""
    fields = load_spec().types[_TYPES[status]].fields
    data: dict[str, Any] = {"status": status.split(":")[0], "user": user}
    for name, field in fields.items():
        if not field.required or name in data:
            continue
        if name == "is_member":
            data[name] = status != RESTRICTED_LEFT
        elif name == "until_date":
            data[name] = 0  # forever
        elif "Boolean" in field.types:
            data[name] = name not in _NOT_ALLOWED
    return data
