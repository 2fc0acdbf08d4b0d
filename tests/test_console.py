"""The terminal coach, driven through stdin exactly as a person at a desk would."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO


def run_console(db_path, lines, *args):
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["COACH_DB_PATH"] = str(db_path)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
    )


def test_a_whole_call_in_the_terminal_in_russian(db_path):
    result = run_console(
        db_path,
        ["1", "Клиент <b>кричит</b> & грозит уйти", "1", "1", "1", "1", "исправим к пятнице", "4"],
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "1/5 · Слушать" in out and "2/5 · Пересказ" in out
    # the note typed on listen stays there, shown as the person's own, verbatim
    listen = out.split("2/5 · Пересказ")[0].rsplit("1/5 · Слушать", 1)[1]
    assert "📝 Ваша заметка: Клиент <b>кричит</b> & грозит уйти" in listen
    assert "Ваша заметка: «Клиент <b>кричит</b> & грозит уйти»" in out
    assert "Звонок сохранён" in out and "Обещание: «исправим к пятнице»" in out
    assert "  1. Слушаю клиента ▶" in out


def test_kazakh_terminal_and_text_where_no_text_is_taken(db_path):
    # ready → listen, heard → restate, confirmed → triage, which takes no text
    result = run_console(db_path, ["1", "1", "1", "бірдеңе", "/unknown", "42"], "--lang", "kk")
    assert result.returncode == 0, result.stderr
    assert "1/5 · Тыңдау" in result.stdout and "2/5 · Қайталап айту" in result.stdout
    assert "Слушать" not in result.stdout
    assert "Бұл жерде ештеңе жазудың қажеті жоқ" in result.stdout
    assert "Тізімдегі батырманың нөмірін енгізіңіз." in result.stdout


def test_the_library_the_check_and_a_tip_in_the_terminal(db_path):
    result = run_console(
        db_path,
        ["/situations", "2", "1", "2", "/check", "1", "/tip", "/cancel", "заказчик не платит"],
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "📘 Клиент не платит · 1/4" in out and "📘 Клиент не платит · 2/4" in out
    assert "🚪 Оскорбления повторяются: пора расставаться" in out
    assert "💡 Совет" in out
    assert "Похоже на эти ситуации" in out


def test_end_of_input_ends_cleanly_and_the_call_is_resumed_next_time(db_path):
    first = run_console(db_path, ["1", "сайт упал", "1"])
    assert first.returncode == 0
    second = run_console(db_path, [])
    assert second.returncode == 0
    assert "📝 Ваша заметка: сайт упал" in second.stdout and "2/5 · Пересказ" in second.stdout


def test_switching_language_redraws_the_same_card(db_path):
    result = run_console(db_path, ["1", "/language"])
    assert result.returncode == 0, result.stderr
    assert "1/5 · Слушать" in result.stdout
    assert result.stdout.rstrip().split("─" * 40)[-1].strip().startswith("1/5 · Тыңдау")


def test_a_zone_chosen_in_the_terminal_counts_in_the_next_step(db_path):
    """🌍 then 🕘 on the daily card: the card set after the time still names the zone
    chosen a step before (the terminal reads the person afresh for each line)."""
    result = run_console(db_path, ["/daily", "3", "+12", "2", "08:30"])
    assert result.returncode == 0, result.stderr
    last_card = result.stdout.rsplit("🔔 Совет дня: настройки", 1)[1]
    assert "Время: 08:30" in last_card and "Часовой пояс: UTC+12:00" in last_card, last_card
