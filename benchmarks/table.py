"""The benchmarks' table: a row per figure, its baseline and target, printed as Markdown."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class Rows(list):  # type: ignore[type-arg]
    """The table's rows; each is printed to stderr as soon as it is measured."""

    def append(self, row: Row) -> None:  # type: ignore[override]
        super().append(row)
        print(f"  {row.what}: {fmt(row.median, row.unit)} (first {fmt(row.times[0], row.unit)}"
              f"; baseline {fmt(row.baseline)})", file=sys.stderr, flush=True)


@dataclass
class Row:
    what: str
    times: list[float]  # seconds; the first run first
    baseline: float | None = None  # seconds
    baseline_what: str = ""
    target: float | None = None  # seconds, an absolute limit
    target_ratio: float | None = None  # times the baseline
    note: str = ""
    unit: str = "s"

    @property
    def median(self) -> float:
        later = self.times[1:] or self.times
        return statistics.median(later)

    def verdict(self) -> str:
        if self.target is None and self.target_ratio is None:
            return ""
        ok = self.target is None or self.median <= self.target
        if self.target_ratio is not None and self.baseline:
            ok = ok and self.median <= self.target_ratio * self.baseline
        return "yes" if ok else "**NO**"


def fmt(seconds: float | None, unit: str = "s") -> str:
    if seconds is None:
        return ""
    if unit == "MiB":
        return f"{seconds:.0f} MiB"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def table(rows: list[Row]) -> str:
    out = ["| operation | median | first run | baseline | × baseline | target | met | note |",
           "|---|---:|---:|---|---:|---|---|---|"]
    for r in rows:
        ratio = f"{r.median / r.baseline:.1f}×" if r.baseline else ""
        base = f"{fmt(r.baseline, r.unit)} ({r.baseline_what})" if r.baseline is not None \
            else r.baseline_what
        target = " and ".join(t for t in (
            f"< {fmt(r.target, r.unit)}" if r.target is not None else "",
            f"≤ {r.target_ratio:g}× baseline" if r.target_ratio is not None else "") if t)
        first = fmt(r.times[0], r.unit) if len(r.times) > 1 else ""
        out.append(f"| {r.what} | {fmt(r.median, r.unit)} | {first} | {base} | {ratio} | "
                   f"{target} | {r.verdict()} | {r.note} |")
    return "\n".join(out)


def timed(work: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


def timed_pair(work: Callable[[], Any], baseline: Callable[[], Any], runs: int
               ) -> tuple[list[float], list[float]]:
    """``work`` and its baseline run by turns, so that both meet the same load on a shared
    machine; the times of each."""
    mine: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):
        mine += timed(work, 1)
        theirs += timed(baseline, 1)
    return mine, theirs
