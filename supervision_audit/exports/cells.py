"""User data into workbooks and CSV files as text, never as something a spreadsheet runs.

A name such as ``=HYPERLINK("http://…")`` written as it is becomes a live formula in the
reader's Excel. Every workbook writer puts text through :func:`put_text` (or
:func:`append_row`), which stores it as a string cell marked to stay text when edited; every
CSV writer puts each value through :func:`csv_cell` (the OWASP rule: a value starting with
``= + - @``, a tab or a carriage return gets a leading apostrophe).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from supervision_audit.text_rules import printable

if TYPE_CHECKING:  # openpyxl loads only when a workbook is written
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell


def clean_text(text: str) -> str:
    """Text a workbook can hold: control characters shown as U+FFFD, Windows line ends as
    one, and no longer than a cell may be."""
    text = printable(text.replace("\r\n", "\n"))
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "\u2026"


def put_text(cell: Cell, text: str) -> None:
    """Text as text: never read as a formula (or an error code), whatever it starts with."""
    value = clean_text(str(text))
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_LEADS):
        cell.quotePrefix = True  # Excel keeps it text when someone edits the cell


def put_value(cell: Cell, value: Any) -> Cell:
    """A value in its own type (a date, a number, nothing); a string as text."""
    if isinstance(value, str):
        put_text(cell, value)
    else:
        cell.value = value
    return cell


def append_row(ws: Worksheet, values: Iterable[Any]) -> None:
    """``ws.append(values)`` with every string written as text."""
    from openpyxl.cell.cell import Cell

    ws.append([put_value(Cell(ws), v) if isinstance(v, str) else v for v in values])


def csv_cell(value: Any) -> str:
    """A value for a CSV file: text, with a leading apostrophe when it would start a formula."""
    text = "" if value is None else printable(str(value))
    return "'" + text if text.startswith(FORMULA_LEADS) else text
