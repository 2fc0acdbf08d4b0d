"""Telegram's HTML parse mode, reproduced closely enough to refuse what Telegram refuses.

The parser follows TDLib's ``parse_html`` (the code behind the Bot API): it walks the UTF-8
bytes, so the byte offsets in its error messages are the ones Telegram reports, and it
counts entity offsets and lengths in UTF-16 code units, as the Bot API does.

Where it deliberately differs from Telegram (documented so nobody is surprised):

* ``&name;`` with an unknown *name* (``&nbsp;``, ``&hellip;`` ...) is an error here.  Telegram
  keeps such text literally, so the user would see "&nbsp;" - always a bot bug (a string that
  was escaped for a browser, not for Telegram).  A bare ``&`` that does not look like
  ``&letters;`` (``"Tom & Jerry"``, ``"a&b"``) is kept literally, exactly like Telegram.
* ``<a href>`` links are not normalised (Telegram may add ``http://`` or a trailing slash);
  a link without a scheme gets ``http://`` prepended, links that are clearly not URLs are
  dropped like Telegram drops them.
* Automatic entities (URLs, mentions, hashtags found in plain text) are not added.
* The ``<tg-time>`` tag is not supported.

:func:`finalize_text` then applies the clean-up that Telegram performs on every message text
(control characters, ``\\r``, whitespace-only entities, leading/trailing whitespace), so that
what the stub stores is what a user would see.
"""

import re
import string
from typing import Any

__all__ = [
    "HtmlParseError",
    "finalize_text",
    "parse_html",
    "sort_entities",
    "utf16_len",
]

_SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
# TDLib's is_space(): NUL counts as a space, which is how its loops stop at the end of the text.
_SPACES = frozenset(b" \t\r\n\0\v\f")
# Sort order of entities that share offset and length (TDLib's type priorities).
_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 1,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "text_mention": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}
_SPLITTABLE = frozenset({"bold", "italic", "underline", "strikethrough", "spoiler"})
_HIDDEN_DATA = frozenset({"text_link", "text_mention", "pre", "code"})
_URL_SCHEMES = ("http://", "https://", "tg://", "ton://", "ftp://")
_HOST_RE = re.compile(r"^[\w-]+(\.[\w-]+)+(:\d+)?([/?#].*)?$")
_NAME_TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + ".-")
_USER_LINK_RE = re.compile(r"^tg://user\?id=(\d+)$")


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML.

    ``description`` is the part Telegram puts after "Bad Request: can't parse entities: ".
    """

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def utf16_len(text: str) -> int:
    """Length of *text* in UTF-16 code units: the unit of Telegram's offsets and limits."""
    return len(text.encode("utf-16-le")) // 2


def sort_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sort entities as Telegram returns them: by offset, longer (outer) first."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"], _PRIORITY.get(e["type"], 50)))


class _Reader:
    """The input as bytes, where reading past the end gives NUL like TDLib's C string."""

    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-8")

    def at(self, index: int) -> int:
        return self.data[index] if index < len(self.data) else 0


def _decode_reference(reader: _Reader, pos: int) -> tuple[str, int] | None:
    """Decode the character reference starting with ``&`` at *pos*.

    Returns the character and the position after the reference, or ``None`` when the ``&``
    is to be kept literally (TDLib's decode_html_entity).
    """
    at = reader.at
    end = pos + 1
    if at(end) == ord("#"):
        end += 1
        code = 0
        if at(end) == ord("x"):
            end += 1
            while at(end) and chr(at(end)) in string.hexdigits:
                code = code * 16 + int(chr(at(end)), 16)
                end += 1
        else:
            while ord("0") <= at(end) <= ord("9"):
                code = code * 10 + at(end) - ord("0")
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while at(end) and chr(at(end)) in string.ascii_letters:
            end += 1
        named = _NAMED_ENTITIES.get(reader.data[pos + 1 : end])
        if named is None:
            return None
        char = named
    if at(end) == ord(";"):
        end += 1
    return char, end


class _OpenTag:
    """A start tag waiting for its end tag."""

    def __init__(self, name: str, argument: str, utf16_offset: int, result_pos: int) -> None:
        self.name = name
        self.argument = argument
        self.utf16_offset = utf16_offset
        self.result_pos = result_pos


