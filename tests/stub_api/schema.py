"""Every request checked against the published Bot API (``spec.py``), generically.

What is checked: the method exists; every parameter is one the method takes; every
required one is there; every value has its type, nested objects included (keyboards,
inline results with their message content, command scopes ...), all driven by api.json's
``types`` and ``subtypes``.  A union is resolved by its tag field when its members have one
(``BotCommandScope*`` by ``type``, ``PassportElementError*`` by ``source``), else by trying
each member (``reply_markup``, ``InputMessageContent``).

How a top-level value is read is Telegram's rule, kept exactly (tdlib ``HttpReader.cpp``,
see ``../shared/reviews/botapi-audit.md`` §2, first row): a form field, or a JSON body's
*string* value, is the parameter's text as it is; any other JSON value (number, bool,
object, array) is kept as its raw JSON text.  That text is then parsed by the parameter's
type: an Integer must be a whole number ("123"), a Float a number, a Boolean one of
true/false/yes/no/1/0 (Telegram reads anything else as false, silently: refused here), an
object or array must be JSON of that shape.  So ``"chat_id":"123"`` equals ``chat_id=123``
and ``"reply_markup":"{...}"`` equals the object itself, as PTB's ``json_payload`` relies
on.  Inside the decoded JSON, fields are typed strictly, as tdlib's JSON readers are: JSON
booleans, numbers and strings.  Uploaded files arrive as multipart parts and fit
``InputFile``; a part referred to as ``attach://<name>`` is no parameter of its own.

Two checks are stricter than Telegram, on purpose: a field an object does not have is
refused (Telegram ignores it, so a misspelt field would silently do nothing), and so is an
object or array sent for a scalar parameter (Telegram would take its JSON text).
"""

import json
import math
import re
from collections.abc import Iterable
from typing import Any

from .models import UploadedFile
from .spec import Field, ObjectType, Spec, load_spec

__all__ = ["check_params", "spec_method"]

_SCALARS = frozenset({"Integer", "Float", "Boolean", "String", "InputFile"})
_INTEGER_RE = re.compile(r"-?[0-9]+")
_BOOLEAN_TEXTS = frozenset({"true", "false", "yes", "no", "1", "0"})
_ATTACH_RE = re.compile(r"attach://([A-Za-z0-9_.-]+)")


def spec_method(name: str) -> str | None:
    """The canonical name of a Bot API method (names are case-insensitive), None if unknown."""
    found = load_spec().methods.get(name.lower())
    return None if found is None else found[0]


def _shown(value: Any) -> str:
    if isinstance(value, UploadedFile):
        return "an uploaded file"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _expected(types: Iterable[str]) -> str:
    return " or ".join(types)


# --- values inside decoded JSON: strict types -------------------------------------------


def _scalar_fits(value: Any, type_name: str) -> bool:
    if type_name == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_name == "Boolean":
        return isinstance(value, bool)
    if type_name == "String":
        return isinstance(value, str)
    return isinstance(value, UploadedFile)  # InputFile


def _members(spec: Spec, types: Iterable[str]) -> list[str]:
    """The concrete types a list of types stands for, unions expanded."""
    members: list[str] = []
    for name in types:
        union = spec.types.get(name)
        if union is not None and union.subtypes:
            members += _members(spec, union.subtypes)
        elif name not in members:
            members.append(name)
    return members


def _check_object(spec: Spec, value: Any, kind: ObjectType, path: str) -> str | None:
    if not isinstance(value, dict):
        return f"{path}: expected {kind.name}, got {_shown(value)}"
    if not kind.fields:  # a placeholder such as CallbackGame: any object
        return None
    for key, item in value.items():
        field = kind.fields.get(key)
        if field is None:
            return f'{path}: {kind.name} has no field "{key}"'
        if item is not None:
            problem = check_value(spec, item, field.types, f"{path}.{key}")
            if problem:
                return problem
    missing = [f.name for f in kind.fields.values() if f.required and value.get(f.name) is None]
    return f'{path}: {kind.name} needs field "{missing[0]}"' if missing else None


