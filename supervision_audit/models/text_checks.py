"""The store's own check of text: whatever writes through a session (a form, an import, a
script going around both), a text column longer than its length, or holding a control
character, is refused before it is written.

A column with a length is one line (a name, an id) and may not hold tabs or line breaks; a
text column without one, and every string inside a JSON column (a form's answers), is free
text of at most FREE_TEXT_MAX characters. Only what changes is checked, so a row stored
before these rules can still be updated in its other columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import JSON, String, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session as OrmSession

from supervision_audit.errors import Problem, ValidationError
from supervision_audit.text_rules import FREE_TEXT_MAX, text_problem

# written by the app itself, never typed: a password hash, the settings' stored values
# (certificates, lists the app keeps), and the event log, which records what happened as
# it happened (a file's name included) and is shown through the same sanitising as any text
EXEMPT = {("user_account", "password_hash"), ("setting", "value")}
EXEMPT_TABLES = {"event_log"}


def _strings(value: Any, depth: int = 0) -> Iterator[str]:
    """Every string inside a JSON value (dict keys included)."""
    if isinstance(value, str):
        yield value
    elif depth < 20 and isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, depth + 1)
            yield from _strings(item, depth + 1)
    elif depth < 20 and isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item, depth + 1)


def _json_problems(column: str, value: Any) -> list[Problem]:
    """A JSON column's strings, each named by the top-level key it sits under (a form's
    field) so that a form shows the problem beside that field."""
    parts = value.items() if isinstance(value, dict) else [(column, value)]
    problems = []
    for key, item in parts:
        for text in _strings(item):
            message = text_problem(text, FREE_TEXT_MAX, multiline=True)
            if message:
                problems.append(Problem(str(key), f"The text {message}"))
                break
    return problems


def _is_text(kind: Any) -> bool:
    """A string column (SQLModel's AutoString wraps String)."""
    return isinstance(kind, String) or isinstance(getattr(kind, "impl", None), String)


def problems_in(obj: Any) -> list[Problem]:
    """What is wrong with the text ``obj`` is about to write (new, or changed columns)."""
    state = sa_inspect(obj)
    mapper = state.mapper
    table = mapper.local_table.name
    if table in EXEMPT_TABLES:
        return []
    problems: list[Problem] = []
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if (table, attr.key) in EXEMPT:
            continue
        if not state.transient and not state.pending and \
                not state.attrs[attr.key].history.has_changes():
            continue
        value = getattr(obj, attr.key, None)
        if isinstance(column.type, JSON):
            problems += _json_problems(attr.key, value)
        elif isinstance(value, str) and _is_text(column.type):
            length = getattr(column.type, "length", None)
            message = text_problem(value, length or FREE_TEXT_MAX, multiline=length is None)
            if message:
                problems.append(Problem(attr.key, f"The text {message}"))
    return problems


@event.listens_for(OrmSession, "before_flush")
def refuse_bad_text(session: OrmSession, _context: Any, _instances: Any) -> None:
    problems = [p for obj in (*session.new, *session.dirty) for p in problems_in(obj)]
    if problems:
        raise ValidationError(problems, summary="Nothing was saved: some text cannot be "
                                                "stored as it is.")
