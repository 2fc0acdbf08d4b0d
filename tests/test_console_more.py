"""The terminal coach as a newcomer met it (issue 23 §1): text goes to the card on screen,
/help lists what works, deliveries are said to come in Telegram, Ctrl-C and Ctrl-D quit
quietly, a stray number is asked about, and --lang says it is remembered."""

from __future__ import annotations

import os
import pty
import re
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from tests.conftest import REPO
from tests.test_console import run_console

SEP = "─" * 40
COMPLAINT = "Вы мне третий раз присылаете не тот счёт!"
TELEGRAM_ONLY = "Напоминания и совет дня приходят только в Telegram"


def last_card(out: str) -> str:
    return out.rstrip().split(SEP)[-1]


@pytest.mark.parametrize("elsewhere", ["/situations", "/check", "/practice", "/daily"])
def test_the_call_card_brought_back_takes_the_complaint(db_path, elsewhere):
    """/call after another screen: the complaint is the call's, not a playbook search."""
    result = run_console(db_path, [elsewhere, "/call", COMPLAINT])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Похоже на эти ситуации" not in out
    assert f"📝 Ваша заметка: {COMPLAINT}" in last_card(out)


def test_help_lists_only_what_the_terminal_does_and_each_of_them_works(db_path):
    help_out = run_console(db_path, ["/help"]).stdout.split("/help", 1)[1]
    listed = re.findall(r"^(/[a-z]+) — ", help_out, flags=re.MULTILINE)
    assert {"/call", "/history", "/start", "/quit"} <= set(listed)
    assert "/export" not in listed and "/forget" not in listed
    result = run_console(db_path, [command for command in listed if command != "/quit"])
    assert result.returncode == 0, result.stderr
    assert "Такой команды нет" not in result.stdout


def test_history_lists_the_calls_saved_in_the_terminal_and_start_greets(db_path):
    walk = ["1", "сайт лежит третий день", "1", "1", "1", "1", "исправим к 18:00", "5"]
    run_console(db_path, walk)
    result = run_console(db_path, ["/history", "/start"])
    assert result.returncode == 0, result.stderr
    assert "📒 Журнал звонков" in result.stdout
    assert "«сайт лежит третий день» → «исправим к 18:00»" in result.stdout
    assert result.stdout.count("Здравствуйте!") == 2  # on arrival, and for /start


