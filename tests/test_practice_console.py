"""The practice in the terminal: typed replies judged, one numbered button to go on."""

from __future__ import annotations

from tests.test_console import run_console

RUSSIAN = [
    "Я вас слушаю, расскажите, что случилось",
    "Если я правильно понял, заказы не доходят с утра, верно?",
    "Приношу извинения от имени студии за эту ситуацию",
    "В 12:00 позвоню, что нашли, а сейчас пришлю список оплат без заказов",
    "Завтра утром сам проверю и спрошу, всё ли работает",
]
KAZAKH = [
    "Тыңдап тұрмын, не болғанын айтып беріңізші",
    "Дұрыс түсінсем, таңнан бері тапсырыстар түспей жатыр, солай ма?",
    "Осы жағдай үшін студия атынан кешірім сұраймын",
    "Бүгін сағат 12:00-де хабарласып, төлемдер тізімін жіберемін",
    "Ертең өзім тексеріп, бәрі дұрыс па екенін сұраймын",
]


def typed_walk(replies: list[str]) -> list[str]:
    """Open /practice, the first scenario, start, then each reply typed and "next" pressed."""
    lines = ["/practice", "1", "1"]
    for reply in replies:
        lines += [reply, "1"]
    return lines


def test_a_whole_practice_typed_in_the_terminal_in_russian(db_path):
    result = run_console(db_path, typed_walk(RUSSIAN))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "🎭 Тренировка перед звонком" in out and "👤 Клиент:" in out
    assert "  1. A" in out and "  4. ◀ К ситуациям" in out
    assert "✅ Выслушать: сработало правило «приглашение высказаться»" in out
    assert "✅ Проконтролировать: сработало правило «проверка и обратная связь»" in out
    assert "Итог: 100/100" in out and "Лучший результат в этой ситуации: 100/100" in out


def test_a_whole_practice_typed_in_the_terminal_in_kazakh(db_path):
    result = run_console(db_path, typed_walk(KAZAKH), "--lang", "kk")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "🎭 Қоңырау алдындағы жаттығу" in out and "1/5-кезең · Тыңдау" in out
    assert "✅ Қайталап айту: «қайталап айтып, «дұрыс па?» деп сұрау» ережесі" in out
    assert "Нәтиже: 100/100" in out and "Тренировка" not in out
