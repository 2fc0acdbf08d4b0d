"""The practice judge measured on its labelled parts, per language and part.

Prints, with each part's size: mistake recall (bad judged bad / all bad), mistake
precision (truly bad among judged bad), good replies flagged as mistakes, and the share
judged "can't say"; and how often the named kind was right. The test parts are for the
final figures only: nothing is tuned on them (see bench/README.md).

    .venv/bin/python bench/judge.py                 # every part
    .venv/bin/python bench/judge.py --parts tune --misses   # the tune part's errors
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dialogs.practice_judge import BAD, GOOD, UNSURE, Verdict, judge
from dialogs.practice_scenarios import SCENARIOS, STAGES

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "judge"
LANGUAGES = ("ru", "kk")
# A section's opening line: a comment of dashes (a pair of them frames its title).
SECTION = re.compile(r"^# -{20,}\n(?:#.*\n)*?# -{20,}\n", re.MULTILINE)


@dataclass(frozen=True)
class Item:
    """One labelled reply; `kind` is "good" or the mistake kind."""

    text: str
    stage: str
    kind: str
    lang: str
    scenario: str | None = None
    section: int = 0  # which hand wrote it: the dashed comments of a part divide them

    @property
    def bad(self) -> bool:
        return self.kind != GOOD


def part(lang: str, name: str) -> list[Item]:
    """A labelled part, e.g. ("ru", "tune"); a good reply's kind is its stage there. Each
    reply knows its section, so a whole writer can be held out (bench/train_judge.py)."""
    raw = (DATA / f"{lang}-{name}.toml").read_text(encoding="utf-8")
    chunks = [chunk for chunk in SECTION.split(raw) if "\n[[reply]]" in chunk]
    return [
        Item(
            row["text"],
            row["stage"],
            GOOD if row["label"] == GOOD else row["kind"],
            lang,
            row.get("scenario"),
            section,
        )
        for section, chunk in enumerate(chunks)
        for row in tomllib.loads(chunk)["reply"]
    ]


def scripted(catalog, lang: str) -> list[Item]:
    """Every scenario's good reply and two mistakes at every stage, as the cards show them."""
    items = []
    for scenario in SCENARIOS:
        for stage in STAGES:
            base = f"practice.{scenario.id}.{stage}"
            items.append(Item(catalog.value(lang, f"{base}.good"), stage, GOOD, lang, scenario.id))
            for kind in scenario.mistakes_of(stage):
                items.append(
                    Item(catalog.value(lang, f"{base}.{kind}"), stage, kind, lang, scenario.id)
                )
    return items


def coach(phrases: list[str], lang: str) -> list[Item]:
    """The live coach's phrases as good at every stage: they must never be marked down."""
    return [Item(text, stage, GOOD, lang) for text in phrases for stage in STAGES]


def coach_phrases(lang: str) -> list[str]:
    """The 💬 phrases of every live card, rendered as /call shows them."""
    from bot.app import assemble
    from bot.config import Config
    from tests.test_practice_safety import coach_phrases as rendered

    renderer = assemble(Config.from_env({"COACH_DB_PATH": ":memory:"})).kit.cards.renderer
    return sorted({phrase for _, phrase in rendered(renderer, lang)})


@dataclass(frozen=True)
class Figures:
    size: int
    recall: float
    precision: float
    good_flagged: float
    unsure: float
    kind_right: float


def ratio(part_: int, whole: int) -> float:
    return part_ / whole if whole else 0.0


def measure(items: Sequence[Item], verdicts: Sequence[Verdict]) -> Figures:
    """The four target figures of one part, and how often a caught mistake's kind was right."""
    pairs = list(zip(items, verdicts, strict=True))
    bad = [v for item, v in pairs if item.bad]
    good = [v for item, v in pairs if not item.bad]
    judged_bad = [(item, v) for item, v in pairs if v.kind == BAD]
    caught = [(item, v) for item, v in judged_bad if item.bad]
    return Figures(
        len(items),
        ratio(sum(v.kind == BAD for v in bad), len(bad)),
        ratio(len(caught), len(judged_bad)),
        ratio(sum(v.kind == BAD for v in good), len(good)),
        ratio(sum(v.kind == UNSURE for v in verdicts), len(verdicts)),
        ratio(sum(v.name == item.kind for item, v in caught), len(caught)),
    )


def verdicts(items: Sequence[Item]) -> list[Verdict]:
    return [judge(item.text, item.stage, item.lang, item.scenario) for item in items]


def report(parts: Sequence[str], misses: bool) -> None:
    print("lang part  size  recall precision good_flagged unsure kind_right")
    for name in parts:
        for lang in LANGUAGES:
            items = part(lang, name)
            said = verdicts(items)
            f = measure(items, said)
            print(
                f"{lang:4} {name:5} {f.size:4}  {f.recall:6.2f} {f.precision:9.2f}"
                f" {f.good_flagged:12.2f} {f.unsure:6.2f} {f.kind_right:10.2f}"
            )
            if misses:
                for item, v in zip(items, said, strict=True):
                    if (v.kind == BAD) != item.bad or v.kind == UNSURE:
                        print(
                            f"   {item.stage:9} {item.kind:14} {v.kind:6} {v.rule:20} {item.text}"
                        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", default=["tune", "test"])
    parser.add_argument("--misses", action="store_true", help="list the wrong and unsure items")
    args = parser.parse_args()
    report(args.parts, args.misses)


if __name__ == "__main__":
    main()
