"""Date helpers: reading the date formats people type and spreadsheets hold; month arithmetic."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

EXCEL_EPOCH = date(1899, 12, 30)


def add_months(d: date, months: int) -> date:
    """Calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    return d + relativedelta(months=months)


def parse_date(value: object) -> date | None:
    """A date from ISO text, dd/mm/yyyy text, a spreadsheet date or serial number.

    Empty values give None; anything else that is not a real date raises ValueError with a
    message naming what was wrong.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise ValueError(f"{value!r} is not a spreadsheet date")
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = str(value).strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a real date (expected YYYY-MM-DD or dd/mm/yyyy)")


def format_date(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""
