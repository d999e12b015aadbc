"""Small helpers for the words the app says (no Qt): counts with the right plural."""

from __future__ import annotations


def plural(n: int, one: str, many: str | None = None) -> str:
    """``1 session``, ``2 sessions``, ``1 person``/``3 people`` (given ``many``)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
