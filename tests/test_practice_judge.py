"""The typed-reply judge: its targets on the held-out labelled parts, the scripted replies
judged as the cards teach them, and what a reply does decided over the words it uses."""

from __future__ import annotations

import pytest

from bench.judge import LANGUAGES, measure, part, scripted, verdicts
from dialogs.practice_judge import BAD, GOOD, UNSURE, judge
from dialogs.practice_scenarios import SCENARIOS, STAGES

TARGETS = {"recall": 0.8, "precision": 0.85, "good_flagged": 0.10, "unsure": 0.25}
# Measured once, after the judge was finished (commit 03de788): Kazakh recall 0.91 on the
# third held-out part (earlier parts: 0.77, then 0.71, before writers were held out in tuning).


@pytest.fixture(scope="module")
def held_out():
    figures = {}
    for lang in LANGUAGES:
        items = part(lang, "test")
        figures[lang] = measure(items, verdicts(items))
    return figures


@pytest.mark.parametrize(("lang", "figure"), [(lang, f) for lang in LANGUAGES for f in TARGETS])
def test_the_targets_hold_on_the_part_nothing_was_tuned_on(held_out, lang, figure):
    """Issue 22's targets: most mistakes caught, few good replies marked down, and at most
    a quarter of the replies left unjudged (tests/data/judge/<lang>-test.toml)."""
    figures = held_out[lang]
    assert figures.size >= 100
    value, target = getattr(figures, figure), TARGETS[figure]
    assert (value >= target) if figure in ("recall", "precision") else (value <= target)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_scripted_reply_typed_in_is_judged_as_the_card_teaches_it(catalog, lang):
    """A scripted mistake typed word for word is that mistake, named as the card names it;
    the scripted good reply is good. Both with and without the scenario at hand."""
    wrong = []
    for item in scripted(catalog, lang):
        verdict = judge(item.text, item.stage, lang, item.scenario)
        expected = (BAD, item.kind) if item.bad else (GOOD,)
        if (verdict.kind, verdict.name)[: len(expected)] != expected:
            wrong.append((item.scenario, item.stage, item.kind, verdict))
        if judge(item.text, item.stage).kind != (BAD if item.bad else GOOD):
            wrong.append((item.scenario, item.stage, item.kind, "without scenario"))
    assert wrong == []


def test_what_follows_but_decides():
    assert judge("Извините, но вы должны понять, у нас тоже был форс-мажор", "apologize").rule == (
        "excuses"
    )
    assert judge("Кешіріңіз, бірақ бізде де күтпеген жағдай болды", "apologize").rule == "excuses"
    assert judge("Извините, но вы сами виноваты", "apologize").rule == "blame"
    assert judge("Прошу прощения за задержку, но к пятнице всё исправим", "resolve").kind == GOOD


@pytest.mark.parametrize(
    "said",
    [
        "Кешіріңіз, алайда бізде адам жетіспейді",
        "Кешіктік, әйтсе де жоба күрделі еді",
        "Извините, но у нас сейчас завал",
    ],
)
def test_owning_up_then_only_a_reason_after_but_is_an_excuse(said):
    """Whatever words give the reason: nothing after «но / бірақ» answers the client."""
    assert judge(said, "apologize").rule == "excuses"


def test_a_sincere_regret_is_no_excuse():
    assert judge("Мне искренне жаль, что так получилось", "apologize").kind == GOOD
    assert judge("Осылай болғанына шын өкінемін", "apologize").kind == GOOD
    assert judge("Так получилось, бывает", "apologize").rule == "excuses"


def test_a_date_rescues_no_rude_or_all_covering_promise():
    assert judge("С вашим бюджетом что вы хотели? Ладно, до пятницы сделаем", "resolve").rule == (
        "personal"
    )
    assert judge("Гарантирую, к пятнице сделаем вообще всё", "resolve").rule == "impossible"
    assert judge("Ертеңге дейін бәрін тегін жасаймыз, кепілдік беремін", "resolve").rule == (
        "impossible"
    )


