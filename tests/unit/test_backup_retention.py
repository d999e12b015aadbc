"""Automatic backups are kept by day, week and month, not by count."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from supervision_audit.services.backup_retention import Retention, taken_at, to_keep
from supervision_audit.services.backups import backup_name

DB = Path("store.sqlite")
NOW = datetime(2026, 6, 24, 17, 0)  # a Wednesday


def _backup(when: datetime) -> Path:
    return Path("backups") / backup_name(DB, when)


def test_eight_closes_in_a_morning_leave_one_backup_of_the_day() -> None:
    morning = [_backup(NOW.replace(hour=9) + timedelta(minutes=5 * n)) for n in range(8)]
    assert to_keep(morning, NOW) == {morning[-1]}


def test_the_newest_of_each_day_week_and_month_are_kept() -> None:
    made = {when: _backup(when) for when in (
        NOW - timedelta(hours=1),             # today
        NOW - timedelta(days=1),              # yesterday
        NOW - timedelta(days=1, hours=3),     # yesterday, earlier: goes
        NOW - timedelta(days=6),              # the 7th day back: kept
        NOW - timedelta(days=10),             # a Sunday, newest of its week: kept (weekly)
        NOW - timedelta(days=11),             # the same week, older: goes
        NOW - timedelta(days=40),             # May: kept (monthly)
        NOW - timedelta(days=45),             # May, older: goes
        datetime(2025, 7, 10),                # 11 months back: kept
        datetime(2025, 5, 10),                # 13 months back: goes
    )}
    kept = to_keep(made.values(), NOW)
    gone = {when for when, path in made.items() if path not in kept}
    assert gone == {NOW - timedelta(days=1, hours=3), NOW - timedelta(days=11),
                    NOW - timedelta(days=45), datetime(2025, 5, 10)}


def test_a_smaller_retention_and_names_it_cannot_read() -> None:
    odd = Path("backups") / "store.backup-not-a-date.sqlite"
    old = _backup(NOW - timedelta(days=3))
    assert to_keep([odd, old, _backup(NOW)], NOW, Retention(daily=1, weekly=0, monthly=0)) \
        == {odd, _backup(NOW)}
    assert taken_at(odd) is None and taken_at(old) == NOW - timedelta(days=3)
