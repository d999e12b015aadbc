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


class Times(list):  # type: ignore[type-arg]
    """Wall-clock seconds of each run, the first first; ``cpu``: the processor time the
    same runs took (this process's, or the child's for a new process)."""

    def __init__(self, wall: list[float], cpu: list[float] | None = None) -> None:
        super().__init__(wall)
        self.cpu = cpu


def later(times: list[float]) -> float:
    """The median of the runs after the first (the first reads the file into the caches)."""
    return statistics.median(times[1:] or times)


def later_cpu(times: list[float]) -> float | None:
    cpu = getattr(times, "cpu", None)
    return later(cpu) if cpu else None


@dataclass
class Row:
    what: str
    times: list[float]  # seconds; the first run first (a Times: with processor time too)
    baseline: float | None = None  # seconds
    baseline_what: str = ""
    target: float | None = None  # seconds, an absolute limit
    target_ratio: float | None = None  # times the baseline
    note: str = ""
    unit: str = "s"
    baseline_cpu: float | None = None  # the baseline's processor time

    @property
    def median(self) -> float:
        return later(self.times)

    @property
    def cpu(self) -> float | None:
        return later_cpu(self.times) if self.unit == "s" else None

    def ratio(self) -> float | None:
        """Against the baseline: by processor time when both have it (on a shared, loaded
        machine a short task waits for a processor far less often than a longer one, so
        wall-clock ratios of short tasks say more about the load than about the code)."""
        if self.cpu is not None and self.baseline_cpu:
            return self.cpu / self.baseline_cpu
        return self.median / self.baseline if self.baseline else None

    def verdict(self) -> str:
        if self.target is None and self.target_ratio is None:
            return ""
        ok = self.target is None or self.median <= self.target
        ratio = self.ratio()
        if self.target_ratio is not None and ratio is not None:
            ok = ok and ratio <= self.target_ratio
        return "yes" if ok else "**NO**"


def fmt(seconds: float | None, unit: str = "s") -> str:
    if seconds is None:
        return ""
    if unit == "MiB":
        return f"{seconds:.0f} MiB"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def table(rows: list[Row]) -> str:
    out = ["| operation | median | its CPU | first run | baseline (CPU) | × baseline | target "
           "| met | note |", "|---|---:|---:|---:|---|---:|---|---|---|"]
    for r in rows:
        ratio = r.ratio()
        shown = f"{ratio:.1f}×" + (" (CPU)" if r.cpu is not None and r.baseline_cpu else "") \
            if ratio is not None else ""
        cpu = f" ({fmt(r.baseline_cpu)})" if r.baseline_cpu is not None else ""
        base = f"{fmt(r.baseline, r.unit)}{cpu}, {r.baseline_what}" if r.baseline is not None \
            else r.baseline_what
        target = " and ".join(t for t in (
            f"< {fmt(r.target, r.unit)}" if r.target is not None else "",
            f"≤ {r.target_ratio:g}× baseline" if r.target_ratio is not None else "") if t)
        first = fmt(r.times[0], r.unit) if len(r.times) > 1 else ""
        out.append(f"| {r.what} | {fmt(r.median, r.unit)} | {fmt(r.cpu)} | {first} | {base} | "
                   f"{shown} | {target} | {r.verdict()} | {r.note} |")
    return "\n".join(out)


def timed(work: Callable[[], Any], runs: int) -> Times:
    wall, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return Times(wall, cpu)


def timed_pair(work: Callable[[], Any], baseline: Callable[[], Any], runs: int
               ) -> tuple[Times, Times]:
    """``work`` and its baseline run by turns, so that both meet the same load on a shared
    machine; the times of each."""
    mine, theirs = Times([], []), Times([], [])
    for _ in range(runs):
        for into, fn in ((mine, work), (theirs, baseline)):
            one = timed(fn, 1)
            into += one
            into.cpu += one.cpu  # type: ignore[operator]
    return mine, theirs
