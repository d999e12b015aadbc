"""Counts read as English: one sheet, two sheets; one person, two people."""

from __future__ import annotations

import pytest

from supervision_audit.wording import plural


@pytest.mark.parametrize(("n", "one", "many", "expected"), [
    (1, "sheet", None, "1 sheet"), (4, "sheet", None, "4 sheets"),
    (0, "session", None, "0 sessions"), (1, "entry", "entries", "1 entry"),
    (2, "entry", "entries", "2 entries"), (1, "person", "people", "1 person"),
    (3, "person", "people", "3 people"),
])
def test_plural(n, one, many, expected) -> None:
    assert plural(n, one, many) == expected
