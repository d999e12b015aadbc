"""Date helpers: reading the date formats people type and spreadsheets hold; month arithmetic."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

EXCEL_EPOCH = date(1899, 12, 30)


EARLIEST_PLAUSIBLE = date(1950, 1, 1)
PLAUSIBLE_YEARS_AHEAD = 2


def add_months(d: date, months: int) -> date:
    """Calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb), and
    to the calendar's ends (so a date beyond reason on file never stops a computation)."""
    try:
        return d + relativedelta(months=months)
    except (OverflowError, ValueError):
        return date.max if months > 0 else date.min


def add_days(d: date, days: int) -> date:
    """``d`` plus ``days``, clamped to the calendar's ends like ``add_months``."""
    try:
        return d + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


@lru_cache(maxsize=64)
def _latest_plausible(today: date) -> date:
    return add_months(today, 12 * PLAUSIBLE_YEARS_AHEAD)


def plausibility_problem(day: date | None, today: date | None = None) -> str:
    """R10: why ``day`` cannot be a real date of supervision or employment, a mistyped year
    ("" when it can be): before 1950, or more than two years after ``today``."""
    if day is None:
        return ""
    if day < EARLIEST_PLAUSIBLE:
        return f"{format_date(day)}: before {EARLIEST_PLAUSIBLE.year}"
    if day > _latest_plausible(today or date.today()):
        return f"{format_date(day)}: over {PLAUSIBLE_YEARS_AHEAD} years ahead"
    return ""


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
    """dd/mm/yyyy (the year always in four digits, even for a mistyped year 1)."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}" if d else ""
