"""Train the practice judge's learned model and choose its confidence thresholds.

Pure Python, seeded, so the same data gives the same `dialogs/judge_model.json`. It is
trained on the tune parts, the scripted replies and the live coach's phrases only; the
test parts are never read here. Out-of-fold predictions hold out one Kazakh writer at a
time (the sections of kk-tune), because the judge must meet people it has not read; the
thresholds, one set per language, are chosen on them, and the worst writer is printed.

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
from dialogs.practice_judge import MIN_WORDS, by_rules

SIZE = 1 << 16
EPOCHS = 10
RATE = 0.2
L2 = 1e-3
FOLDS = 5  # Russian has one writer: its folds are every fifth reply
PRUNE = 0.1
SCALE = 100
TARGETS = (0.8, 0.85, 0.1, 0.25)  # recall, precision at least; good flagged, unsure at most


@cache
def vector(item: Item) -> tuple[int, ...]:
    """The buckets of the item's features (each counted once)."""
    return tuple(sorted({bucket(f, SIZE) for f in features(read(item.text), item.stage)}))


def train(data: Sequence[tuple[tuple[int, ...], int]], classes: int) -> tuple[list, dict]:
    """Softmax regression by AdaGrad (one rate per bucket) with L2, over a seeded shuffle."""
    bias = [0.0] * classes
    weights: dict[int, list[float]] = {}
    squares: dict[int, float] = {}
    order = list(range(len(data)))
    shuffle = random.Random(7)
    for _ in range(EPOCHS):
        shuffle.shuffle(order)
        for at in order:
            found, target = data[at]
            rows = [weights.setdefault(index, [0.0] * classes) for index in found]
            error = softmax([sum(column) for column in zip(bias, *rows, strict=True)])
            error[target] -= 1
            norm = sum(e * e for e in error)
            bias = [b - RATE * 0.1 * e for b, e in zip(bias, error, strict=True)]
            for index, row in zip(found, rows, strict=True):
                squares[index] = square = squares.get(index, 1e-6) + norm
                step = RATE / math.sqrt(square)
                row[:] = [w * (1 - L2) - step * e for w, e in zip(row, error, strict=True)]
    return bias, weights


def kazakh(items: Sequence[Item]) -> dict[int, float]:
    """A logistic scorer of the reply's language (above zero: Kazakh), by plain SGD."""
    weights: dict[int, float] = {}
    shuffle, order = random.Random(7), list(range(len(items)))
    for _ in range(5):
        shuffle.shuffle(order)
        for at in order:
            found = vector(items[at])
            score = sum(weights.get(index, 0.0) for index in found)
            error = 1 / (1 + math.exp(-max(-30.0, min(30.0, score)))) - (items[at].lang == "kk")
            for index in found:
                weights[index] = weights.get(index, 0.0) - 0.1 * error
    return {i: round(w, 2) for i, w in weights.items() if abs(w) >= PRUNE / 2}


def fit(items: Sequence[Item], classes: list[str]) -> Model:
    bias, weights = train(
        [(vector(item), classes.index(item.kind)) for item in items], len(classes)
    )
    kept = {
        i: [round(w, 2) for w in row] for i, row in weights.items() if max(map(abs, row)) >= PRUNE
    }
    bias = tuple(round(b, 3) for b in bias)
    return Model(tuple(classes), SIZE, bias, kept, {}, {})


def folds_of(tune: Sequence[Item]) -> list[int]:
    """Each reply's fold: its writer for Kazakh, every fifth reply for Russian."""
    return [item.section if item.lang == "kk" else n % FOLDS for n, item in enumerate(tune)]


def out_of_fold(tune: list[Item], always: list[Item], classes: list[str]) -> list[dict[str, float]]:
    """Each tune item's probabilities from a model that never saw its fold (its writer)."""
    folds = folds_of(tune)
    chances: list[dict[str, float]] = [{} for _ in tune]
    for held in sorted(set(folds)):
        rest = [item for item, fold in zip(tune, folds, strict=True) if fold != held]
        model = fit(rest + always, classes)
        for at, item in enumerate(tune):
            if folds[at] == held:
                chances[at] = model.probabilities(features(read(item.text), item.stage))
    return chances


