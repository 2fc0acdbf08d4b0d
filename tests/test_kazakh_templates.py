"""Kazakh around a value put into a sentence: a date, a name or a typed note cannot take
a case ending, so no Kazakh template puts a suffix or a case-governing postposition
right after one («{{ due }} дейін» needs a dative the date cannot carry)."""

from __future__ import annotations

import re

CASE_AFTER_VALUE = re.compile(
    r"\}\}(?:-?[а-яәғқңөұүһі]|[»\s]+(?:дейін|шейін|кейін|бері|бастап|қарай|соң)\b)"
)


def test_no_kazakh_template_puts_a_case_ending_or_postposition_after_a_value(catalog):
    wrong = [
        key
        for key, value in catalog.raw["kk"].items()
        if isinstance(value, str) and CASE_AFTER_VALUE.search(value)
    ]
    assert wrong == []
