"""Filled-in values for any form, built from its field kinds (for renderer and UI tests)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from supervision_audit.forms import FormDef, Kind

UNICODE_NAMES = ("Łucja Żak", "Олена Коваленко", "Søren Ølstad", "Siobhán Ní Bhriain",
                 "Zoë Brontë-O'Neill", "Nguyễn Thị Hương")


def _is_name(key: str) -> bool:
    return "name" in key or "signature" in key or "intermediary" in key or "manager" in key


def sample_values(form: FormDef) -> dict[str, Any]:
    """Every value field filled with a plausible, distinctive value of its kind."""
    values: dict[str, Any] = {}
    names = iter(UNICODE_NAMES * 10)
    day = date(2024, 3, 4)
    for f in form.value_fields():
        day += timedelta(days=3)
        if f.kind is Kind.TEXT:
            values[f.key] = next(names) if _is_name(f.key) else f"{f.key}-value"
        elif f.kind is Kind.MULTILINE:
            values[f.key] = f"{f.key}-value first line\n{f.key}-value second line & <more>"
        elif f.kind is Kind.DATE:
            values[f.key] = day.isoformat()
        elif f.kind is Kind.TIME:
            values[f.key] = "10:30"
        elif f.kind is Kind.INTEGER:
            low = f.minimum if f.minimum is not None else 1
            high = f.maximum if f.maximum is not None else low + 100
            values[f.key] = f.default if isinstance(f.default, int) else (low + high) // 2
        elif f.kind is Kind.CHOICE:
            valid = dict(f.choices)
            values[f.key] = f.default if f.default in valid else f.choices[0][0]
        elif f.kind is Kind.BOOL:
            values[f.key] = True
        elif f.kind is Kind.SIGNATURE:
            values[f.key] = {"name": next(names), "date": day.isoformat()}
    return values