@cache
def ruled(item: Item) -> str | None:
    """The rules' verdict kind; on a reply too short for the model, final ("kept" if good)."""
    verdict = by_rules(item.text, item.stage, item.scenario)
    if len(read(item.text).said) < MIN_WORDS:
        return {"good": "kept", "bad": "bad"}[verdict.kind] if verdict else "unsure"
    return verdict.kind if verdict else None


def combined(
    items: Sequence[Item], chances: Sequence[dict[str, float]], limits: Sequence[float]
) -> list[str]:
    """The judge's verdict kinds with these thresholds (bad, good, overrule), as `judge`."""
    bad, good, overrule = limits
    said = []
    for item, chance in zip(items, chances, strict=True):
        rules, wrong = ruled(item), 1 - chance[GOOD]
        if rules in ("bad", "unsure", "kept"):
            said.append("good" if rules == "kept" else rules)
        elif rules == "good":
            said.append("bad" if wrong >= overrule else "good")
        else:
            said.append("bad" if wrong >= bad else "good" if chance[GOOD] >= good else "unsure")
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


def margin(values: tuple[float, float, float, float]) -> tuple[float, float]:
    """How far the figures clear the targets: the closest one, then all of them."""
    recall, precision, flagged, unsure = values
    gaps = (recall - TARGETS[0], precision - TARGETS[1], TARGETS[2] - flagged, TARGETS[3] - unsure)
    return min(gaps), sum(gaps)


def thresholds(items: list[Item], chances: list[dict[str, float]]) -> tuple[float, ...]:
    """The thresholds leaving the widest margin to every target, out of fold, for one
    language; the model flags a mistake only at 0.5 or above, and overrules a good rule
    only at 0.95 or above: a plain dated plan must not be marked down by a pattern."""
    best: tuple[tuple[float, float], tuple[float, ...]] = ((-1.0, -1.0), (0.9, 0.9, 0.99))
    for bad in [0.5 + 0.025 * i for i in range(19)]:
        for good in [0.3 + 0.05 * i for i in range(14)]:
            for overrule in (0.95, 0.96, 0.97, 0.98, 0.99):
                limits = (bad, good, overrule)
                best = max(best, (margin(figures(items, combined(items, chances, limits))), limits))
    return best[1]


def by_language(tune, chances, lang, keep=lambda item: True):
    pairs = [(i, c) for i, c in zip(tune, chances, strict=True) if i.lang == lang and keep(i)]
    return [i for i, _ in pairs], [c for _, c in pairs]


def held_out_writers(tune: list[Item], chances: list[dict[str, float]]) -> None:
    """Each Kazakh writer judged by a model and thresholds chosen without them."""
    for section in sorted({item.section for item in tune if item.lang == "kk"}):
        rest = by_language(tune, chances, "kk", lambda i, held=section: i.section != held)
        items, held = by_language(tune, chances, "kk", lambda i, held=section: i.section == held)
        limits = thresholds(*rest)
        recall, precision, flagged, unsure = figures(items, combined(items, held, limits))
        print(
            f"kk writer {section} ({len(items)}) held out: recall {recall:.2f} precision"
            f" {precision:.2f} good flagged {flagged:.2f} unsure {unsure:.2f}"
        )


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
    held_out_writers(tune, chances)
    limits = {lang: thresholds(*by_language(tune, chances, lang)) for lang in LANGUAGES}
    for lang in LANGUAGES:
        items, held = by_language(tune, chances, lang)
        recall, precision, flagged, unsure = figures(items, combined(items, held, limits[lang]))
        print(
            f"{lang} out of fold on tune: recall {recall:.2f} precision {precision:.2f}"
            f" good flagged {flagged:.2f} unsure {unsure:.2f}; thresholds"
            f" {', '.join(f'{value:.3f}' for value in limits[lang])}"
        )
    model = fit(tune + always, classes)
    data = {
        "classes": list(model.classes),
        "size": model.size,
        "bias": list(model.bias),
        "thresholds": {lang: [round(v, 3) for v in values] for lang, values in limits.items()},
        "kazakh": {str(k): v for k, v in sorted(kazakh(tune + always).items())},
        "scale": SCALE,  # weights are stored as whole hundredths: a smaller file
        "weights": {
            str(k): [round(w * SCALE) for w in v] for k, v in sorted(model.weights.items())
        },
    }
    MODEL_FILE.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(model.weights)} weight rows, {MODEL_FILE.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