@pytest.mark.parametrize(
    "said",
    [
        "Успокойтесь, пожалуйста",
        "Не надо так нервничать",
        "Не преувеличивайте, всё не так страшно",
        "Сабыр етіңіз",
        "Бұл соншалық маңызды емес",
        "сабыр етиниз",  # typed on a Russian keyboard
        "Ренжімеңіз",
        "нервтенбениз",
        "Ашуланбаңызшы",
    ],
)
def test_dismissing_the_emotion_is_a_mistake_of_its_own(said):
    assert judge(said, "listen").rule == "ignore_emotion"


def test_word_forms_typos_and_kazakh_typed_as_russian_letters():
    assert judge("извените пожалуйста за эту ситуацию", "apologize").kind == GOOD
    assert judge("вы ошибаетесь", "restate").rule == "argue"
    assert judge("вы ошибались", "restate").rule == "argue"
    assert judge("кешiрiм сураймын", "apologize").kind == GOOD  # a Latin "i" for "і"
    assert judge("озиниз кинализиз", "apologize").rule == "blame"
    assert judge("не перебиваю, продолжайте", "listen").kind == GOOD  # no typo of «переживаю»


@pytest.mark.parametrize(
    "plan",
    [
        "Исправим к вечеру",
        "Пришлём в чт",
        "Счёт пришлю 15го",
        "Через пару часов позвоню",
        "Ертеңге дейін түзетеміз",
        "Сағат 5-ке жіберемін",
        "Бейсенбіге дейін жасаймыз",
        "2 сағаттан кейін хабарласамын",
        "Кешке қарай жіберемін",
        "Айдың 15-іне дейін жібереміз",
    ],
)
def test_a_promise_with_a_moment_in_the_forms_people_type_is_a_plan(plan):
    assert judge(plan, "resolve") == judge(plan, "resolve", scenario="site_down")
    assert judge(plan, "resolve").rule == "dated_plan"


def test_a_promise_needs_a_moment():
    assert judge("Исправим всё", "resolve").rule == "no_date"
    assert judge("Бәрін түзетеміз", "resolve").rule == "no_date"
    assert judge("Свяжусь с вами позже", "follow_up").rule == "no_date"
    assert judge("Кейінірек хабарласамын", "follow_up").rule == "no_date"
    assert judge("Жақын арада хабарласамыз", "follow_up").rule == "no_date"
    assert judge("Бір күні тағы хабарласармын", "follow_up").rule == "no_date"  # no moment


def test_a_promise_to_call_back_is_the_coachs_own_answer_and_needs_only_a_time():
    """/call recommends "I'll find out and call you back" when nothing can be fixed yet: never
    a mistake, and a plan once it has a time."""
    assert judge("Разрешите, я всё выясню и перезвоню вам", "resolve").kind != BAD
    assert judge("Я всё выясню и перезвоню вам сегодня до 16:00", "resolve").kind == GOOD
    assert judge("Рұқсат етсеңіз, анықтап алып, қайта хабарласамын", "resolve").kind != BAD
    assert judge("Мұны өзім қадағалап, сізге жазамын", "follow_up").kind == GOOD


def test_sorting_it_out_together_is_an_invitation_and_alone_a_brush_off():
    assert judge("Давайте вместе разберёмся, как это исправить", "apologize").kind != BAD
    assert judge("Пишите в поддержку, разберёмся", "follow_up").rule == "no_date"
    assert judge("Қолдау қызметіне жазыңыз, реттейміз", "follow_up").rule == "no_date"


@pytest.mark.parametrize("said", ["Ага", "Иә", "Жақсы", "Ок"])
def test_a_reply_too_short_to_read_gets_no_guess(said):
    assert judge(said, "listen").kind == UNSURE


def test_a_learned_verdict_says_so_and_names_a_kind_the_catalog_explains(catalog):
    """Whatever decided, the rule is one a card can explain in both languages."""
    for lang in LANGUAGES:
        for item in part(lang, "tune"):
            verdict = judge(item.text, item.stage, lang, item.scenario)
            if verdict.kind == BAD:
                assert catalog.has(lang, f"practice.mistakes.{verdict.name}.why"), verdict
            elif verdict.kind == GOOD and not verdict.learned:
                assert catalog.has(lang, f"practice.rules.{verdict.rule}.name"), verdict


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_and_scenario_can_be_judged(stage):
    for scenario in SCENARIOS:
        assert judge("Слушаю вас", stage, "ru", scenario.id).kind in (GOOD, BAD, UNSURE)
