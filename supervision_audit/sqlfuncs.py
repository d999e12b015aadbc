"""SQL expressions that each engine spells its own way, one name per purpose.

The services build their queries from these and never ask which store they have: an
expression compiles to SQLite's spelling for a standalone store and to PostgreSQL's for the
organisation's server.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Float, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class uuid_key(FunctionElement[str]):
    """A UUID column as 32 lower-case hex digits (``UUID.hex``), the way SQLite stores it:
    aggregates key on it without making a UUID object for each of many rows."""

    type = String()
    inherit_cache = True


@compiles(uuid_key)
def _uuid_key_sqlite(element: uuid_key, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)  # type: ignore[no-any-return]


@compiles(uuid_key, "postgresql")
def _uuid_key_pg(element: uuid_key, compiler: SQLCompiler, **kw: Any) -> str:
    return f"replace(CAST({compiler.process(element.clauses, **kw)} AS TEXT), '-', '')"


class minutes_between(FunctionElement[float]):
    """Whole minutes from the first time of day to the second (``end - start``)."""

    type = Float()
    inherit_cache = True


def _two(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    first, second = list(element.clauses)
    return compiler.process(first, **kw), compiler.process(second, **kw)


@compiles(minutes_between)
def _minutes_sqlite(element: minutes_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _two(element, compiler, **kw)
    return f"((strftime('%s', {end}) - strftime('%s', {start})) / 60)"


@compiles(minutes_between, "postgresql")
def _minutes_pg(element: minutes_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _two(element, compiler, **kw)
    return f"trunc(EXTRACT(EPOCH FROM ({end} - {start})) / 60)"


class add_days(FunctionElement[Any]):
    """A date column moved by a whole number of days: ``add_days(column, 3)``."""

    type = Date()
    inherit_cache = True


def _days(element: add_days) -> int:
    days = list(element.clauses)[1]
    return int(days.value)  # type: ignore[attr-defined]


@compiles(add_days)
def _add_days_sqlite(element: add_days, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(list(element.clauses)[0], **kw)
    return f"date({column}, '{_days(element):+d} day')"


@compiles(add_days, "postgresql")
def _add_days_pg(element: add_days, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(list(element.clauses)[0], **kw)
    return f"({column} + {_days(element):d})"


class json_text(FunctionElement[str]):
    """One top-level member of a JSON column as text: ``json_text(Contract.values, "frequency")``
    (a string member as itself; None when absent)."""

    type = String()
    inherit_cache = True


def _member(element: json_text, compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    column, key = list(element.clauses)
    name = str(key.value)  # type: ignore[attr-defined]
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a plain JSON member name: {name!r}")
    return compiler.process(column, **kw), name


@compiles(json_text)
def _json_text_sqlite(element: json_text, compiler: SQLCompiler, **kw: Any) -> str:
    column, name = _member(element, compiler, **kw)
    return f"json_extract({column}, '$.{name}')"


@compiles(json_text, "postgresql")
def _json_text_pg(element: json_text, compiler: SQLCompiler, **kw: Any) -> str:
    column, name = _member(element, compiler, **kw)
    return f"({column} ->> '{name}')"


class unindexed(FunctionElement[Any]):
    """A column compared as it is, but not looked up through an index (SQLite's unary
    ``+``): for the queries of a few people, so that SQLite walks the index that leads with
    the person rather than one that ranges over everyone's dates or statuses. PostgreSQL
    plans from its statistics: the column as it is."""

    inherit_cache = True

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _unindexed_sqlite(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


@compiles(unindexed, "postgresql")
def _unindexed_pg(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)  # type: ignore[no-any-return]
