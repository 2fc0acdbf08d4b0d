"""The learned part of the judge: a linear model over hashed character n-grams.

It is asked only where the rules stay unsure, and may call a reply a mistake only at
high confidence, so a person is rarely marked down by a pattern nobody can point at.
Trained by `bench/train_judge.py`; scored here in pure Python from a shipped JSON file.
"""

# ruff: noqa: RUF001, RUF002 — Russian and Kazakh words and endings are the point

from __future__ import annotations

import json
import math
import re
import zlib
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from dialogs.judge.rules import Reading

MODEL_FILE = Path(__file__).resolve().parent.parent / "judge_model.json"
GOOD = "good"
KEPT = re.compile(r"[^a-zа-я0-9? ]+")


def features(reading: Reading, stage: str) -> list[str]:
    """Character 3–5-grams of the folded reply with its word edges, stemmed words and word
    pairs, alone and at the stage, and the cues fired: a pattern a new writer shares with
    the labelled ones is more often a stem or a pair of words than a whole phrase."""
    text = " " + " ".join(KEPT.sub(" ", reading.folded).split()) + " "
    found = [text[i : i + n] for n in (3, 4, 5) for i in range(len(text) - n + 1)]
    stems = [min(word.kk, word.ru, key=len) for word in reading.said]
    found += ["w:" + stem for stem in stems]
    found += [f"b:{a} {b}" for a, b in pairwise(stems)]
    found += [f"{stage}|w:{stem}" for stem in stems]
    found += ["s:" + stage, "n:" + str(min(len(reading.said) // 4, 5))]
    for cue in reading.cues:
        found += ["c:" + cue, f"{stage}|c:{cue}"]
    found += [f"{stage}|d:{cue}" for cue in reading.decisive]
    if reading.contrast:
        found.append("contrast")
    return found


def bucket(feature: str, size: int) -> int:
    return zlib.crc32(feature.encode()) % size


def softmax(logits: list[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(value - top) for value in logits]
    total = sum(exps)
    return [value / total for value in exps]


@dataclass(frozen=True)
class Model:
    """Classes (`good` and the mistake kinds), one weight row per used bucket, and a
    language scorer: each language has its own thresholds, read off the reply itself so
    that a verdict does not depend on the interface language it was typed under."""

    classes: tuple[str, ...]
    size: int
    bias: tuple[float, ...]
    weights: dict[int, list[float]]
    thresholds: dict[str, tuple[float, float, float]]  # bad, good, overruling a good rule
    kazakh: dict[int, float]

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Model:
        data = json.loads(path.read_text(encoding="utf-8"))
        scale = data.get("scale", 1)
        return cls(
            tuple(data["classes"]),
            data["size"],
            tuple(data["bias"]),
            {int(key): [w / scale for w in row] for key, row in data["weights"].items()},
            {lang: tuple(values) for lang, values in data["thresholds"].items()},
            {int(key): weight for key, weight in data["kazakh"].items()},
        )

    def language(self, found: list[str]) -> str:
        indexes = {bucket(feature, self.size) for feature in found}
        return "kk" if sum(self.kazakh.get(index, 0.0) for index in indexes) > 0 else "ru"

    def probabilities(self, found: list[str]) -> dict[str, float]:
        logits = list(self.bias)
        for index in {bucket(feature, self.size) for feature in found}:
            row = self.weights.get(index)
            if row:
                logits = [value + weight for value, weight in zip(logits, row, strict=True)]
        return dict(zip(self.classes, softmax(logits), strict=True))

    def decide(self, found: list[str], ruled_good: bool = False) -> tuple[str, str] | None:
        """("bad", kind) or ("good", "good") when confident enough, else None. Where a good
        rule fired, only a surer mistake overrules it: a good word may sit in a bad reply."""
        chances = self.probabilities(found)
        bad, good, overrule = self.thresholds[self.language(found)]
        if 1 - chances[GOOD] >= (overrule if ruled_good else bad):
            kind = max((c for c in self.classes if c != GOOD), key=chances.__getitem__)
            return "bad", kind
        if chances[GOOD] >= good:
            return "good", GOOD
        return None
