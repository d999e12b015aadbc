"""A bounded load test on loopback: many clients at once signing in to one real
``supervision-audit serve`` (its worker processes) in front of PostgreSQL and reading their
own files, for a bounded time, each asking again as soon as answered. Every answer must be
right (no errors at all), every sign-in and read answered must be in the organisation's log
with the chain unbroken, and the server's memory (resident set of its processes,
/proc/PID/status) must not keep growing once it has warmed up. First, as a baseline in the
same run, the same clients ask /health (one query, no log). Answer times are printed, not
asserted (timings depend on the machine and what else runs on it).

SUPERVISION_AUDIT_LOAD_CLIENTS (default 200), SUPERVISION_AUDIT_LOAD_SECONDS (default 20;
the issue's full run is 60) and SUPERVISION_AUDIT_LOAD_WORKERS (default 2, ``serve
--workers``) size the run; SUPERVISION_AUDIT_LOAD_RSS_MB (default 64) is how far the
server's memory may rise above its warmed-up size."""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import psycopg
import pytest

from supervision_audit.pg.store import open_pg_store
from supervision_audit.security.keyring import KdfParams
from supervision_audit.security.passwords import Costs
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.accounts import Vault, add_account
from supervision_audit.services.events import verify_chain
from supervision_audit.services.staff import StaffInput, save_staff
from tests.conftest import SEED_DAY
from tests.pg.pg_helpers import create_database, drop_database, libpq_url, running_server
from tests.pg.server_helpers import PASSWORD
from tests.record_helpers import signed_record

CLIENTS = int(os.environ.get("SUPERVISION_AUDIT_LOAD_CLIENTS", "200"))
SECONDS = float(os.environ.get("SUPERVISION_AUDIT_LOAD_SECONDS", "20"))
RSS_GROWTH_MB = float(os.environ.get("SUPERVISION_AUDIT_LOAD_RSS_MB", "64"))
WORKERS = int(os.environ.get("SUPERVISION_AUDIT_LOAD_WORKERS", "2"))
BASELINE_SECONDS = min(10.0, SECONDS / 2)
WARM_UP = 0.25  # of the run: the server's caches and pools fill; its size is taken after
# one TLS context for every client: httpx makes one per client otherwise, loading the
# system's certificates each time (23 ms of processor time each, 5 s for 200 clients,
# spent in the same process that times the answers)
CONTEXT = ssl.create_default_context()
Times = dict[str, list[float]]  # seconds per answer, by what was asked


def _seed(db: str, clients: int) -> dict[str, uuid.UUID]:
    """A team manager and ``clients`` practitioners, each with an account and one signed
    record on their file; username -> that record's id."""
    saved = Costs.kdf
    Costs.kdf = KdfParams(time_cost=1, memory_cost=8, parallelism=1)
    store = open_pg_store(db)
    try:
        with store.write() as s:
            save_staff(s, SYSTEM_ACTOR, StaffInput("LM", "Load Manager", "Team Manager",
                                                   team="Load", role="team_manager"),
                       today=SEED_DAY)
            records = {}
            for n in range(clients):
                person = save_staff(s, SYSTEM_ACTOR, StaffInput(
                    f"L{n}", f"Load Worker {n}", "Social Worker", team="Load",
                    role="practitioner", supervisor_staff_id="LM"), today=SEED_DAY)
                add_account(s, Vault(Path(), None), person.id, f"load{n}", PASSWORD)
                records[f"load{n}"] = signed_record(s, f"L{n}", date(2025, 2, 3)).id
        return records
    finally:
        store.close()
        Costs.kdf = saved


def _tree(pid: int) -> list[int]:
    """The server process and its worker processes."""
    found = [pid]
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in children.read_text().split():
            found += _tree(int(child))
    return found


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for process {pid}")


def _rss_kib(pid: int) -> int:
    """The resident memory of the server and its workers together."""
    return sum(_status(p, "VmRSS") for p in _tree(pid))


def _cpu_seconds(pid: int) -> float:
    total = 0
    for p in _tree(pid):
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


async def _client(base: str, n: int, record: uuid.UUID, until: float,
                  times: Times, errors: list[str]) -> None:
    """One client: sign in, read the file's listing, open its record; again until ``until``
    (no new request starts after it)."""
    async with httpx.AsyncClient(base_url=base, timeout=120, verify=CONTEXT,
                                 headers={"X-Device": f"load-{n}"}) as client:

        async def ask(kind: str, method: str, path: str, **kwargs: object
                      ) -> httpx.Response | None:
            if time.monotonic() >= until:
                return None
            started = time.monotonic()
            try:
                answer = await client.request(method, path, **kwargs)  # type: ignore[arg-type]
            except httpx.HTTPError as exc:
                errors.append(f"{method} {path}: {type(exc).__name__}: {exc}")
                return None
            times.setdefault(kind, []).append(time.monotonic() - started)
            if answer.status_code != 200:
                errors.append(f"{method} {path}: {answer.status_code} {answer.text[:200]}")
                return None
            return answer

        while time.monotonic() < until:
            token = await ask("sign_in", "POST", "/v1/auth/token",
                              json={"username": f"load{n}", "password": PASSWORD})
            if token is None:
                continue
            auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
            listing = await ask("file.read", "GET", f"/v1/staff/L{n}/records", headers=auth)
            if listing is not None and [r["id"] for r in listing.json()] != [str(record)]:
                errors.append(f"file L{n}: {listing.text[:200]}")
            opened = await ask("record.open", "GET", f"/v1/records/{record}", headers=auth)
            if opened is not None and opened.json()["supervisee"] != f"L{n}":
                errors.append(f"record of L{n}: {opened.text[:200]}")


