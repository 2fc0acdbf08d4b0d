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
from pathlib import Path

from dialogs.judge.rules import Reading

MODEL_FILE = Path(__file__).resolve().parent.parent / "judge_model.json"
GOOD = "good"
KEPT = re.compile(r"[^a-zа-я0-9? ]+")


def features(reading: Reading, stage: str) -> list[str]:
    """Character 3–4-grams of the folded reply, word heads, the stage and the cues fired."""
    text = " " + " ".join(KEPT.sub(" ", reading.folded).split()) + " "
    found = [text[i : i + n] for n in (3, 4) for i in range(len(text) - n + 1)]
    found += ["w:" + word.text[:5] for word in reading.said]
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
    """Classes (`good` and the mistake kinds), one weight row per used bucket."""

    classes: tuple[str, ...]
    size: int
    bias: tuple[float, ...]
    weights: dict[int, list[float]]
    bad_threshold: float
    good_threshold: float

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Model:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            tuple(data["classes"]),
            data["size"],
            tuple(data["bias"]),
            {int(key): row for key, row in data["weights"].items()},
            data["bad_threshold"],
            data["good_threshold"],
        )

    def probabilities(self, found: list[str]) -> dict[str, float]:
        logits = list(self.bias)
        for index in {bucket(feature, self.size) for feature in found}:
            row = self.weights.get(index)
            if row:
                logits = [value + weight for value, weight in zip(logits, row, strict=True)]
        return dict(zip(self.classes, softmax(logits), strict=True))

    def decide(self, found: list[str]) -> tuple[str, str] | None:
        """("bad", kind) or ("good", "good") when confident enough, else None."""
        chances = self.probabilities(found)
        if 1 - chances[GOOD] >= self.bad_threshold:
            kind = max((c for c in self.classes if c != GOOD), key=chances.__getitem__)
            return "bad", kind
        if chances[GOOD] >= self.good_threshold:
            return "good", GOOD
        return None
