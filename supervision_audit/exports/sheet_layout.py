"""A well-formed worksheet, the same in every workbook the app writes: real dates shown as
dd/mm/yyyy, columns as wide as what they hold, the header frozen and filtered, the header
rows repeated on every printed page, and A4 landscape fitted to one page wide.

Written for what a manager sees in Excel or LibreOffice: a sheet that sorts by date, reads
without widening columns, and prints without cutting a column off."""

from __future__ import annotations

from copy import copy
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl loads only when a workbook is written
    from openpyxl.worksheet.worksheet import Worksheet

DATE_FORMAT = "DD/MM/YYYY"
DATE_TIME_FORMAT = "DD/MM/YYYY HH:MM:SS"
TIME_FORMAT = "HH:MM"
MIN_WIDTH, MAX_WIDTH = 8, 60
# what openpyxl gives a date, date-time or time cell unless told otherwise (ISO, not ours)
_DEFAULT_FORMATS = {"General", "yyyy-mm-dd", "yyyy-mm-dd h:mm:ss", "h:mm:ss", "hh:mm:ss"}


def shown_length(value: Any) -> int:
    """About how many characters a cell's value takes on screen (its longest line)."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    if isinstance(value, time):
        return 5
    if isinstance(value, float):
        return len(f"{value:g}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _date_formats(ws: Worksheet) -> None:
    """Every date, date-time and time cell shown the British way (a format already set, such
    as a month's "MMM YYYY", is kept)."""
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if cell.number_format not in _DEFAULT_FORMATS:
                continue
            if isinstance(value, datetime):
                cell.number_format = DATE_TIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, time):
                cell.number_format = TIME_FORMAT


def _indent_text(ws: Worksheet, first_row: int) -> None:
    """Text to the right of a number starts one indent in, so a right-aligned number and the
    next column's left-aligned text never read as one ("2 1 of 1")."""
    # each alignment the text has (by its number in the workbook), indented: made once, not
    # copied for each of a large workbook's hundred thousand cells
    indented: dict[int, Any] = {}
    for row in ws.iter_rows(min_row=first_row, min_col=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value:
                alignment = indented.get(cell._style.alignmentId)
                if alignment is None:
                    alignment = indented[cell._style.alignmentId] = copy(cell.alignment)
                    alignment.indent = max(alignment.indent or 0, 1)
                    if alignment.horizontal in (None, "general"):
                        alignment.horizontal = "left"  # LibreOffice indents left-aligned only
                cell.alignment = alignment


def fit_widths(ws: Worksheet, *, skip_rows: int = 0, widths: dict[str, float] | None = None,
               wrap_at: int = MAX_WIDTH) -> None:
    """Each column as wide as its longest value (header included), between MIN_WIDTH and
    ``wrap_at`` characters; rows above ``skip_rows`` + 1 (a title running across) are not
    measured. ``widths`` sets columns by letter."""
    from openpyxl.utils import get_column_letter

    longest: dict[int, int] = {}
    for row in ws.iter_rows(min_row=skip_rows + 1):
        for cell in row:
            length = shown_length(cell.value)
            if length:
                longest[cell.column] = max(longest.get(cell.column, 0), length)
    for column, length in longest.items():
        letter = get_column_letter(column)
        ws.column_dimensions[letter].width = min(max(length + 2, MIN_WIDTH), wrap_at)
    for letter, width in (widths or {}).items():
        ws.column_dimensions[letter].width = width


def well_formed(ws: Worksheet, *, header_row: int = 1, freeze: str | None = None,
                widths: dict[str, float] | None = None, autofilter: bool = True,
                title_rows: int = 0) -> None:
    """Lay ``ws`` out: its column headings on ``header_row`` (rows above it are a title),
    data below. Dates get dd/mm/yyyy; widths come from content (``widths`` overrides by
    letter); the header is frozen (at ``freeze``, default the first data row's column A)
    and filtered; the rows down to the header repeat on every printed page; A4 landscape,
    one page wide. ``title_rows``: rows above the header not measured for widths."""
    from openpyxl.utils import get_column_letter

    _date_formats(ws)
    _indent_text(ws, header_row + 1)
    fit_widths(ws, skip_rows=title_rows, widths=widths)
    ws.freeze_panes = freeze or f"A{header_row + 1}"
    last_column = get_column_letter(max(ws.max_column, 1))
    if autofilter and ws.max_row > header_row:
        ws.auto_filter.ref = f"A{header_row}:{last_column}{ws.max_row}"
    ws.print_title_rows = f"1:{header_row}"
    page_setup(ws)


def page_setup(ws: Worksheet) -> None:
    """A4 landscape, fitted to one page wide (as many pages down as it needs)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
