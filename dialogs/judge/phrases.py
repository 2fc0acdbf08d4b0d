"""Rule phrases matched against a reply word by word, by stem, prefix or one typo.

A phrase is written as people say it («не надо так нервничать»): `слов*` matches words
starting so, `=так` that word only, `…` up to three words between. Fillers («же», «ну»,
«ғой») are skipped. A Kazakh prefix never matches a negated form («түсін*» is not
«түсінбеймін»), and a typo is never taken in the first letter, where «ваш»/«наш» and
«сіз»/«біз» differ."""

# ruff: noqa: RUF001 — Russian and Kazakh words and endings are the point

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from dialogs.judge.words import Word, fold, kk_stem, ru_stem, tokens, within_one_edit

GAP = "…"
FILLERS = frozenset(
    fold(word) for word in ("же", "ведь", "ну", "вот", "уж", "ж", "пожалуйста", "ғой", "қой")
) | frozenset(fold(word) for word in ("ау", "ғана", "шы", "ші"))
KK_NEGATION = ("ма", "ме", "ба", "бе", "па", "пе")
KK_WITH = frozenset(("мен", "бен", "пен", "менен", "бенен", "пенен"))  # «бюджетпен»: no negation
MAX_GAP = 3


@dataclass(frozen=True)
class Pattern:
    """One word of a rule phrase."""

    text: str  # folded
    lang: str
    mode: str  # "stem", "prefix", "exact" or "gap"
    stem: str = ""

    def matches(self, word: Word) -> bool:
        if self.mode == "prefix":
            return self._prefix(word.text)
        if word.text == self.text or (self.mode == "stem" and word.stem(self.lang) == self.stem):
            return True
        if word.known or len(word.text) < 5 or len(self.text) < 5:
            return False
        return word.text[0] == self.text[0] and within_one_edit(word.text, self.text)

    def _prefix(self, text: str) -> bool:
        size = len(self.text)
        heads = [text[:size]] + ([text[: size - 1], text[: size + 1]] if size >= 7 else [])
        for head in heads:
            exact = head == self.text
            typo = size >= 7 and head[:1] == self.text[:1] and within_one_edit(head, self.text)
            if exact or typo:
                rest = text[len(head) :]
                negated = rest.startswith(KK_NEGATION) and rest not in KK_WITH
                return not (self.lang == "kk" and negated)
        return False


def pattern(raw: str, lang: str) -> Pattern:
    if raw == GAP:
        return Pattern(raw, lang, "gap")
    if raw.startswith("="):
        return Pattern(fold(raw[1:]), lang, "exact")
    if raw.endswith("*"):
        return Pattern(fold(raw[:-1]), lang, "prefix")
    text = fold(raw)
    if len(text) < 3:
        return Pattern(text, lang, "exact")
    return Pattern(text, lang, "stem", ru_stem(text) if lang == "ru" else kk_stem(text))


@dataclass(frozen=True)
class Phrase:
    source: str
    patterns: tuple[Pattern, ...]

    @classmethod
    def parse(cls, raw: str, lang: str) -> Phrase:
        parts = [GAP if part == GAP else part for part in raw.replace(GAP, f" {GAP} ").split()]
        found = []
        for part in parts:
            if part in (GAP, "*") or part.startswith("="):
                found.append(pattern(part, lang))
            else:
                split = tokens(fold(part))
                star = "*" if part.endswith("*") else ""
                found.extend(pattern(w, lang) for w in split[:-1])
                found.append(pattern(split[-1] + star, lang))
        return cls(raw, tuple(found))

    def starts(self, said: Sequence[Word]) -> Iterator[int]:
        """Every index of `said` this phrase starts at."""
        for start, word in enumerate(said):
            if self.patterns[0].matches(word) and self._rest(said, start + 1, 1):
                yield start

    def _rest(self, said: Sequence[Word], at: int, index: int) -> bool:
        if index == len(self.patterns):
            return True
        current = self.patterns[index]
        if current.mode == "gap":
            return any(self._rest(said, at + skip, index + 1) for skip in range(MAX_GAP + 1))
        while at < len(said) and said[at].text in FILLERS and not current.matches(said[at]):
            at += 1
        return at < len(said) and current.matches(said[at]) and self._rest(said, at + 1, index + 1)


def phrases(entry: dict[str, list[str]]) -> tuple[Phrase, ...]:
    """The phrases of a rule entry in both languages: a reply may mix them."""
    return tuple(Phrase.parse(raw, lang) for lang in ("ru", "kk") for raw in entry.get(lang, ()))