def _read_start_tag(reader: _Reader, begin: int) -> tuple[str, str, int]:
    """Read a start tag whose ``<`` is at *begin*; returns name, argument, index of ``>``."""
    at = reader.at
    i = begin + 1
    while at(i) not in _SPACES and at(i) != ord(">"):
        i += 1
    if at(i) == 0:
        raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
    name = reader.data[begin + 1 : i].decode("utf-8", "replace").lower()
    if name not in _SUPPORTED_TAGS:
        raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {begin}')

    argument = ""
    while at(i) != ord(">"):
        while at(i) != 0 and at(i) in _SPACES:
            i += 1
        if at(i) == ord(">"):
            break
        attr_begin = i
        while at(i) not in _SPACES and at(i) not in b"=>":
            i += 1
        attr = reader.data[attr_begin:i].decode("utf-8", "replace")
        if not attr:
            raise HtmlParseError(f'Empty attribute name in the tag "{name}" at byte offset {begin}')
        while at(i) != 0 and at(i) in _SPACES:
            i += 1
        if at(i) != ord("="):
            if at(i) == 0:
                raise HtmlParseError(f'Unclosed start tag "{name}" at byte offset {begin}')
            if name == "blockquote" and attr == "expandable":
                argument = "1"
            continue
        i += 1
        while at(i) != 0 and at(i) in _SPACES:
            i += 1
        if at(i) == 0:
            raise HtmlParseError(f'Unclosed start tag "{name}" at byte offset {begin}')
        value, i = _read_attribute_value(reader, i)
        if at(i) == 0:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
        if (name, attr) in (("a", "href"), ("tg-emoji", "emoji-id")):
            argument = value
        elif name == "code" and attr == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif name == "span" and attr == "class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
    if name == "span" and argument != "spoiler":
        raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    return name, argument, i


def _read_attribute_value(reader: _Reader, i: int) -> tuple[str, int]:
    """Read a quoted string (references decoded) or a bare name token (lowercased)."""
    at = reader.at
    quote = at(i)
    if quote not in b"'\"":
        token_begin = i
        while at(i) and (chr(at(i)) in _NAME_TOKEN_CHARS):
            i += 1
        if at(i) not in _SPACES and at(i) != ord(">"):
            raise HtmlParseError(f"Unexpected end of name token at byte offset {token_begin}")
        return reader.data[token_begin:i].decode("utf-8", "replace").lower(), i
    i += 1
    value = bytearray()
    while at(i) != quote and at(i) != 0:
        if at(i) == ord("&"):
            decoded = _decode_reference(reader, i)
            if decoded is not None:
                value += decoded[0].encode("utf-8", "surrogatepass")
                i = decoded[1]
                continue
        value.append(at(i))
        i += 1
    if at(i) == quote:
        i += 1
    return value.decode("utf-8", "replace"), i


def _link_entity(url: str, offset: int, length: int) -> dict[str, Any] | None:
    """The entity an ``<a>`` produces, or None where Telegram drops an invalid link."""
    url = url.strip()
    user = _USER_LINK_RE.match(url)
    if user:
        user_json = {"id": int(user.group(1)), "is_bot": False, "first_name": ""}
        return {"offset": offset, "length": length, "type": "text_mention", "user": user_json}
    if not url.lower().startswith(_URL_SCHEMES):
        if not _HOST_RE.match(url):
            return None
        url = "http://" + url
    return {"offset": offset, "length": length, "type": "text_link", "url": url}


