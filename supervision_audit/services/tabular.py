"""Reading rows from the spreadsheets and CSV files people bring, treating them as hostile."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from supervision_audit.errors import Problem, ValidationError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20000


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


def read_xlsx_sheets(path: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every worksheet as (title, rows of cell values). Raises ValidationError for a bad file."""
    from openpyxl import load_workbook

    _check_size(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        if _unsafe(exc):
            raise _refuse(path, UNSAFE) from exc
        raise _refuse(path, "This is not an Excel workbook (.xlsx) that can be read.") from exc
    try:
        sheets = []
        for sheet in workbook.worksheets:
            rows: list[tuple[Any, ...]] = []
            for row in sheet.iter_rows(values_only=True):
                rows.append(tuple(row))
                if len(rows) > MAX_ROWS:
                    raise _refuse(path, f"The sheet '{sheet.title}' has more than {MAX_ROWS} rows.")
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
