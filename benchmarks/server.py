"""The organisation's server beside the standalone store, in the same run: the organisation
moved into PostgreSQL, and its compliance, dashboard and monthly return computed on the
server's database, each beside the same on the SQLite store.

    python -m benchmarks.server --db e2000.sqlite --database postgresql://postgres@127.0.0.1:5432/bench

``--database`` names an empty database (it is given the schema, then the store is moved
in). Moving in is timed beside the same ``move_in`` into a new, empty SQLite store; each
report is timed on the store it came from and on the server's database, as the same
director, the runs of the two taking turns so that both meet the same load. Compliance is
also timed over HTTP from a running ``serve`` (signed in as the director), as a laptop
would ask for it. Processor time is this process's; PostgreSQL's own (its server processes
for this database, when it runs on this machine) is given beside it, since the queries'
work is done there.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.run import PASSWORD, private_folders
from benchmarks.table import fmt

ROOT = Path(__file__).resolve().parents[1]
Measure = tuple[float, float, float | None]  # wall, this process's CPU, PostgreSQL's CPU


class PgClock:
    """The processor time of a local PostgreSQL server's processes (the postmaster's and
    its children's), read from /proc; None when the server is not on this machine."""

    def __init__(self, store: Any) -> None:
        from sqlalchemy import text

        with store.engine.connect() as conn:
            backend = int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
        stat = Path(f"/proc/{backend}/stat")
        self.postmaster = int(stat.read_text().rsplit(")", 1)[1].split()[1]) \
            if stat.exists() else None

    def _tree(self, pid: int) -> list[int]:
        found = [pid]
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            for child in children.read_text().split():
                found += self._tree(int(child))
        return found

    def seconds(self) -> float | None:
        if self.postmaster is None:
            return None
        total = 0
        for pid in self._tree(self.postmaster):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a backend that ended meanwhile
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(work: Callable[[], Any], clock: PgClock | None, server: int | None = None
            ) -> Measure:
    """Wall and processor time of ``work`` (this process's, and the ``server`` process's
    when it is given), with PostgreSQL's beside them."""
    pg = clock.seconds() if clock else None
    theirs = process_seconds(server) if server else 0.0
    started, used = time.perf_counter(), time.process_time()
    work()
    wall, cpu = time.perf_counter() - started, time.process_time() - used
    cpu += (process_seconds(server) - theirs) if server else 0.0
    after = clock.seconds() if clock else None
    return wall, cpu, (after - pg) if pg is not None and after is not None else None


def median(runs: list[Measure]) -> Measure:
    """The median of each column over the runs after the first (which fills the caches)."""
    later = runs[1:] or runs
    pg = [r[2] for r in later if r[2] is not None]
    return (statistics.median(r[0] for r in later), statistics.median(r[1] for r in later),
            statistics.median(pg) if pg else None)


def cell(m: Measure) -> str:
    pg = f", PostgreSQL {fmt(m[2])}" if m[2] is not None else ""
    return f"{fmt(m[0])} ({fmt(m[1])} CPU{pg})"


def move_in_both(db: Path, url: str, work: Path) -> tuple[Measure, Measure, Any, Any]:
    """The store moved into the server's database and into a new SQLite store; the times
    and the two reports."""
    from supervision_audit.db import open_store
    from supervision_audit.pg.move_in import move_in
    from supervision_audit.pg.store import open_pg_store
    from supervision_audit.services.signin import sign_in

    opened = sign_in(db, "admin", PASSWORD)
    opened.store.wait_for_check()
    target = open_pg_store(url)
    copy = open_store(work / "moved-in.sqlite")
    try:
        clock = PgClock(target)
        reports: dict[str, Any] = {}

        def into(name: str, store: Any) -> Callable[[], None]:
            def go() -> None:
                with opened.store.read() as read, store.write() as write:
                    reports[name] = move_in(read, write, db.name, opened.actor.who)
            return go

        sqlite = measure(into("sqlite", copy), None)
        print(f"  moved into SQLite: {cell(sqlite)}", file=sys.stderr, flush=True)
        pg = measure(into("pg", target), clock)
        print(f"  moved into PostgreSQL: {cell(pg)}", file=sys.stderr, flush=True)
    finally:
        copy.close()
        target.close()
        opened.store.close()
    return sqlite, pg, reports["sqlite"], reports["pg"]


