"""A form as an Excel workbook: one sheet, a row per field; a table's rows under it
(openpyxl)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from datetime import date, time
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from supervision_audit.exports.atomic import atomic_output
from supervision_audit.exports.cells import put_text
from supervision_audit.forms.base import (
    Field,
    FormDef,
    Kind,
    Section,
    is_empty,
    parse_iso_date,
    table_rows,
)

DATE_FORMAT = "DD/MM/YYYY"
TIME_FORMAT = "HH:MM"
WIDTHS = {"A": 34, "B": 90, "C": 14}
TABLE_COLUMN_WIDTH = 22  # columns D onwards, used only by the wider tables
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADING_FILL = PatternFill("solid", fgColor="E6E6E6")


def _sheet_title(title: str) -> str:
    """A legal sheet name: no []:*?/\\ and at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "Form"


def _put(cell: Cell, f: Field, value: Any) -> None:
    """The value in its Excel type: real dates, times and numbers, choices as their label."""
    if is_empty(f, value):
        return
    try:
        if f.kind is Kind.DATE:
            cell.value = parse_iso_date(value)
            cell.number_format = DATE_FORMAT
        elif f.kind is Kind.TIME:
            cell.value = value if isinstance(value, time) else time.fromisoformat(str(value))
            cell.number_format = TIME_FORMAT
        elif f.kind is Kind.INTEGER:
            cell.value = int(value)
        elif f.kind is Kind.CHOICE:
            put_text(cell, f.choice_label(value))
        elif f.kind is Kind.BOOL:
            put_text(cell, "Yes" if value else "No")
        elif f.kind is Kind.TAGS:
            put_text(cell, "; ".join(f.choice_label(v) for v in value))
        else:
            put_text(cell, str(value))
    except (TypeError, ValueError):  # a stored value of the wrong shape is still shown
        put_text(cell, str(value))


def _put_signature(ws: Worksheet, row: int, value: Any) -> None:
    if not isinstance(value, Mapping):
        return
    put_text(ws.cell(row, 2), str(value.get("name") or ""))
    try:
        signed = parse_iso_date(value.get("date"))
    except (TypeError, ValueError):
        signed = None
    if isinstance(signed, date):
        ws.cell(row, 3, signed).number_format = DATE_FORMAT


def _static_text(f: Field) -> str:
    return "\n".join([f.text] * bool(f.text) + [f"\u2022 {b}" for b in f.bullets])


def _row_labels(section: Section) -> dict[str, str]:
    """Labels by key; a label repeated in a two-column section names its column's head."""
    labels = {f.key: f.label for f in section.fields}
    if section.columns != 2:
        return labels
    fields = [f for f in section.fields if f.label]
    heads = [f.label for f in fields[:2]]
    counts = Counter(f.label for f in fields)
    for i, f in enumerate(fields[2:]):
        if counts[f.label] > 1 and len(heads) == 2:
            labels[f.key] = f"{f.label} ({heads[i % 2]})"
    return labels


def _width(col: str) -> float:
    return WIDTHS.get(col, TABLE_COLUMN_WIDTH)


def _put_table(ws: Worksheet, row: int, f: Field, value: Any) -> int:
    """Under the field's label: a bold row of the column labels from column B, then a row
    per table row with each cell in its Excel type. Returns the last row written."""
    for number, column in enumerate(f.columns, start=2):
        letter = get_column_letter(number)
        if letter not in WIDTHS:
            ws.column_dimensions[letter].width = TABLE_COLUMN_WIDTH
        heading = ws.cell(row + 1, number)
        put_text(heading, column.label)
        heading.font = Font(bold=True)
    rows = table_rows(f, value)
    if not rows and f.readonly and value is not None:  # looked up, and nothing there
        put_text(ws.cell(row + 2, 2), "None.")
        return row + 2
    for offset, values in enumerate(rows, start=2):
        for number, column in enumerate(f.columns, start=2):
            _put(ws.cell(row + offset, number), column, values.get(column.key))
    return row + 1 + len(rows)


def _fit_height(ws: Worksheet, row: int) -> None:
    """Tall enough for wrapped text (Excel does not size rows written by openpyxl)."""
    lines = 1
    for cell in ws[row]:
        width, value = _width(cell.column_letter), cell.value
        if isinstance(value, str):
            per_line = max(1.0, width * 1.1)
            lines = max(lines, sum(max(1, math.ceil(len(p) / per_line))
                                   for p in value.split("\n")))
    if lines > 1:
        ws.row_dimensions[row].height = min(409, 15 * lines)


def render_form_xlsx(form: FormDef, values: Mapping[str, Any], out: Path, *, organisation: str,
                     record_id: str) -> Path:
    """Write ``form`` filled with ``values`` to the workbook ``out`` (whole or not at all)."""
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(form.title)
    wb.properties.creator = "Supervision Audit"
    wb.properties.title = f"{form.title} ({form.reference})"
    for col, width in WIDTHS.items():
        ws.column_dimensions[col].width = width
    put_text(ws["A1"], organisation)
    ws["A1"].font = Font(bold=True, size=14)
    put_text(ws["A2"], f"{form.title} ({form.reference})")
    ws["A2"].font = Font(bold=True, size=12)
    put_text(ws["A3"], f"Record {record_id}")
    ws["A3"].font = Font(italic=True, color="505050")

    row = 4
    for section in form.sections:
        row += 1
        put_text(ws.cell(row, 1), section.title)
        for col in (1, 2, 3):
            ws.cell(row, col).fill = _HEADING_FILL
        ws.cell(row, 1).font = Font(bold=True)
        labels = _row_labels(section)
        for f in section.fields:
            row += 1
            first = row
            if f.label:
                put_text(ws.cell(row, 1), labels[f.key])
            if f.kind is Kind.STATIC:
                put_text(ws.cell(row, 2), _static_text(f))
            elif f.kind is Kind.SIGNATURE:
                _put_signature(ws, row, values.get(f.key))
            elif f.kind is Kind.TABLE:
                row = _put_table(ws, row, f, values.get(f.key))
            else:
                _put(ws.cell(row, 2), f, values.get(f.key))
            for line in range(first, row + 1):
                for col in range(1, max(3, len(f.columns) + 1) + 1):
                    ws.cell(line, col).alignment = _WRAP
                _fit_height(ws, line)

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    with atomic_output(Path(out)) as tmp:
        wb.save(tmp)
    return Path(out)
