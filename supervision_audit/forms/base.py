"""The building blocks of a paper form, defined once and read by every renderer.

A form is a title and a list of sections; a section holds fields. Values live in a plain
dict keyed by field key: text as ``str``, dates as ISO ``YYYY-MM-DD`` strings, integers as
``int``, choices as the choice value, booleans as ``bool`` and signature lines as
``{"name": str, "date": "YYYY-MM-DD"}``. Nothing here knows Qt, reportlab or openpyxl.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from typing import Any

from supervision_audit.dates import plausibility_problem
from supervision_audit.errors import Problem
from supervision_audit.text_rules import FREE_TEXT_MAX, LINE_MAX, NAME_MAX, text_problem


class Kind(StrEnum):
    TEXT = "text"  # one line
    MULTILINE = "multiline"  # paragraphs
    DATE = "date"
    TIME = "time"
    INTEGER = "integer"
    CHOICE = "choice"
    BOOL = "bool"
    STATIC = "static"  # standard wording printed as the form prints it; holds no value
    SIGNATURE = "signature"  # a signature line: typed full name and date
    TABLE = "table"  # rows of the ``columns`` fields: a list of dicts
    TAGS = "tags"  # several of the choices (or of choices given at run time): a list


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    guidance: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    readonly: bool = False  # filled from the records, not typed
    text: str = ""  # STATIC: the wording
    bullets: tuple[str, ...] = ()  # STATIC: a bulleted list after the wording
    minimum: int | None = None
    maximum: int | None = None
    default: Any = None
    columns: tuple[Field, ...] = ()  # TABLE: the fields of one row
    min_rows: int = 0  # TABLE
    max_rows: int | None = None  # TABLE

    def choice_label(self, value: Any) -> str:
        return dict(self.choices).get(value, "" if value is None else str(value))

    @property
    def holds_value(self) -> bool:
        return self.kind is not Kind.STATIC


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...]
    guidance: str = ""
    columns: int = 1  # 2: fields laid out as label/value pairs side by side, as in a table


Rule = Callable[[Mapping[str, Any]], list[Problem]]


@dataclass(frozen=True)
class FormDef:
    key: str
    title: str
    reference: str  # e.g. "Appendix 1"
    sections: tuple[Section, ...]
    rules: tuple[Rule, ...] = field(default=())

    def fields(self) -> Iterator[Field]:
        for section in self.sections:
            yield from section.fields

    def value_fields(self) -> Iterator[Field]:
        return (f for f in self.fields() if f.holds_value)

    def field(self, key: str) -> Field:
        for f in self.fields():
            if f.key == key:
                return f
        raise KeyError(key)

    def labels(self) -> list[str]:
        """Every heading and label a printed copy must show."""
        out = [self.title]
        for section in self.sections:
            out.append(section.title)
            for f in section.fields:
                out.append(f.label)
                out.extend(c.label for c in f.columns)
        return [x for x in out if x]

    def defaults(self) -> dict[str, Any]:
        return {f.key: f.default for f in self.value_fields() if f.default is not None}


def parse_iso_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def is_empty(f: Field, value: Any) -> bool:
    if value is None:
        return True
    if f.kind is Kind.SIGNATURE:
        return not (isinstance(value, Mapping) and str(value.get("name", "")).strip())
    if f.kind is Kind.BOOL:
        return False
    if f.kind in (Kind.TABLE, Kind.TAGS):
        return not value
    return isinstance(value, str) and not value.strip()


def _check_value(f: Field, value: Any) -> str | None:
    """The message for a value of the wrong shape, or None."""
    try:
        if f.kind in (Kind.TEXT, Kind.MULTILINE) and not f.readonly:
            multiline = f.kind is Kind.MULTILINE
            return text_problem(str(value), FREE_TEXT_MAX if multiline else LINE_MAX,
                                multiline=multiline)
        if f.kind is Kind.DATE:
            return plausibility_problem(parse_iso_date(value)) or None  # R10
        elif f.kind is Kind.TIME:
            time.fromisoformat(str(value))
        elif f.kind is Kind.INTEGER:
            number = int(value)
            if f.minimum is not None and number < f.minimum:
                return f"must be at least {f.minimum}"
            if f.maximum is not None and number > f.maximum:
                return f"must be at most {f.maximum}"
        elif f.kind is Kind.CHOICE:
            if value not in dict(f.choices):
                return "choose one of: " + ", ".join(label for _, label in f.choices)
        elif f.kind is Kind.TAGS:
            if not isinstance(value, (list, tuple)):
                return "expected a list"
            unknown = [v for v in value if f.choices and v not in dict(f.choices)]
            if unknown:
                return "has unknown entries: " + ", ".join(map(str, unknown))
        elif f.kind is Kind.SIGNATURE:
            if not isinstance(value, Mapping):
                return "expected a name and a date"
            if value.get("name") and not value.get("date"):
                return "a signature needs the date it was signed"
            name_wrong = text_problem(str(value.get("name") or ""), NAME_MAX, multiline=False)
            if name_wrong:
                return f"(the name) {name_wrong}"
            parse_iso_date(value.get("date"))
    except (TypeError, ValueError):
        if f.kind is Kind.DATE or f.kind is Kind.SIGNATURE:
            return "is not a real date (use the date picker or dd/mm/yyyy)"
        if f.kind is Kind.TIME:
            return "is not a time of day (HH:MM)"
        return "must be a whole number"
    return None


def _check_table(f: Field, value: Any) -> list[Problem]:
    """Problems with the rows of a TABLE field, named by field key, row and column."""
    if not isinstance(value, (list, tuple)):
        return [Problem(f.key, f"{f.label} expected rows")]
    problems: list[Problem] = []
    rows = [r for r in value if isinstance(r, Mapping) and
            any(not is_empty(c, r.get(c.key)) for c in f.columns)]
    if len(rows) < f.min_rows:
        problems.append(Problem(f.key, f"{f.label} needs {f.min_rows} "
                                       f"{'row' if f.min_rows == 1 else 'rows'}"))
    if f.max_rows is not None and len(rows) > f.max_rows:
        problems.append(Problem(f.key, f"{f.label} takes at most {f.max_rows} rows"))
    for number, row in enumerate(rows, start=1):
        for column in f.columns:
            cell = row.get(column.key)
            if is_empty(column, cell):
                if column.required:
                    problems.append(Problem(f.key, f"{f.label}, row {number}: "
                                                   f"{column.label} is required", row=number))
                continue
            message = _check_value(column, cell)
            if message:
                problems.append(Problem(f.key, f"{f.label}, row {number}: {column.label} "
                                               f"{message}", row=number))
    return problems


def table_rows(f: Field, value: Any) -> list[dict[str, Any]]:
    """The rows of a TABLE value that hold anything (blank rows dropped)."""
    if not isinstance(value, (list, tuple)):
        return []
    return [dict(r) for r in value if isinstance(r, Mapping) and
            any(not is_empty(c, r.get(c.key)) for c in f.columns)]


def validate(form: FormDef, values: Mapping[str, Any]) -> list[Problem]:
    """Every problem with ``values`` for ``form``: missing required fields, wrong shapes, rules."""
    problems: list[Problem] = []
    for f in form.value_fields():
        value = values.get(f.key)
        if f.kind is Kind.TABLE and not is_empty(f, value):
            problems.extend(_check_table(f, value))
            continue
        if is_empty(f, value):
            if f.required or (f.kind is Kind.TABLE and f.min_rows):
                problems.append(Problem(f.key, f"{f.label} is required"))
            continue
        message = _check_value(f, value)
        if message:
            problems.append(Problem(f.key, f"{f.label} {message}"))
    if not problems:
        for rule in form.rules:
            problems.extend(rule(values))
    return problems


def display_value(f: Field, value: Any) -> str:
    """The value as a printed form shows it (dates as dd/mm/yyyy)."""
    if value is None or value == "":
        return ""
    if f.kind is Kind.DATE:
        d = parse_iso_date(value)
        return d.strftime("%d/%m/%Y") if d else ""
    if f.kind is Kind.CHOICE:
        return f.choice_label(value)
    if f.kind is Kind.BOOL:
        return "Yes" if value else "No"
    if f.kind is Kind.TAGS and isinstance(value, (list, tuple)):
        return ", ".join(f.choice_label(v) for v in value)
    if f.kind is Kind.TIME:
        return str(value)[:5]
    if f.kind is Kind.SIGNATURE and isinstance(value, Mapping):
        d = parse_iso_date(value.get("date"))
        name = str(value.get("name", ""))
        return f"{name}    Date: {d.strftime('%d/%m/%Y')}" if d else name
    return str(value)