async def _health(base: str, until: float, times: Times, errors: list[str]) -> None:
    """The baseline: one client asking /health (one query) again and again."""
    async with httpx.AsyncClient(base_url=base, timeout=120, verify=CONTEXT) as client:
        while time.monotonic() < until:
            started = time.monotonic()
            answer = await client.get("/health")
            times.setdefault("health", []).append(time.monotonic() - started)
            if answer.status_code != 200:
                errors.append(f"/health: {answer.status_code}")


async def _watch(pid: int, until: float, sizes: list[tuple[float, int]]) -> None:
    while time.monotonic() < until:
        sizes.append((time.monotonic(), _rss_kib(pid)))
        await asyncio.sleep(0.5)
    sizes.append((time.monotonic(), _rss_kib(pid)))


@dataclass
class Run:
    times: Times
    errors: list[str]
    sizes: list[tuple[float, int]]
    warmed: float  # when the warm-up ended
    seconds: float  # how long it took
    cpu: float  # the server's processor seconds in it

    def line(self, what: str) -> str:
        answers = sorted(t for kind in self.times.values() for t in kind)
        kinds = ", ".join(f"{kind} p95 {_p95(times) * 1000:.0f} ms"
                          for kind, times in sorted(self.times.items()) if kind != "health")
        p50 = answers[len(answers) // 2]
        return (f"{what}: {len(answers)} answers in {self.seconds:.0f} s "
                f"({len(answers) / self.seconds:.0f}/s), p50 {p50 * 1000:.0f} ms, "
                f"p95 {_p95(answers) * 1000:.0f} ms, max {answers[-1] * 1000:.0f} ms"
                + (f" ({kinds})" if kinds else "")
                + f"; server processor {self.cpu:.1f} s "
                  f"({self.cpu / max(1, len(answers)) * 1000:.1f} ms an answer)")


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[int(len(ordered) * 0.95)]


async def _phase(base: str, pid: int, seconds: float,
                 records: dict[str, uuid.UUID] | None) -> Run:
    start, cpu = time.monotonic(), _cpu_seconds(pid)
    until = start + seconds
    times: Times = {}
    errors: list[str] = []
    sizes: list[tuple[float, int]] = []
    await asyncio.gather(_watch(pid, until, sizes), *(
        _client(base, n, records[f"load{n}"], until, times, errors) if records else
        _health(base, until, times, errors) for n in range(CLIENTS)))
    return Run(times, errors, sizes, start + seconds * WARM_UP, time.monotonic() - start,
               _cpu_seconds(pid) - cpu)


@pytest.mark.slow
def test_many_clients_sign_in_and_read_their_files_without_errors_or_growing_memory(
        pg_server: str, pg_template: str, tmp_path: Path) -> None:
    db = create_database(pg_server, pg_template)
    try:
        records = _seed(db, CLIENTS)
        with running_server(db, "--workers", str(WORKERS), log_to=tmp_path / "serve.log"
                            ) as (base, process):
            baseline = asyncio.run(_phase(base, process.pid, BASELINE_SECONDS, None))
            run = asyncio.run(_phase(base, process.pid, SECONDS, records))
            assert process.poll() is None, "the server ended under load"
        with psycopg.connect(libpq_url(db)) as conn:
            logged = dict(conn.execute(  # type: ignore[arg-type]
                "SELECT action, count(*) FROM event_log WHERE actor_username LIKE 'load%%' "
                "GROUP BY action").fetchall())
            chain = open_pg_store(db, upgrade=False)
            with chain.read() as session:
                intact = verify_chain(session).intact
            chain.close()
    finally:
        drop_database(db)
    assert baseline.errors == [] and run.errors == [], \
        f"{len(run.errors)} errors, the first: {run.errors[:5]}"
    assert len(run.times.get("file.read", [])) >= CLIENTS, "the clients were answered"
    answered = [json.loads(line) for line in (tmp_path / "serve.log").read_text().splitlines()
                if line.startswith("{") and '"status"' in line]
    assert {a["status"] for a in answered} == {200}
    # every sign-in and read answered is in the organisation's log, which is unbroken
    assert {kind: len(times) for kind, times in run.times.items()} == logged
    assert intact
    warm = max(size for at, size in run.sizes if at <= run.warmed)
    top = max(size for at, size in run.sizes if at > run.warmed)
    print(f"\nload: {CLIENTS} clients against {WORKERS} server process(es), load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} processors\n"
          + baseline.line(f"baseline, GET /health for {BASELINE_SECONDS:.0f} s") + "\n"
          + run.line(f"sign in, list the file, open its record for {SECONDS:.0f} s") + "\n"
          + f"server RSS {warm // 1024} MiB after warm-up, {top // 1024} MiB at most after")
    assert top - warm <= RSS_GROWTH_MB * 1024, (
        f"the server grew from {warm // 1024} MiB to {top // 1024} MiB under steady load")
