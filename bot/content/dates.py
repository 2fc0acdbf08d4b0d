"""Moments and days in the person's language, with month and weekday names from Babel."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime

from bot.content.catalog import Catalog


def format_moment(catalog: Catalog, lang: str, moment: datetime) -> str:
    """An aware moment in its own offset, e.g. "вт, 24 ноября, 09:00" in Russian."""
    return format_datetime(
        moment,
        catalog.value(lang, "ui.meta.date_format"),
        tzinfo=moment.tzinfo,
        locale=catalog.value(lang, "ui.meta.babel_locale"),
    )


def format_due(catalog: Catalog, lang: str, due_at: str) -> str:
    """A stored ISO moment (with the offset it was chosen in), or "" for none."""
    return format_moment(catalog, lang, datetime.fromisoformat(due_at)) if due_at else ""


def format_day(catalog: Catalog, lang: str, day: date) -> str:
    return format_date(day, "d MMMM", locale=catalog.value(lang, "ui.meta.babel_locale"))
