"""What people run and feel, for ``benchmarks.run``: the command line end to end (a new
process, signed in from the environment, on the encrypted store), a team manager's scope
beside the director's, and a long session in the window.

The command line's baseline is the same command on a store of one person, made by
``init`` in the benchmark's own folder: what the command costs with no organisation
behind it (Python, the imports, Argon2id, opening a store).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.table import Row, Times, fmt, timed

ROOT = Path(__file__).resolve().parents[1]
TINY_ADMIN = "admin"


@dataclass
class Command:
    what: str
    user: str
    args: list[str]  # after --db
    tiny_args: list[str]  # the same command on the store of one person (as its admin)
    read_only: bool = True  # (its target: within 1.5x of the store of one person)


def children_cpu() -> float:
    """Processor seconds used so far by the child processes this one has waited for."""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(db: Path, user: str, password: str, args: list[str]) -> tuple[float, float, float]:
    """One command in a new process: (wall seconds, its peak memory in MiB, its processor
    seconds)."""
    import tempfile

    env = {**os.environ, "SUPERVISION_AUDIT_USER": user,
           "SUPERVISION_AUDIT_PASSWORD": password}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as folder:
        peak = Path(folder) / "peak.txt"
        started, used = time.perf_counter(), children_cpu()
        result = subprocess.run([sys.executable, "-m", "benchmarks.peak", str(peak),
                                 "supervision_audit", "--db", str(db), *args], cwd=ROOT,
                                env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                timeout=3600)
        took, cpu = time.perf_counter() - started, children_cpu() - used
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}):\n"
                               f"{result.stderr.decode(errors='replace')}")
        return took, float(peak.read_text()), cpu


def tiny_store(folder: Path, password: str) -> Path:
    """A new encrypted store holding its administrator alone."""
    path = folder / "one-person.sqlite"
    if not path.exists():
        env = {**os.environ, "SUPERVISION_AUDIT_PASSWORD": password}
        subprocess.run([sys.executable, "-m", "supervision_audit", "--db", str(path), "init",
                        "--organisation", "One person"], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=600)
    return path


def cli_rows(db: Path, tiny: Path, password: str, commands: list[Command], runs: int,
             forget_memo: Callable[[], None]) -> list[Row]:
    """Each command ``runs`` times after one untimed run (the file in the system's cache),
    beside the same on the store of one person; then the first command once more right
    after the store changed behind the app (its whole-file check runs)."""
    rows: list[Row] = []
    peaks: dict[str, float] = {}
    for command in commands:
        _run(tiny, TINY_ADMIN, password, command.tiny_args)
        base = [_run(tiny, TINY_ADMIN, password, command.tiny_args) for _ in range(runs)]
        warm = _run(db, command.user, password, command.args)
        measured = [_run(db, command.user, password, command.args) for _ in range(runs)]
        peak = max(m[1] for m in measured)
        peaks[f"{command.what}, {command.user}"] = peak
        rows.append(Row(f"command line: {command.what}",
                        Times([warm[0]] + [m[0] for m in measured],
                              [warm[2]] + [m[2] for m in measured]),
                        statistics.median(b[0] for b in base),
                        "the same command on a store of one person",
                        baseline_cpu=statistics.median(b[2] for b in base),
                        target_ratio=1.5 if command.read_only else None,
                        note=f"signed in as {command.user}; a new process each run, "
                             f"Argon2id and all; peak {peak:.0f} MiB"))
    first = commands[0]
    forget_memo()
    changed = _run(db, first.user, password, first.args)
    rows.append(Row(f"command line: {first.what}, the store changed since its last check",
                    Times([changed[0]], [changed[2]]), rows[0].baseline,
                    "the same command on a store of one person",
                    baseline_cpu=rows[0].baseline_cpu,
                    note="once: the whole-file check runs (the sign-in's log entry waits for "
                         "it); the next command does not check again"))
    worst = max(peaks, key=lambda k: peaks[k])
    rows.append(Row("peak memory: the command line", [peaks[worst]], None, "",
                    target=200, unit="MiB", note=f"the largest, {worst}"))
    return rows


def long_session_rows(db: Path, user: str, password: str, files: int) -> list[Row]:
    """The window in a new process: signed in, the dashboard, then ``files`` files opened
    one after another (``benchmarks.long_session``)."""
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.long_session", "--db", str(db), "--user", user,
         "--password", password, "--files", str(files)],
        cwd=ROOT, capture_output=True, text=True, timeout=3600)
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"long_session failed:\n{result.stdout}\n{result.stderr}")
    got: dict[str, Any] = json.loads(lines[-1])
    return [Row(f"memory: the window after the dashboard and {got['files']} files opened",
                [got["rss_after_mib"]], None, "", target=350, unit="MiB",
                note=f"resident memory ({user}); {got['rss_shown_mib']:.0f} MiB once the "
                     f"dashboard showed, peak {got['maxrss_mib']:.0f} MiB; the files took "
                     f"{got['seconds']:.0f} s on the UI thread, painted")]


def team_manager(session: Any, people: int = 15) -> Any:
    """A team manager with ``people`` people below them (or the nearest number), as the
    services see someone signed in (no account needed: scope comes from the line)."""
    from sqlalchemy import func
    from sqlmodel import select

    from supervision_audit.models import Staff
    from supervision_audit.services.access import Actor

    counts = session.exec(select(Staff.supervisor_id, func.count()).where(
        Staff.supervisor_id != None).group_by(Staff.supervisor_id)).all()  # noqa: E711
    managers = {person.id: person for person in session.exec(select(Staff).where(
        Staff.role == "team_manager"))}
    boss, _n = min(((b, n) for b, n in counts if b in managers),
                   key=lambda bn: (abs(bn[1] - people), managers[bn[0]].staff_id))
    person = managers[boss]
    return Actor(username=person.staff_id.lower(), staff_id=person.id, name=person.name,
                 staff_role=person.role)


def scope_rows(director: Any, month: str, runs: int, work: Path, people: int = 15
               ) -> list[Row]:
    """Compliance, the dashboard and the monthly return for a team manager of ``people``
    people beside the director (the whole organisation)."""
    from datetime import date

    from supervision_audit.services.compliance import compliance_for
    from supervision_audit.services.dashboard import build
    from supervision_audit.services.monthly_return import build_monthly_return

    today = date.today()
    rows: list[Row] = []
    with director.store.read() as session:
        manager = team_manager(session, people)
        sizes = {actor.username: len(compliance_for(session, actor, today))
                 for actor in (director.actor, manager)}

    def measure(actor: Any, what: str, work_fn: Callable[[Any, Any], Any], n: int,
                write: bool = False) -> list[float]:
        def one() -> Any:
            with (director.store.write() if write else director.store.read()) as session:
                return work_fn(session, actor)
        return timed(one, n)

    for what, fn, n, write, target in (
            ("compliance (compliance_for)",
             lambda s, a: compliance_for(s, a, today), runs + 1, False, 0.02),
            ("dashboard (dashboard.build)", lambda s, a: build(s, a, today), runs + 1, False,
             None),
            (f"monthly return {month}", lambda s, a: build_monthly_return(
                s, a, month, work / f"return-{a.username}.xlsx"), 2, True, None)):
        whole = measure(director.actor, what, fn, n, write)
        team = measure(manager, what, fn, n, write)
        rows.append(Row(f"{what}: team manager, {sizes[manager.username]} people",
                        team, statistics.median(whole[1:] or whole),
                        f"the director, {sizes[director.actor.username]} people",
                        target=target, note="worked out for their own people, named in the "
                                            "queries (services/scope.py)"))
    return rows


__all__ = ["Command", "cli_rows", "fmt", "long_session_rows", "scope_rows", "team_manager",
           "tiny_store"]
