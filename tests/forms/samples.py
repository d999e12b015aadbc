"""Filled-in values for any form, built from its field kinds (for renderer and UI tests)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from supervision_audit.forms import Field, FormDef, Kind

UNICODE_NAMES = ("Łucja Żak", "Олена Коваленко", "Søren Ølstad", "Siobhán Ní Bhriain",
                 "Zoë Brontë-O'Neill", "Nguyễn Thị Hương")
TABLE_ROWS = 2


def _is_name(key: str) -> bool:
    return ("name" in key or "signature" in key or "intermediary" in key or "manager" in key
            or "owner" in key)


def _value(f: Field, text: str, day: date, names: Iterator[str]) -> Any:
    """A value of the field's kind; ``text`` makes free text distinctive."""
    if f.kind is Kind.TEXT:
        return next(names) if _is_name(f.key) else text
    if f.kind is Kind.MULTILINE:
        return f"{text} first line\n{text} second line & <more>"
    if f.kind is Kind.DATE:
        return day.isoformat()
    if f.kind is Kind.TIME:
        return "10:30"
    if f.kind is Kind.INTEGER:
        low = f.minimum if f.minimum is not None else 1
        high = f.maximum if f.maximum is not None else low + 100
        return f.default if isinstance(f.default, int) else (low + high) // 2
    if f.kind is Kind.CHOICE:
        return f.default if f.default in dict(f.choices) else f.choices[0][0]
    if f.kind is Kind.BOOL:
        return True
    if f.kind is Kind.SIGNATURE:
        return {"name": next(names), "date": day.isoformat()}
    if f.kind is Kind.TAGS:  # the first two choices, or two people given at run time
        return [v for v, _ in f.choices[:2]] if f.choices else [next(names), next(names)]
    raise AssertionError(f"no sample for {f.kind}")


def sample_values(form: FormDef) -> dict[str, Any]:
    """Every value field filled with a plausible, distinctive value of its kind; tables (the
    read-only ones too) with two rows whose cells say which table, column and row they are."""
    values: dict[str, Any] = {}
    names = iter(UNICODE_NAMES * 10)
    day = date(2024, 3, 4)
    for f in form.value_fields():
        day += timedelta(days=3)
        if f.kind is not Kind.TABLE:
            values[f.key] = _value(f, f"{f.key}-value", day, names)
            continue
        rows = []
        for n in range(1, TABLE_ROWS + 1):
            day += timedelta(days=1)
            rows.append({c.key: _value(c, f"{f.key}-{c.key}-{n}", day, names)
                         for c in f.columns})
        values[f.key] = rows
    return values
