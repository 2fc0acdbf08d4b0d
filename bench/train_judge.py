"""Train the practice judge's learned model and choose its confidence thresholds.

Pure Python, seeded, so the same data gives the same `dialogs/judge_model.json`. It is
trained on the tune parts, the scripted replies and the live coach's phrases only; the
test parts are never read here. The thresholds come from out-of-fold predictions on the
tune parts, judged together with the rules, so they are not fitted on what they score.

    .venv/bin/python bench/train_judge.py
"""

from __future__ import annotations

import json
import math
import random
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.judge import LANGUAGES, Item, coach, coach_phrases, part, scripted
from dialogs.judge.model import GOOD, MODEL_FILE, Model, bucket, features, softmax
from dialogs.judge.rules import read
from dialogs.practice_judge import MIN_WORDS, Verdict, by_rules

SIZE = 1 << 14
EPOCHS = 12
RATE = 0.1
L2 = 1e-3
FOLDS = 4
PRUNE = 0.05


def vector(item: Item) -> list[int]:
    """The buckets of the item's features (each counted once)."""
    return sorted({bucket(f, SIZE) for f in features(read(item.text), item.stage)})


def train(
    data: Sequence[tuple[list[int], int]], classes: int
) -> tuple[list[float], dict[int, list[float]]]:
    """Softmax regression by AdaGrad with L2, over a seeded shuffle."""
    bias = [0.0] * classes
    weights: dict[int, list[float]] = {}
    squares: dict[int, list[float]] = {}
    order = list(range(len(data)))
    shuffle = random.Random(7)
    for _ in range(EPOCHS):
        shuffle.shuffle(order)
        for at in order:
            found, target = data[at]
            logits = list(bias)
            for index in found:
                row = weights.setdefault(index, [0.0] * classes)
                logits = [a + b for a, b in zip(logits, row, strict=True)]
            error = softmax(logits)
            error[target] -= 1
            bias = [b - RATE * 0.1 * e for b, e in zip(bias, error, strict=True)]
            for index in found:
                row, square = weights[index], squares.setdefault(index, [1e-6] * classes)
                grad = [e + L2 * w for e, w in zip(error, row, strict=True)]
                square[:] = [q + g * g for q, g in zip(square, grad, strict=True)]
                row[:] = [
                    w - RATE * g / math.sqrt(q) for w, g, q in zip(row, grad, square, strict=True)
                ]
    return bias, weights


def fit(items: Sequence[Item], classes: list[str]) -> Model:
    data = [(vector(item), classes.index(item.kind)) for item in items]
    bias, weights = train(data, len(classes))
    kept = {
        i: [round(w, 2) for w in row] for i, row in weights.items() if max(map(abs, row)) >= PRUNE
    }
    return Model(tuple(classes), SIZE, tuple(round(b, 3) for b in bias), kept, 1.0, 1.0)


def out_of_fold(tune: list[Item], always: list[Item], classes: list[str]) -> list[dict[str, float]]:
    """Each tune item's probabilities from a model that never saw it."""
    folds = [tune[i::FOLDS] for i in range(FOLDS)]
    chances: dict[int, dict[str, float]] = {}
    for held in folds:
        rest = [item for fold in folds if fold is not held for item in fold]
        model = fit(rest + always, classes)
        for item in held:
            chances[id(item)] = model.probabilities(features(read(item.text), item.stage))
    return [chances[id(item)] for item in tune]


@cache
def ruled(item: Item) -> Verdict | None:
    """The rules' verdict (asked once per item: the threshold search asks often)."""
    verdict = by_rules(item.text, item.stage, item.scenario)
    if verdict is None and len(read(item.text).said) < MIN_WORDS:
        return Verdict("unsure")
    return verdict


def combined(
    items: Sequence[Item], chances: Sequence[dict[str, float]], bad: float, good: float
) -> list[str]:
    """The judge's verdict kinds with these thresholds: the rules first, then the model."""
    said = []
    for item, chance in zip(items, chances, strict=True):
        verdict = ruled(item)
        if verdict is not None:
            said.append(verdict.kind)
        elif 1 - chance[GOOD] >= bad:
            said.append("bad")
        else:
            said.append("good" if chance[GOOD] >= good else "unsure")
    return said


def figures(items: Sequence[Item], said: Sequence[str]) -> tuple[float, float, float, float]:
    """Recall, precision, good flagged, unsure."""
    bad = [s for item, s in zip(items, said, strict=True) if item.bad]
    good = [s for item, s in zip(items, said, strict=True) if not item.bad]
    flagged = sum(s == "bad" for s in said)
    caught = sum(s == "bad" for s in bad)
    return (
        caught / len(bad),
        caught / flagged if flagged else 1.0,
        sum(s == "bad" for s in good) / len(good),
        said.count("unsure") / len(said),
    )


def thresholds(tune: list[Item], chances: list[dict[str, float]]) -> tuple[float, float]:
    """The thresholds that leave the widest margin to every target on the tune parts, out
    of fold, in the worse language; the model flags a mistake only at 0.6 or above."""
    best: tuple[float, tuple[float, float]] = (-1.0, (0.9, 0.9))
    for bad in [0.6 + 0.025 * i for i in range(15)]:
        for good in [0.3 + 0.05 * i for i in range(14)]:
            margin = 1.0
            for lang in LANGUAGES:
                pairs = [(i, c) for i, c in zip(tune, chances, strict=True) if i.lang == lang]
                items = [i for i, _ in pairs]
                recall, precision, flagged, unsure = figures(
                    items, combined(items, [c for _, c in pairs], bad, good)
                )
                margin = min(margin, recall - 0.8, precision - 0.85, 0.1 - flagged, 0.25 - unsure)
            best = max(best, (margin, (bad, good)))
    return best[1]


def main() -> None:
    from bot.content.catalog import Catalog

    catalog = Catalog()
    tune = [item for lang in LANGUAGES for item in part(lang, "tune")]
    always = [
        item
        for lang in LANGUAGES
        for item in (*scripted(catalog, lang), *coach(coach_phrases(lang), lang))
    ]
    classes = [GOOD, *sorted({item.kind for item in tune + always} - {GOOD})]
    chances = out_of_fold(tune, always, classes)
    bad, good = thresholds(tune, chances)
    model = fit(tune + always, classes)
    data = {
        "classes": list(model.classes),
        "size": model.size,
        "bias": list(model.bias),
        "bad_threshold": round(bad, 2),
        "good_threshold": round(good, 2),
        "weights": {str(k): v for k, v in sorted(model.weights.items())},
    }
    MODEL_FILE.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    for lang in LANGUAGES:
        items = [(i, c) for i, c in zip(tune, chances, strict=True) if i.lang == lang]
        said = combined([i for i, _ in items], [c for _, c in items], bad, good)
        recall, precision, flagged, unsure = figures([i for i, _ in items], said)
        print(
            f"{lang} out of fold on tune: recall {recall:.2f} precision {precision:.2f}"
            f" good flagged {flagged:.2f} unsure {unsure:.2f}"
        )
    print(f"thresholds: bad {bad:.2f}, good {good:.2f}; {len(model.weights)} weight rows")


if __name__ == "__main__":
    main()