def test_terminal_notices_name_commands_not_telegram_buttons(db_path):
    result = run_console(db_path, ["/cancel", "/cancel", "asdfgh", "/CALL"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Трудный звонок»" not in out and "новый звонок" not in out
    assert "Коуч и так закрыт. Введите /call" in out and "на линии — введите /call" in out
    assert "Такой команды нет" not in out and last_card(out).strip().startswith("1/5 · Слушать")


def test_a_reminder_on_a_card_says_deliveries_come_in_telegram(db_path):
    walk = ["1", "сайт упал", "1", "1", "1", "1", "исправим к пятнице", "4"]
    result = run_console(db_path, walk)
    assert result.returncode == 0, result.stderr
    summary = last_card(result.stdout)
    assert "Напоминание:" in summary and TELEGRAM_ONLY in summary
    first = result.stdout.split(SEP)[1]
    assert TELEGRAM_ONLY not in first  # a card with nothing to deliver says nothing


def test_the_daily_tip_card_says_it_comes_in_telegram_in_kazakh(db_path):
    result = run_console(db_path, ["/daily", "2", "08:30"], "--lang", "kk")
    assert result.returncode == 0, result.stderr
    card = last_card(result.stdout)
    assert "08:30" in card and "тек Telegram-да келеді" in card


def test_a_number_that_is_no_button_is_asked_about_before_it_becomes_the_note(db_path):
    result = run_console(db_path, ["99", "нет", "99", "да"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("Кнопки 99 нет. Сохранить «99» как текст? (да/нет)") == 2
    assert "Не сохранено." in out
    assert out.count("📝 Ваша заметка: 99") == 1
    assert "Похоже на эти ситуации" not in out and "Не получилось узнать" not in out


def test_a_stray_number_on_the_promise_card_is_not_the_promise(db_path):
    walk = ["1", "сайт упал", "1", "1", "1", "1", "12", "1", "4"]
    result = run_console(db_path, walk, "--lang", "kk")
    assert result.returncode == 0, result.stderr
    assert "12 батырмасы жоқ" in result.stdout
    assert "«12»" not in last_card(result.stdout)


def test_a_time_typed_as_a_number_is_still_a_time(db_path):
    result = run_console(db_path, ["/daily", "2", "830"])
    assert result.returncode == 0, result.stderr
    assert "Время: 08:30" in last_card(result.stdout) and "Кнопки 830" not in result.stdout


def test_lang_says_it_is_remembered_and_how_to_switch_back(db_path):
    first = run_console(db_path, [], "--lang", "kk")
    assert "Тіл: қазақша — есте сақталды" in first.stdout and "/language" in first.stdout
    second = run_console(db_path, [])
    assert "Сәлеметсіз бе!" in second.stdout and "есте сақталды" not in second.stdout


# ── quitting: Ctrl-C and Ctrl-D while it waits for a line ────────────────────────────────


@dataclass
class Coach:
    """The coach running with its input on a pipe or a pseudo-terminal (`typing`: the
    fd the test types into)."""

    proc: subprocess.Popen[bytes]
    typing: int
    tty: bool

    def type(self, line: str) -> None:
        os.write(self.typing, f"{line}\n".encode())

    def end_input(self) -> None:
        """Ctrl-D on an empty line of a terminal; the end of a pipe."""
        if self.tty:
            os.write(self.typing, b"\x04")
        else:
            os.close(self.typing)
            self.typing = -1


@contextmanager
def terminal_coach(db_path, tty: bool) -> Iterator[Coach]:
    """Started with no token; whatever happens, killed and its fds closed at the end."""
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["COACH_DB_PATH"] = str(db_path)
    typing, stdin = pty.openpty() if tty else reversed(os.pipe())
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
    )
    os.close(stdin)
    coach = Coach(proc, typing, tty)
    try:
        yield coach
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if coach.typing >= 0:
            os.close(coach.typing)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()


def wait_for_output(proc: subprocess.Popen[bytes], marker: str, timeout: float = 30) -> str:
    """Read the coach's output as it comes until `marker` shows up."""
    assert proc.stdout is not None
    seen = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        while marker.encode() not in seen:
            left = deadline - time.monotonic()
            assert left > 0 and selector.select(left), f"no {marker!r} in {seen.decode()!r}"
            chunk = os.read(proc.stdout.fileno(), 65536)
            assert chunk, f"ended before {marker!r}: {seen.decode()!r}"
            seen += chunk
    return seen.decode()


def ended_quietly(proc: subprocess.Popen[bytes]) -> None:
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("the coach went on waiting for a line")
    assert proc.stderr is not None
    errors = proc.stderr.read().decode()
    assert code == 0 and "Traceback" not in errors and not errors.strip(), errors


@pytest.mark.parametrize("tty", [True, False], ids=["tty", "pipe"])
def test_ctrl_c_quits_at_once_and_quietly(db_path, tty):
    with terminal_coach(db_path, tty) as coach:
        wait_for_output(coach.proc, "⏹")
        coach.proc.send_signal(signal.SIGINT)
        ended_quietly(coach.proc)


def test_ctrl_c_after_a_line_keeps_what_was_typed(db_path):
    with terminal_coach(db_path, tty=True) as coach:
        wait_for_output(coach.proc, "⏹")
        coach.type("сайт упал")
        wait_for_output(coach.proc, "📝 Ваша заметка: сайт упал")
        coach.proc.send_signal(signal.SIGINT)
        ended_quietly(coach.proc)
    assert "📝 Ваша заметка: сайт упал" in run_console(db_path, []).stdout


@pytest.mark.parametrize("tty", [True, False], ids=["tty", "pipe"])
def test_ctrl_d_quits_quietly(db_path, tty):
    with terminal_coach(db_path, tty) as coach:
        wait_for_output(coach.proc, "⏹")
        coach.end_input()
        ended_quietly(coach.proc)
