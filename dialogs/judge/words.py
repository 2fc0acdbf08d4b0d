"""Words as people type them, reduced to something a rule can match.

People type Kazakh on a Russian keyboard (қ as к, ң as н), make one-letter slips and use
any ending, so a rule word is compared after folding, by stem, and with one edit
allowed on longer words. The stemmers are deliberately light: a word and its rule
are stemmed alike, so consistency matters more than linguistic accuracy.
"""

# ruff: noqa: RUF001, RUF002, RUF003 — Russian and Kazakh words and endings are the point

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Kazakh letters to the Russian look-alikes people type instead; "ё" and a Latin "i"
# (typed for "і") likewise. Applied to the rules and to the reply alike.
FOLD = str.maketrans(
    {"ң": "н", "ұ": "у", "ү": "у", "і": "и", "ғ": "г", "қ": "к", "ә": "а", "ө": "о"}
    | {"һ": "х", "ё": "е", "i": "и"}
)
TOKEN = re.compile(r"[a-zа-я0-9]+")
VOWELS = set("аеиоуыэюя")


def fold(text: str) -> str:
    """Lower case, Kazakh letters folded to their look-alikes, spacing collapsed."""
    return " ".join(text.lower().translate(FOLD).split())


def tokens(folded: str) -> list[str]:
    """The words of folded text; a hyphen splits («как-нибудь», «знаю-знаю»)."""
    return TOKEN.findall(folded)


def _suffixes(text: str) -> tuple[str, ...]:
    return tuple(sorted(set(text.split()), key=len, reverse=True))


RU_GERUND = (_suffixes("в вши вшись"), _suffixes("ив ивши ившись ыв ывши ывшись"))
RU_REFLEXIVE = _suffixes("ся сь")
RU_ADJECTIVE = _suffixes(
    "ее ие ые ое ими ыми ей ий ый ой ем им ым ом его ого ему ому их ых ую юю ая яя ою ею"
)
RU_PARTICIPLE = (_suffixes("ем нн вш ющ щ"), _suffixes("ивш ывш ующ"))
RU_VERB = (
    _suffixes("ла на ете йте ли й л ем н ло но ет ют ны ть ешь нно"),
    _suffixes(
        "ила ыла ена ейте уйте ите или ыли ей уй ил ыл им ым ен ило ыло ено ят ует уют ит "
        "ыт ены ить ыть ишь ую ю"
    ),
)
RU_NOUN = _suffixes(
    "а ев ов ие ье е иями ями ами еи ии и ией ей ой ий й иям ям ием ем ам ом о у ах иях "
    "ях ы ь ию ью ю ия ья я"
)


def _strip(word: str, start: int, groups: tuple[tuple[str, ...], tuple[str, ...]]) -> str:
    """Snowball's two suffix groups: the first only after «а»/«я», the second anywhere."""
    for suffix in groups[1]:
        if word.endswith(suffix) and len(word) - len(suffix) >= start:
            return word[: -len(suffix)]
    for suffix in groups[0]:
        cut = len(word) - len(suffix)
        if word.endswith(suffix) and cut - 1 >= start and word[cut - 1] in "ая":
            return word[:cut]
    return word


def _plain(word: str, start: int, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= start:
            return word[: -len(suffix)]
    return word


def _region(word: str) -> int:
    """Snowball's RV: what follows the first vowel."""
    for index, letter in enumerate(word):
        if letter in VOWELS:
            return index + 1
    return len(word)


@lru_cache(maxsize=20000)
def ru_stem(word: str) -> str:
    """A Snowball-like Russian stem, steps 1, 2 and 4 (derivational endings are kept)."""
    rv = _region(word)
    stem = _strip(word, rv, RU_GERUND)
    if stem == word:
        stem = _plain(word, rv, RU_REFLEXIVE)
        adjective = _plain(stem, rv, RU_ADJECTIVE)
        if adjective != stem:
            stem = _strip(adjective, rv, RU_PARTICIPLE)
        else:
            verb = _strip(stem, rv, RU_VERB)
            stem = verb if verb != stem else _plain(stem, rv, RU_NOUN)
    if stem.endswith("и") and len(stem) - 1 >= rv:
        stem = stem[:-1]
    if stem.endswith("нн"):
        stem = stem[:-1]
    return stem[:-1] if stem.endswith("ь") else stem


# Kazakh endings as folded (ә→а, і→и …): plural, possessive, case, person, tense.
# Negation (-ма/-ме/-ба/-па) is never stripped: «айқайламаңыз» must not become «shout».
KK_SUFFIXES = _suffixes(
    "лар лер дар дер тар тер ымыз имиз ыныз иниз ныз низ мыз миз быз биз пыз пиз сыз сиз "
    "мын мин бын бин пын пин сын син ым им ын ин сы си ны ни ды ди ты ти нын нин дын дин "
    "тын тин га ге ка ке на не да де та те нда нде дан ден тан тен нан нен мен бен пен "
    "ады еди йды йди ган ген кан кен атын етин йтын йтин мак мек пак пек ша ше дай дей "
    "тай тей шы ши ау еу ып ип"
)


@lru_cache(maxsize=20000)
def kk_stem(word: str) -> str:
    """Kazakh endings stripped, longest first, up to two deep, keeping four letters:
    deeper cuts make unrelated words meet («жағыңызда», «жағымсыз»)."""
    stem = word
    for _ in range(2):
        for suffix in KK_SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= 4:
                stem = stem[: -len(suffix)]
                break
        else:
            break
    return stem


def within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance at most one, in one pass."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] != b[j]:
            edits += 1
            if edits > 1:
                return False
            if len(a) == len(b):
                i += 1
        else:
            i += 1
        j += 1
    return edits + (len(b) - j) + (len(a) - i) <= 1


@dataclass(frozen=True)
class Word:
    """A word of a reply or of a rule: its folded form and its stem in each language."""

    text: str
    ru: str
    kk: str
    known: bool = False  # spelled as a word of the rules: not read as a typo of another

    @classmethod
    def of(cls, folded: str, known: frozenset[str] = frozenset()) -> Word:
        ru, kk = ru_stem(folded), kk_stem(folded)
        return cls(folded, ru, kk, bool(known & {folded, "ru:" + ru, "kk:" + kk}))

    def stem(self, lang: str) -> str:
        return self.ru if lang == "ru" else self.kk


def words(text: str, known: frozenset[str] = frozenset()) -> list[Word]:
    return [Word.of(token, known) for token in tokens(fold(text))]
