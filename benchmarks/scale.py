"""How the app grows with the organisation: the same figures on several stores, one table.

    python -m benchmarks.scale --db s2000.sqlite --db s6000.sqlite --db s20000.sqlite

For each store (made by ``benchmarks.generate --staff N``): the cold start to the window,
compliance, the dashboard and the monthly return for the director (the whole
organisation) and for a team manager of 15 people (the same size in every store: their
figures should not grow), one file opened (its data), and two commands end to
end (``list-records`` for one file, ``compliance --json`` for everyone) with the command
line's peak memory. Each cell is a median (the first run left out), with the processor
time of the same runs beside it; the last columns say how each figure grew from the
smallest store (by processor time where it is known: on a shared, loaded machine it moves
far less than the wall clock) against how the staff grew.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.run import PASSWORD, cold_starts, pick_subjects, private_folders, reading
from benchmarks.table import Times, fmt, later, later_cpu, timed
from benchmarks.user_runs import _run, team_manager

FIGURES = ("cold start to the window", "compliance, whole organisation",
           "compliance, a team manager of 15", "dashboard, whole organisation",
           "dashboard, a team manager of 15", "monthly return (director)",
           "monthly return, a team manager of 15", "open one file (data)",
           "command line: list-records, one file", "command line: compliance --json",
           "command line: peak memory")


def _staff(store: Any) -> int:
    with store.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM staff").scalar_one())


def measure(db: Path, runs: int, work: Path) -> dict[str, tuple[float, float | None]]:
    """Each figure as (wall-clock median, processor-time median)."""
    from supervision_audit.services.compliance import compliance_for
    from supervision_audit.services.dashboard import build
    from supervision_audit.services.monthly_return import build_monthly_return
    from supervision_audit.services.records import records_of
    from supervision_audit.services.sessions import monitoring_sheet
    from supervision_audit.ui.file.file_data import load_file

    median = statistics.median
    out: dict[str, tuple[float, float | None]] = {}
    app, _bare = cold_starts(db, runs, "director")
    out[FIGURES[0]] = (median(s["total_s"] for s in app), None)
    subjects = pick_subjects(db)
    director, manager = subjects.director, subjects.manager
    for opened in (director, manager):
        opened.store.wait_for_check()
    out["staff"] = (_staff(director.store), None)
    today = date.today()

    def both(times: list[float]) -> tuple[float, float | None]:
        return later(times), later_cpu(times)

    def read(opened: Any, work_fn: Any) -> Any:
        def one() -> Any:
            with reading(opened) as session:
                return work_fn(session)
        return one

    with reading(director) as session:
        team = team_manager(session, 15)
    for boss, (compliance_at, dashboard_at) in ((director.actor, (1, 3)), (team, (2, 4))):
        out[FIGURES[compliance_at]] = both(timed(read(director, lambda s, a=boss: compliance_for(
            s, a, today)), runs + 1))
        out[FIGURES[dashboard_at]] = both(timed(read(director, lambda s, a=boss: build(
            s, a, today)), runs + 1))
    month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")

    def monthly(actor: Any) -> Any:
        with director.store.write() as session:
            return build_monthly_return(session, actor, month,
                                        work / f"return-{db.stem}-{actor.username}.xlsx")

    out[FIGURES[5]] = both(timed(lambda: monthly(director.actor), 2))
    out[FIGURES[6]] = both(timed(lambda: monthly(team), runs + 1))

    def open_file(session: Any) -> Any:
        load_file(session, manager.actor, subjects.person)
        monitoring_sheet(session, manager.actor, subjects.person)
        return records_of(session, manager.actor, subjects.person)

    out[FIGURES[7]] = both(timed(read(manager, open_file), runs * 3 + 1))
    for opened in (director, manager):
        opened.store.close()
    person = subjects.person_staff_id
    listing = [_run(db, "manager", PASSWORD, ["list-records", "--staff", person])
               for _ in range(runs + 1)]
    everyone = [_run(db, "director", PASSWORD, ["compliance", "--json"])
                for _ in range(runs + 1)]
    for figure, runs_of in ((FIGURES[8], listing), (FIGURES[9], everyone)):
        out[figure] = both(Times([t for t, _, _ in runs_of], [c for _, _, c in runs_of]))
    out[FIGURES[10]] = (max(peak for _, peak, _ in listing + everyone), None)
    return out


def table(results: list[dict[str, tuple[float, float | None]]]) -> str:
    sizes = [int(r["staff"][0]) for r in results]
    head = "| figure | " + " | ".join(f"{n:,} staff" for n in sizes)
    growth = [f"× at {n:,} (staff ×{n / sizes[0]:.0f})" for n in sizes[1:]]
    lines = [head + "".join(f" | {g}" for g in growth) + " |",
             "|---|" + "---:|" * (len(sizes) + len(growth))]
    for figure in FIGURES:
        unit = "MiB" if "memory" in figure else "s"
        cells = [fmt(r[figure][0], unit) + (f" ({fmt(r[figure][1])} CPU)"
                                             if r[figure][1] is not None else "")
                 for r in results]
        key = 1 if all(r[figure][1] for r in results) else 0  # grown by CPU when known
        grew = [f"{r[figure][key] / results[0][figure][key]:.1f}"  # type: ignore[operator]
                for r in results[1:]]
        lines.append(f"| {figure} | " + " | ".join(cells + grew) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path, action="append",
                        help="a store (give several, smallest first)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    private = private_folders()
    work = private / "out"
    work.mkdir()
    started = time.perf_counter()
    load = os.getloadavg()
    results = []
    for db in args.db:
        print(f"measuring {db} ...", file=sys.stderr, flush=True)
        results.append(measure(db.resolve(), max(1, args.runs), work))
        print(f"  {results[-1]}", file=sys.stderr, flush=True)
    print(f"\nSupervision Audit at scale, {date.today().isoformat()}, {platform.node()}: "
          f"{os.cpu_count()} cores, Python {platform.python_version()}; medians of "
          f"{args.runs} runs after a first; took {time.perf_counter() - started:.0f} s; load "
          f"average {load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
