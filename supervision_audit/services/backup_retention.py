"""Which automatic backups to keep: the newest of each of the last 7 days, of each of the
last 4 weeks and of each of the last 12 months (and always the newest), so that a window
closed eight times in a morning leaves one backup of that day, not eight, and a month-old
copy is still there to go back to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

STAMP = "%Y%m%d-%H%M%S-%f"  # as services.backups.backup_name writes it


@dataclass(frozen=True)
class Retention:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12

    def describe(self) -> str:
        return (f"the newest backup of each of the last {self.daily} days, "
                f"{self.weekly} weeks and {self.monthly} months")


RETENTION = Retention()


def taken_at(path: Path) -> datetime | None:
    """When a backup was taken, from its name (None for a name not in the backups' form)."""
    _stem, marker, rest = path.name.rpartition(".backup-")
    if not marker or not rest.endswith(".sqlite"):
        return None
    try:
        return datetime.strptime(rest[: -len(".sqlite")], STAMP)
    except ValueError:
        return None


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())  # the Monday of its week


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def to_keep(backups: Iterable[Path], now: datetime, retention: Retention = RETENTION
            ) -> set[Path]:
    """The backups ``retention`` keeps on ``now`` (one whose time cannot be read is kept)."""
    dated = [(taken_at(p), p) for p in backups]
    keep = {p for when, p in dated if when is None}
    newest_first = sorted(((w, p) for w, p in dated if w is not None), reverse=True)
    if newest_first:
        keep.add(newest_first[0][1])
    today = now.date()
    periods = (
        (lambda d: d, lambda d: (today - d).days < retention.daily),
        (_week, lambda d: (_week(today) - _week(d)).days // 7 < retention.weekly),
        (lambda d: d.replace(day=1), lambda d: _months_between(d, today) < retention.monthly),
    )
    for period_of, recent in periods:
        seen: set[date] = set()
        for when, path in newest_first:  # the newest of each period is met first
            period = period_of(when.date())
            if period not in seen and recent(when.date()):
                seen.add(period)
                keep.add(path)
    return keep
