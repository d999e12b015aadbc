"""Reading rows from the spreadsheets and CSV files people bring, treating them as hostile."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from supervision_audit.errors import Problem, ValidationError
from supervision_audit.text_rules import printable

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20000  # in one sheet
MAX_WORKBOOK_ROWS = 200_000  # in all the sheets together
MAX_COLUMNS = 50
# What a workbook's parts may add up to once unpacked, and any one part (the shared strings
# are held whole in memory, at several times their size): twenty thousand rows of staff
# are far less; a "zip bomb" is far more. Together they keep an import under 300 MB.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PART_BYTES = 16 * 1024 * 1024


def _refuse(path: Path, message: str) -> ValidationError:
    return ValidationError(Problem("file", message), summary=f"{path.name} was not imported.")


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _refuse(path, f"The file cannot be read: {exc.strerror or exc}") from exc
    if size == 0:
        raise _refuse(path, "The file is empty.")
    if size > MAX_FILE_BYTES:
        raise _refuse(path, f"The file is larger than the {MAX_FILE_BYTES // (1024 * 1024)} MB "
                            "an import may be.")


UNSAFE = ("The workbook is unsafe to read: it contains XML entity definitions, which "
          "spreadsheets do not need.")


def _unsafe(exc: BaseException | None) -> bool:
    """True when a defusedxml refusal is anywhere in the chain of causes."""
    from defusedxml import DefusedXmlException

    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DefusedXmlException):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


NOT_A_WORKBOOK = "This is not an Excel workbook (.xlsx) that can be read."


def _check_unpacked_size(path: Path) -> None:
    """Refuse a workbook whose parts unpack to more than MAX_UNPACKED_BYTES, before any of it
    is parsed. (Python's zipfile never unpacks a part beyond the size its directory states,
    so a part that lies about its size ends as a damaged file, not a larger one.)"""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse(path, NOT_A_WORKBOOK) from exc
    mb = 1024 * 1024
    advice = "it was not read. Save only the sheets to import, as a new workbook."
    total = sum(part.file_size for part in parts)
    if total > MAX_UNPACKED_BYTES:
        raise _refuse(path, f"The workbook unpacks to {total / mb:,.0f} MB, more than the "
                            f"{MAX_UNPACKED_BYTES // mb} MB an import may be; {advice}")
    largest = max(parts, key=lambda part: part.file_size, default=None)
    if largest is not None and largest.file_size > MAX_PART_BYTES:
        name = printable(largest.filename[:80], multiline=False)
        raise _refuse(path, f"The workbook's part {name} unpacks to "
                            f"{largest.file_size / mb:,.0f} MB, more than the "
                            f"{MAX_PART_BYTES // mb} MB one part may be; {advice}")


def _sheet_rows(path: Path, sheet: Any, budget: int) -> list[tuple[Any, ...]]:
    """A sheet's rows, each without its trailing empty cells; at most MAX_ROWS rows and
    ``budget`` rows (what is left of the workbook's). Only the first MAX_COLUMNS columns are
    read (no import has half as many): a sheet claiming its last column (16,384) would
    otherwise make every row that wide."""
    rows: list[tuple[Any, ...]] = []
    for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        rows.append(tuple(row[:end]))
        if len(rows) > MAX_ROWS:
            raise _refuse(path, f"The sheet '{sheet.title}' has more than {MAX_ROWS} rows.")
        if len(rows) > budget:
            raise _refuse(path, f"The workbook has more than {MAX_WORKBOOK_ROWS} rows.")
    return rows


def read_xlsx_sheets(path: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every worksheet as (title, rows of cell values, trailing empty cells left off).
    Raises ValidationError for a bad, unsafe or too large file."""
    from openpyxl import load_workbook

    _check_size(path)
    _check_unpacked_size(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        if _unsafe(exc):
            raise _refuse(path, UNSAFE) from exc
        raise _refuse(path, NOT_A_WORKBOOK) from exc
    try:
        sheets = []
        left = MAX_WORKBOOK_ROWS
        for sheet in workbook.worksheets:
            rows = _sheet_rows(path, sheet, left)
            left -= len(rows)
            sheets.append((sheet.title, rows))
        return sheets
    except ValidationError:
        raise
    except Exception as exc:
        if _unsafe(exc):
            raise _refuse(path, UNSAFE) from exc
        raise _refuse(path, f"The workbook is damaged and cannot be read ({type(exc).__name__}).") \
            from exc
    finally:
        workbook.close()


def read_csv_rows(path: Path) -> list[tuple[Any, ...]]:
    _check_size(path)
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise _refuse(path, "This is not a CSV text file.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise _refuse(path, "The file's text encoding is not recognised; save it as UTF-8 CSV.")
    try:
        rows = [tuple(r) for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise _refuse(path, f"The CSV file is malformed: {exc}") from exc
    if len(rows) > MAX_ROWS:
        raise _refuse(path, f"The file has more than {MAX_ROWS} rows.")
    return rows


def read_table(path: Path) -> list[tuple[Any, ...]]:
    """The rows of the first sheet of an .xlsx, or of a .csv."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        sheets = read_xlsx_sheets(path)
        return sheets[0][1] if sheets else []
    if suffix in (".csv", ".txt"):
        return read_csv_rows(path)
    raise _refuse(path, "Only .xlsx and .csv files can be imported.")


def cell_text(value: Any) -> str:
    """A cell as trimmed text; whole numbers from spreadsheets lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(row: tuple[Any, ...]) -> bool:
    return all(cell_text(v) == "" for v in row)