@contextmanager
def serving(url: str) -> Iterator[tuple[str, int]]:
    """``supervision-audit serve`` on the database, on a free port of 127.0.0.1."""
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    keys = Path(os.environ["HOME"]) / "log.key"
    process = subprocess.Popen(
        [sys.executable, "-m", "supervision_audit", "serve", "--database", url, "--port",
         str(port), "--log-key", str(keys)], cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1200):
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def reports_both(db: Path, url: str, runs: int, work: Path
                 ) -> list[tuple[str, Measure, Measure]]:
    """Compliance, the dashboard and the monthly return for the director, on the store and
    on the server's database, their runs taking turns; and compliance over HTTP."""
    import httpx

    from supervision_audit.pg.store import open_pg_store
    from supervision_audit.services.access import actor_for
    from supervision_audit.services.accounts import account_named
    from supervision_audit.services.compliance import compliance_for
    from supervision_audit.services.dashboard import build
    from supervision_audit.services.monthly_return import build_monthly_return
    from supervision_audit.services.signin import sign_in

    opened = sign_in(db, "director", PASSWORD)
    opened.store.wait_for_check()
    server = open_pg_store(url, upgrade=False)
    clock = PgClock(server)
    with server.read() as session:
        account = account_named(session, "director")
        assert account is not None
        server_actor = actor_for(session, account)
    today = date.today()
    month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    n = 0

    def on(store: Any, actor: Any, what: str) -> Callable[[], Any]:
        def go() -> Any:
            nonlocal n
            n += 1
            if what == "monthly return (director)":
                with store.write() as session:
                    return build_monthly_return(session, actor, month,
                                                work / f"return-{n}.xlsx")
            with store.read() as session:
                if what.startswith("compliance"):
                    return compliance_for(session, actor, today)
                return build(session, actor, today)
        return go

    out = []
    try:
        for what, times in (("compliance, whole organisation", runs + 1),
                            ("dashboard, whole organisation", runs + 1),
                            ("monthly return (director)", 3)):
            sqlite, pg = [], []
            for _ in range(times):
                sqlite.append(measure(on(opened.store, opened.actor, what), None))
                pg.append(measure(on(server, server_actor, what), clock))
            out.append((what, median(sqlite), median(pg)))
            print(f"  {what}: SQLite {cell(out[-1][1])}, PostgreSQL {cell(out[-1][2])}",
                  file=sys.stderr, flush=True)
        with serving(url) as (base, pid):
            token = httpx.post(f"{base}/v1/auth/token", json={
                "username": "director", "password": PASSWORD}, timeout=300).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            sqlite, http = [], []
            for _ in range(runs + 1):
                sqlite.append(measure(on(opened.store, opened.actor, "compliance"), None))
                http.append(measure(lambda: httpx.get(
                    f"{base}/v1/compliance", headers=headers, timeout=600
                ).raise_for_status(), clock, pid))
            out.append(("compliance over HTTP (GET /v1/compliance, JSON; CPU: the client's "
                        "and the server process's)", median(sqlite),
                        median(http)))
            print(f"  compliance over HTTP: {cell(out[-1][2])}", file=sys.stderr, flush=True)
    finally:
        server.close()
        opened.store.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.server",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path, help="the standalone store")
    parser.add_argument("--database", required=True, metavar="URL",
                        help="an empty PostgreSQL database to move it into")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--moved", action="store_true",
                        help="the store was moved in already (by an earlier run): time only "
                             "the reports")
    args = parser.parse_args(argv)
    private = private_folders()
    work = private / "out"
    work.mkdir()
    load = os.getloadavg()
    started = time.perf_counter()
    moved = None if args.moved else move_in_both(args.db, args.database, work)
    rows = reports_both(args.db, args.database, args.runs, work)
    print(f"\n{platform.node()} ({os.cpu_count()} processors), load average {load[0]:.1f} "
          f"at the start, {os.getloadavg()[0]:.1f} at the end; {args.db.name}; "
          f"{time.perf_counter() - started:.0f} s in all\n")
    print("| figure | SQLite store | PostgreSQL (the server's database) | × (wall) |")
    print("|---|---:|---:|---:|")
    if moved is not None:
        sqlite, pg, moved_sqlite, moved_pg = moved
        rows_moved = sum(moved_pg.rows.values())
        assert sum(moved_sqlite.rows.values()) == rows_moved, "both moved the same rows"
        print(f"| moved in: {rows_moved:,} rows, {moved_pg.log_entries:,} log entries, "
              f"{moved_pg.signatures_checked:,} signatures checked | {cell(sqlite)} | "
              f"{cell(pg)} | {pg[0] / sqlite[0]:.1f} |")
    for what, on_sqlite, on_pg in rows:
        print(f"| {what} | {cell(on_sqlite)} | {cell(on_pg)} | "
              f"{on_pg[0] / on_sqlite[0]:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
