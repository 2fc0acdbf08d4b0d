"""The published Bot API as data: methods with their parameters, types with their fields.

Read once per process from the vendored ``tests/data/telegram-bot-api-spec/api.json`` (see
the README there), so every test's stand-in checks requests against the same Bot API
version without paying for parsing 900 kB each time.
"""

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SPEC_PATH", "Field", "ObjectType", "Spec", "load_spec"]

SPEC_PATH = Path(__file__).resolve().parents[1] / "data" / "telegram-bot-api-spec" / "api.json"
# The field that tells the members of a union apart ("Scope type, must be chat",
# 'Type of the result, always "article"'); PassportElementError is told apart by `source`.
_TAG_FIELDS = ("type", "source", "status")
_TAG_RE = re.compile(r'(?:must be|always) "?([a-z_0-9]+)"?$')


@dataclass(frozen=True)
class Field:
    """A method's parameter or an object's field: its name, its types, and if required."""

    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class ObjectType:
    """A Bot API type: its fields, or the types it is a union of (``subtypes``)."""

    name: str
    fields: dict[str, Field]
    subtypes: tuple[str, ...]
    tag: tuple[str, str] | None  # (field, value) that selects this member of a union


@dataclass(frozen=True)
class Spec:
    version: str
    methods: dict[str, tuple[str, dict[str, Field]]]  # lower-case name -> (name, parameters)
    types: dict[str, ObjectType]


def _fields(entries: list[dict]) -> dict[str, Field]:
    return {
        entry["name"]: Field(entry["name"], tuple(entry["types"]), bool(entry["required"]))
        for entry in entries
    }


def _tag(fields: dict[str, Field], descriptions: dict[str, str]) -> tuple[str, str] | None:
    for name in _TAG_FIELDS:
        match = _TAG_RE.search(descriptions.get(name, "")) if name in fields else None
        if match:
            return name, match.group(1)
    return None


def _object_type(entry: dict) -> ObjectType:
    fields = _fields(entry.get("fields", []))
    descriptions = {f["name"]: f["description"].strip() for f in entry.get("fields", [])}
    return ObjectType(
        entry["name"], fields, tuple(entry.get("subtypes", [])), _tag(fields, descriptions)
    )


@functools.cache
def load_spec(path: Path = SPEC_PATH) -> Spec:
    """The Bot API of *path*, parsed once per process."""
    data = json.loads(path.read_text(encoding="utf-8"))
    methods = {
        name.lower(): (name, _fields(entry.get("fields", [])))
        for name, entry in data["methods"].items()
    }
    types = {name: _object_type(entry) for name, entry in data["types"].items()}
    return Spec(data["version"], methods, types)
