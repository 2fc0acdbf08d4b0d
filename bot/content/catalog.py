"""The language catalogs: `locales/<lang>/*.toml`, compiled once, rendered with jinja2.

TOML because it is in the standard library, keeps multi-line texts readable and lets a
content entry carry its `source` beside its text. Autoescaping is on because every
message goes out with parse_mode=HTML: whatever the user typed is shown as typed and
can never break the markup around it.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterator, Mapping
from functools import cached_property
from importlib.resources import files
from importlib.resources.abc import Traversable
from operator import attrgetter
from typing import Any

from babel import Locale
from jinja2 import Environment, StrictUndefined, Template, meta
from markupsafe import Markup

# Package data, not a path beside the sources: an installed bot finds it from any directory.
LOCALES_DIR = files("locales")
SHORT_LIMIT = 200
DEFAULT_LANGUAGE = "ru"


def shorten(text: str, limit: int = SHORT_LIMIT) -> str:
    """Cut long user text for a card at a word boundary (a word cut in half reads as a
    typo); the full text stays in the database."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and text[limit - 1] != " ":
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:—-") + "…"


def namespace(file: Traversable) -> str:
    """`situations_work.toml` and `situations_people.toml` both fill `situations.`: a long
    catalog can be split over files (and writers) without changing its keys."""
    return file.name.removesuffix(".toml").split("_")[0]


def _flatten(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


_name = attrgetter("name")


def _languages(root: Traversable) -> Iterator[Traversable]:
    """One folder per language; `__pycache__` (the package's own) is none."""
    return (p for p in root.iterdir() if p.is_dir() and not p.name.startswith("_"))


class Catalog:
    """Every language's texts by dotted key: `<file>.<table>.<field>`, e.g. `ui.buttons.back`."""

    def __init__(self, root: Traversable = LOCALES_DIR) -> None:
        self.root = root
        self.env = Environment(
            autoescape=True, undefined=StrictUndefined, keep_trailing_newline=False
        )
        self.raw: dict[str, dict[str, Any]] = {}
        for folder in sorted(_languages(root), key=_name):
            entries: dict[str, Any] = {}
            toml = (f for f in folder.iterdir() if f.is_file() and f.name.endswith(".toml"))
            for file in sorted(toml, key=_name):
                with file.open("rb") as handle:
                    entries.update(_flatten(tomllib.load(handle), f"{namespace(file)}."))
            self.raw[folder.name] = entries
        self._compiled: dict[tuple[str, str, int | None], Template | Markup] = {}
        self._variables: dict[tuple[str, str], frozenset[str]] = {}

    @cached_property
    def languages(self) -> tuple[str, ...]:
        """Every catalog, the default language first (it leads menus and comparisons)."""
        return tuple(sorted(self.raw, key=lambda lang: (lang != DEFAULT_LANGUAGE, lang)))

    def language_for(self, chosen: str | None, telegram_code: str | None) -> str:
        """The user's choice, else Telegram's language: `kk…` → Kazakh, anything else → Russian."""
        if chosen in self.raw:
            return chosen
        code = (telegram_code or "").lower().split("-")[0]
        return "kk" if code == "kk" else DEFAULT_LANGUAGE

    def value(self, lang: str, key: str) -> Any:
        return self.raw[lang][key]

    def has(self, lang: str, key: str) -> bool:
        return key in self.raw[lang]

    def _compiled_text(self, lang: str, key: str, index: int | None) -> Template | Markup:
        """A text compiled once; a plain one (most labels: no `{`, nothing for jinja2 to
        do) is kept as its finished markup, so drawing a keyboard renders no template."""
        cache_key = (lang, key, index)
        if cache_key not in self._compiled:
            source = self.raw[lang][key]
            source = source if index is None else source[index]
            plain = "{" not in source
            compiled = Markup(source.strip()) if plain else self.env.from_string(source)
            self._compiled[cache_key] = compiled
        return self._compiled[cache_key]

    def text(self, lang: str, key: str, index: int | None = None, **values: Any) -> str:
        """Render one template; `plural` is bound to the language so templates can count.

        The result is marked safe HTML, so one rendered text can go into another template
        (a tip into its message) without being escaped twice.
        """
        compiled = self._compiled_text(lang, key, index)
        if isinstance(compiled, Markup):
            return compiled
        rendered = compiled.render(plural=lambda name, n: self.plural(lang, name, n), **values)
        return Markup(rendered.strip())

    def texts(self, lang: str, key: str, **values: Any) -> list[str]:
        """Render every item of a list entry (phrases, steps)."""
        return [self.text(lang, key, index=i, **values) for i in range(len(self.value(lang, key)))]

    def plural(self, lang: str, name: str, n: int) -> str:
        """Babel's CLDR plural category picks the form: Russian one/few/many, Kazakh one/other."""
        category = Locale.parse(self.value(lang, "ui.meta.babel_locale")).plural_form(n)
        key = f"ui.plurals.{name}.{category}"
        if not self.has(lang, key):
            key = f"ui.plurals.{name}.other"
        return self.text(lang, key, n=n)

    def variables(self, lang: str, key: str) -> frozenset[str]:
        """Template variables a text needs; parity between languages is checked on these."""
        if (lang, key) not in self._variables:
            self._variables[lang, key] = self._find_variables(lang, key)
        return self._variables[lang, key]

    def _find_variables(self, lang: str, key: str) -> frozenset[str]:
        value = self.raw[lang][key]
        sources = value if isinstance(value, list) else [value]
        names: set[str] = set()
        for source in sources:
            if isinstance(source, str) and "{" in source:  # most texts are plain: no parse
                names |= meta.find_undeclared_variables(self.env.parse(source))
        return frozenset(names - {"plural"})

    @cached_property
    def digest(self) -> str:
        """What the catalogs say, as one hash: a check passed once holds for the same text."""
        text = json.dumps(self.raw, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()
