"""The small pieces every card layout is built of."""

from __future__ import annotations


def join(*parts: str) -> str:
    """Blocks of a card, a blank line apart; empty blocks leave no gap."""
    return "\n\n".join(part for part in parts if part)


def bullets(items: list[str], mark: str = "•") -> str:
    return "\n".join(f"{mark} {item}" for item in items)


def numbered(items: list[str]) -> str:
    return "\n".join(f"{n}. {item}" for n, item in enumerate(items, start=1))