def _check_one(spec: Spec, value: Any, type_name: str, path: str) -> str | None:
    if type_name.startswith("Array of "):
        if not isinstance(value, list):
            return f"{path}: expected {type_name}, got {_shown(value)}"
        inner = type_name.removeprefix("Array of ")
        for index, item in enumerate(value):
            problem = check_value(spec, item, (inner,), f"{path}[{index}]")
            if problem:
                return problem
        return None
    if type_name in _SCALARS:
        fits = _scalar_fits(value, type_name)
        return None if fits else f"{path}: expected {type_name}, got {_shown(value)}"
    return _check_object(spec, value, spec.types[type_name], path)


def _candidates(spec: Spec, value: Any, members: list[str]) -> list[str]:
    """The members an object may be: those whose tag it carries, and untagged ones."""
    tags = {spec.types[m].tag for m in members if m in spec.types and spec.types[m].tag}
    if not tags or not isinstance(value, dict):
        return members
    carried = {(field, value.get(field)) for field, _ in tags}
    return [m for m in members if m not in spec.types or spec.types[m].tag in carried | {None}]


def check_value(spec: Spec, value: Any, types: Iterable[str], path: str) -> str | None:
    """Why *value* (decoded JSON) fits none of *types*, or None when it fits one."""
    members = _members(spec, types)
    if len(members) == 1:
        return _check_one(spec, value, members[0], path)
    candidates = _candidates(spec, value, members)
    if not candidates:
        tag = next(spec.types[m].tag for m in members if m in spec.types and spec.types[m].tag)
        return f"{path}: {tag[0]} {_shown(value.get(tag[0]))} is no {_expected(types)}"
    problems = []
    for member in candidates:
        problem = _check_one(spec, value, member, path)
        if problem is None:
            return None
        problems.append(problem)
    # the member that got furthest into the value explains best what is wrong with it
    return max(problems, key=lambda problem: len(problem.split(": ", 1)[0]))


# --- top-level parameters: Telegram's text rule -------------------------------------------


def _text_fits(text: str, type_name: str) -> bool:
    """Whether a parameter's text reads as the scalar *type_name*."""
    if type_name == "Integer":
        return _INTEGER_RE.fullmatch(text) is not None
    if type_name == "Float":
        try:
            return math.isfinite(float(text))
        except ValueError:
            return False
    if type_name == "Boolean":
        return text.strip().lower() in _BOOLEAN_TEXTS
    return type_name == "String"


def _check_param(spec: Spec, value: Any, field: Field) -> str | None:
    """Why a parameter as it arrived cannot be read as any of its types, or None."""
    name, types = field.name, field.types
    if isinstance(value, UploadedFile):
        return None if "InputFile" in types else f"{name} is a file, expected {_expected(types)}"
    scalars = [t for t in types if t in _SCALARS and t != "InputFile"]
    text = value if isinstance(value, str) else json.dumps(value)  # Telegram's rule
    if not isinstance(value, dict | list) and any(_text_fits(text, t) for t in scalars):
        return None
    shaped = [t for t in types if t not in _SCALARS]
    if not shaped:
        return f"{name}: expected {_expected(types)}, got {_shown(value)}"
    try:
        decoded = json.loads(text)
    except ValueError:
        return f"{name}: expected {_expected(shaped)} as JSON, got {_shown(value)}"
    return check_value(spec, decoded, shaped, name)


def _attached(raw: dict[str, Any]) -> set[str]:
    """Names of uploaded parts that other values refer to as ``attach://<name>``."""
    texts = (
        v if isinstance(v, str) else json.dumps(v)
        for v in raw.values()
        if not isinstance(v, UploadedFile)
    )
    return {name for text in texts for name in _ATTACH_RE.findall(text)}


def check_params(method: str, raw: dict[str, Any]) -> str | None:
    """Why *raw* (parameters as they arrived) breaks *method*'s signature, or None.

    *method* must be a known Bot API method (see :func:`spec_method`)."""
    spec = load_spec()
    name, fields = spec.methods[method.lower()]
    attached = _attached(raw)
    for key, value in raw.items():
        if value is None or (key in attached and isinstance(value, UploadedFile)):
            continue
        field = fields.get(key)
        if field is None:
            return f'{name} takes no parameter "{key}"'
        problem = _check_param(spec, value, field)
        if problem:
            return f"{name}: {problem}"
    missing = [f.name for f in fields.values() if f.required and raw.get(f.name) is None]
    return f'{name} needs parameter "{missing[0]}"' if missing else None
