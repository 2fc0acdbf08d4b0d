"""A practice card: the menu, a scenario's setting, a client turn, a typed reply's verdict,
or the result with a score per stage.

Everything shown is computed from the dialog's values by the pure functions of
`dialogs.practice_flow` (the reply order from the seed, verdicts, stage results), so a
card redrawn after a restart is the card the person saw.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.content.catalog import Catalog
from bot.content.layout_parts import join
from dialogs.engine import Screen
from dialogs.practice_flow import (
    AGAIN,
    END,
    GOOD_REPLY,
    INTRO,
    LETTERS,
    MENU,
    order,
    parse_node,
    picked,
    said_field,
    stage_results,
    total,
    variant,
)
from dialogs.practice_judge import BAD, GOOD, Verdict, judge
from dialogs.practice_scenarios import STAGES, Scenario


class PracticeCard:
    """One card being written: the catalog, the language and the scenario at hand."""

    def __init__(self, catalog: Catalog, lang: str, scenario: Scenario) -> None:
        self.catalog = catalog
        self.lang = lang
        self.scenario = scenario

    def t(self, key: str, **values: object) -> str:
        return self.catalog.text(self.lang, key, **values)

    def own(self, key: str) -> str:
        """A text of this scenario (`practice.<scenario>.<key>`)."""
        return self.t(f"practice.{self.scenario.id}.{key}")

    def stage_key(self, stage: str) -> str:
        name = self.scenario.third_stage if stage == "apologize" else stage
        return f"practice.stages.{name}"

    def stage_name(self, stage: str) -> str:
        return self.t(f"{self.stage_key(stage)}.name")

    def title(self, stage: str | None = None) -> str:
        head = f"<b>{self.own('title')}</b>"
        if stage is None:
            return head
        number = STAGES.index(stage) + 1
        return f"{head}\n{self.t('practice.card.stage', n=number, name=self.stage_name(stage))}"

    def client(self, line: str) -> str:
        return f"{self.t('practice.card.client')} <i>{line}</i>"

    def reply_feedback(self, stage: str, reply: str) -> str:
        """✅/⚠️ for a reply chosen by letter: what the stage asked or which mistake it was."""
        if reply == GOOD_REPLY:
            key = self.stage_key(stage)
            why, cite = self.t(f"{key}.good"), self.t(f"{key}.cite")
            return self.t("practice.card.good", stage=self.stage_name(stage), why=why, cite=cite)
        why = self.t(f"practice.mistakes.{reply}.why")
        cite = self.t(f"practice.mistakes.{reply}.cite")
        return self.t("practice.card.bad", stage=self.stage_name(stage), why=why, cite=cite)

    def typed_feedback(self, stage: str, said: str) -> str:
        """The typed reply's verdict, naming the rule (or the learned pattern) that decided
        it; or an honest "can't say" that shows the model reply and what the stage asks."""
        verdict = judge(said, stage, self.lang, self.scenario.id)
        name = self.stage_name(stage)
        if verdict.kind == BAD:
            return self.t(
                "practice.card.bad",
                stage=name,
                why=self._mistake(verdict),
                cite=self.t(f"practice.mistakes.{verdict.name}.cite"),
            )
        if verdict.kind == GOOD and verdict.learned:
            why = self.t("practice.card.model_good")
            cite = self.t(f"{self.stage_key(stage)}.cite")
            return self.t("practice.card.good", stage=name, why=why, cite=cite)
        if verdict.kind == GOOD:
            rule = self.t(f"practice.rules.{verdict.rule}.name")
            why = self.t("practice.card.rule", rule=rule)
            cite = self.t(f"practice.rules.{verdict.rule}.cite")
            return self.t("practice.card.good", stage=name, why=why, cite=cite)
        rule = self.t(f"practice.rules.{verdict.rule}.name") if verdict.rule else ""
        ask = self.t(f"{self.stage_key(stage)}.ask")
        model = self.own(f"{stage}.{GOOD_REPLY}")
        return self.t("practice.card.unsure", rule=rule, stage=name, ask=ask, model=model)

    def _mistake(self, verdict: Verdict) -> str:
        """Which mistake, and whether a rule or the learned model named it."""
        kind = self.t(f"practice.mistakes.{verdict.name}.name")
        said = "practice.card.model_rule" if verdict.learned else "practice.card.rule"
        return f"{self.t(said, rule=kind)}: {self.t(f'practice.mistakes.{verdict.name}.why')}"

    def turn(self, values: Mapping[str, str], stage: str, again: bool) -> str:
        last = values.get("last", "")
        feedback = ""
        if last:
            last_stage, last_again = last.split(".")[0], AGAIN in last
            reply = picked(values, self.scenario.id, last_stage, last_again)
            feedback = self.reply_feedback(last_stage, reply) if reply else ""
        base = f"practice.{self.scenario.id}.{stage}"
        if again:
            line = self.t(f"{base}.flare")
        else:
            count = len(self.catalog.value(self.lang, f"{base}.client"))
            line = self.t(f"{base}.client", index=variant(values, count))
        replies = [
            f"<b>{letter.upper()}.</b> {self.t(f'{base}.{reply}')}"
            for letter, reply in zip(
                LETTERS, order(values, self.scenario.id, stage, again), strict=True
            )
        ]
        return join(
            self.title(stage),
            feedback,
            self.t("practice.card.flare") if again else "",
            self.client(line),
            f"<b>{self.t('practice.card.replies')}</b>\n" + "\n".join(replies),
            f"<i>{self.t('practice.card.type_own')}</i>",
        )

    def said(self, values: Mapping[str, str], stage: str, again: bool) -> str:
        said = values.get(said_field(stage, again), "")
        return join(
            self.title(stage),
            self.t("practice.card.you_said", said=said),
            self.typed_feedback(stage, said),
        )

    def result(self, values: Mapping[str, str], ended: bool) -> str:
        results = stage_results(values, self.scenario.id)
        lines = [f"{'✔' if ok else '✘'} {self.stage_name(s)}" for s, ok in results.items()]
        best = values.get("best", "")
        missed = [stage for stage, ok in results.items() if not ok]
        if missed:
            stage = missed[0]
            ask = self.t(f"{self.stage_key(stage)}.ask")
            number = STAGES.index(stage) + 1
            advice = self.t(
                "practice.card.next_stage", stage=self.stage_name(stage), ask=ask, n=number
            )
        else:
            advice = self.t("practice.card.all_good")
        playbook = self.t(f"situations.{self.scenario.playbook}.title")
        return join(
            self.title(),
            self.t("practice.card.end" if ended else "practice.card.lost"),
            self.client(self.own(END if ended else "lost")),
            "\n".join(lines),
            self.t("practice.card.score", total=total(results)),
            self.t("practice.card.best", best=best) if best else "",
            advice,
            self.after(),
            self.t("practice.card.next_playbook", playbook=playbook),
        )

    def after(self) -> str:
        """What to do if a real client goes on like this one (`practice.<scenario>.after`),
        for a scenario whose source says the talk may have to end: the insults of 002 §7
        lead to the coach's own exit, /call → 🛑, not to more patience."""
        key = f"practice.{self.scenario.id}.after"
        if not self.catalog.has(self.lang, key):
            return ""
        return self.t(key, rude=self.t("ui.buttons.rude"))

    def intro(self) -> str:
        return join(
            self.title(),
            self.own("setting"),
            f"<i>{self.own('cite')}</i>",
            self.t("practice.card.start"),
        )


def practice_card(catalog: Catalog, lang: str, screen: Screen) -> str:
    if screen.node == MENU:
        return join(
            f"<b>{catalog.text(lang, 'practice.menu.title')}</b>",
            catalog.text(lang, "practice.menu.text"),
        )
    scenario, stage, again, said = parse_node(screen.node)
    card = PracticeCard(catalog, lang, scenario)
    if stage is not None:
        return (
            card.said(screen.values, stage, again)
            if said
            else card.turn(screen.values, stage, again)
        )
    if screen.node.endswith(f".{INTRO}"):
        return card.intro()
    return card.result(screen.values, screen.node.endswith(f".{END}"))