def _close_entity(
    tag: _OpenTag, end_offset: int, result: bytearray, entities: list[dict[str, Any]]
) -> None:
    """Turn a closed, non-empty tag into an entity (TDLib's rules for pre/code merging)."""
    offset, length = tag.utf16_offset, end_offset - tag.utf16_offset
    last = entities[-1] if entities else None
    same_span = last is not None and last["offset"] == offset and last["length"] == length
    if tag.name in _SIMPLE_TAG_TYPES:
        entities.append({"offset": offset, "length": length, "type": _SIMPLE_TAG_TYPES[tag.name]})
    elif tag.name == "tg-emoji":
        if not tag.argument.isdigit() or int(tag.argument) == 0:
            raise HtmlParseError("Invalid custom emoji identifier specified")
        entities.append(
            {
                "offset": offset,
                "length": length,
                "type": "custom_emoji",
                "custom_emoji_id": tag.argument,
            }
        )
    elif tag.name == "a":
        url = tag.argument or result[tag.result_pos :].decode("utf-8", "replace")
        entity = _link_entity(url, offset, length)
        if entity is not None:
            entities.append(entity)
    elif tag.name == "pre":
        if last is not None and same_span and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"
        else:
            entities.append({"offset": offset, "length": length, "type": "pre"})
    elif tag.name == "code":
        if last is not None and same_span and last["type"] == "pre" and tag.argument:
            last["language"] = tag.argument
        else:
            entity = {"offset": offset, "length": length, "type": "code"}
            if tag.argument:
                entity["language"] = tag.argument
            entities.append(entity)
    elif tag.name == "blockquote":
        kind = "expandable_blockquote" if tag.argument else "blockquote"
        entities.append({"offset": offset, "length": length, "type": kind})


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into plain text and entities (UTF-16 offsets and lengths).

    Raises :class:`HtmlParseError` where Telegram answers
    "Bad Request: can't parse entities: ...".
    """
    reader = _Reader(text)
    data, at = reader.data, reader.at
    result = bytearray()
    entities: list[dict[str, Any]] = []
    stack: list[_OpenTag] = []
    utf16_offset = 0
    i = 0
    while i < len(data):
        c = data[i]
        if c == ord("&"):
            decoded = _decode_reference(reader, i)
            if decoded is not None:
                char, i = decoded
                if 0xD800 <= ord(char) <= 0xDFFF:
                    raise HtmlParseError(
                        "Text contains invalid Unicode characters after decoding HTML entities, "
                        "check for unmatched surrogate code units"
                    )
                result += char.encode("utf-8")
                utf16_offset += 2 if ord(char) > 0xFFFF else 1
                continue
            unknown = re.match(rb"&([A-Za-z][A-Za-z0-9]*);", data[i : i + 40])
            if unknown:
                # Stricter than Telegram, which would show "&name;" literally: see module doc.
                name = unknown.group(1).decode()
                raise HtmlParseError(f'Unsupported HTML entity "&{name};" at byte offset {i}')
        if c != ord("<"):
            if c & 0xC0 != 0x80:  # first byte of a UTF-8 sequence
                utf16_offset += 2 if c >= 0xF0 else 1
            result.append(c)
            i += 1
            continue

        begin = i
        if at(i + 1) != ord("/"):
            name, argument, i = _read_start_tag(reader, begin)
            stack.append(_OpenTag(name, argument, utf16_offset, len(result)))
            i += 1  # past '>'
            continue

        if not stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
        i += 2
        while at(i) not in _SPACES and at(i) != ord(">"):
            i += 1
        end_name = data[begin + 2 : i].decode("utf-8", "replace").lower()
        while at(i) in _SPACES and at(i) != 0:
            i += 1
        if at(i) != ord(">"):
            raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
        tag = stack.pop()
        if end_name and end_name != tag.name:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        if utf16_offset > tag.utf16_offset:
            _close_entity(tag, utf16_offset, result, entities)
        i += 1  # past '>'

    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)  # a language counts only on <pre><code>
    return result.decode("utf-8"), sort_entities(entities)


# Characters Telegram removes from message texts: \r, U+2028..U+202E and three combining marks.
_REMOVED = frozenset("\r\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u0333\u033f\u030a")
_TRIMMED = " \n"


def _cp_spans(text: str, entities: list[dict[str, Any]]) -> list[tuple[int, int, dict[str, Any]]]:
    """Convert UTF-16 offsets to code point indexes; errors like Telegram's for bad offsets."""
    boundary: dict[int, int] = {}
    units = 0
    for index, char in enumerate(text):
        boundary[units] = index
        units += 2 if ord(char) > 0xFFFF else 1
    boundary[units] = len(text)
    spans = []
    for entity in entities:
        offset, length = int(entity["offset"]), int(entity["length"])
        if offset < 0 or length < 0:
            raise HtmlParseError(f"Receive an entity with incorrect offset {offset}")
        if offset > units:
            raise HtmlParseError(
                f"Entity begins after the end of the text at UTF-16 offset {offset}"
            )
        if offset + length > units:
            raise HtmlParseError(
                f"Entity beginning at UTF-16 offset {offset} ends after the end of the text "
                f"at UTF-16 offset {offset + length}"
            )
        if offset not in boundary or offset + length not in boundary:
            raise HtmlParseError("Entity begins or ends in a middle of a UTF-16 symbol")
        extra = {k: v for k, v in entity.items() if k not in ("offset", "length")}
        spans.append((boundary[offset], boundary[offset + length], extra))
    return spans


def _inside_code(start: int, end: int, extra: dict[str, Any], spans: list[Any]) -> bool:
    """Formatting inside code/pre is dropped by Telegram: code is shown verbatim."""
    if extra["type"] not in _SPLITTABLE:
        return False
    return any(
        other["type"] in ("code", "pre") and s <= start and end <= e for s, e, other in spans
    )


def finalize_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Clean a parsed text like Telegram does before storing a message.

    Control characters become spaces, ``\\r`` and a few invisible characters disappear,
    formatting inside code is dropped, leading spaces of formatting entities are moved out of
    them, whitespace-only entities vanish, and the text is trimmed of spaces and newlines at
    both ends (at the start only up to the first entity).  An empty result means Telegram's
    "message text is empty".
    """
    spans = _cp_spans(text, entities)
    chars: list[str] = []
    new_index = []
    for char in text:
        new_index.append(len(chars))
        if char in _REMOVED:
            continue
        chars.append(" " if ord(char) < 32 and char != "\n" else char)
    new_index.append(len(chars))
    clean = "".join(chars)
    moved = [(new_index[s], new_index[e], extra) for s, e, extra in spans]
    kept = []
    for start, end, extra in moved:
        if _inside_code(start, end, extra, moved):
            continue
        if extra["type"] not in _HIDDEN_DATA:
            while start < end and clean[start] in _TRIMMED:
                start += 1
        body = clean[start:end]
        has_text = any(ch not in _TRIMMED for ch in body)
        if has_text or (extra["type"] in _HIDDEN_DATA and " " in body):
            kept.append((start, end, extra))

    last = len(clean)
    while last > 0 and clean[last - 1] in _TRIMMED:
        last -= 1
    if last == 0:
        return "", []
    kept = [(s, min(e, last), x) for s, e, x in kept if s < last]
    first_entity = min((s for s, _, _ in kept), default=last)
    first = 0
    while first < first_entity and clean[first] in _TRIMMED:
        first += 1
    final = clean[first:last]
    result = []
    for start, end, extra in kept:
        offset = utf16_len(final[: start - first])
        length = utf16_len(final[start - first : end - first])
        result.append({"offset": offset, "length": length, **extra})
    return final, sort_entities(result)
