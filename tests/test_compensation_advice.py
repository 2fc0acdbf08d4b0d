"""A compensation named to a client binds the company: every tip, playbook step and
phrase that offers one also says its size is agreed with the manager first."""

from __future__ import annotations

import pytest

# (a word for compensation, a word for the manager) in each language
WORDS = {"ru": ("компенсац", "руководител"), "kk": ("өтемақ", "басшы")}


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_every_offer_of_compensation_says_the_manager_agrees_its_size_first(catalog, lang):
    compensation, manager = WORDS[lang]
    lines = [
        line
        for key, value in catalog.raw[lang].items()
        if key.startswith(("tips.", "situations.")) and not key.endswith(".source")
        for line in (value if isinstance(value, list) else [value])
        if isinstance(line, str)
    ]
    offers = [line for line in lines if compensation in line.lower()]
    assert offers, "the delay remedy of 001 (compensation or speed-up) is still given"
    assert [line for line in offers if manager not in line.lower()] == []
