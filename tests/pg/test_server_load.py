"""A bounded load test on loopback: many clients at once signing in to one real
``supervision-audit serve`` process in front of PostgreSQL and reading their own files, for
a bounded time. Every answer must be right (no errors at all), and the server's memory
(resident set, /proc/PID/status) must not keep growing once it has warmed up. The 95th
percentile of answer times is printed, not asserted (timings depend on the machine).

SUPERVISION_AUDIT_LOAD_CLIENTS (default 200) and SUPERVISION_AUDIT_LOAD_SECONDS (default 20;
the issue's full run is 60) size the run; SUPERVISION_AUDIT_LOAD_RSS_MB (default 64) is how
far the server's memory may rise above its warmed-up size."""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from datetime import date
from pathlib import Path

import httpx
import pytest

from supervision_audit.pg.store import open_pg_store
from supervision_audit.security.keyring import KdfParams
from supervision_audit.security.passwords import Costs
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.accounts import Vault, add_account
from supervision_audit.services.staff import StaffInput, save_staff
from tests.conftest import SEED_DAY
from tests.pg.pg_helpers import create_database, drop_database, running_server
from tests.pg.server_helpers import PASSWORD
from tests.record_helpers import signed_record

CLIENTS = int(os.environ.get("SUPERVISION_AUDIT_LOAD_CLIENTS", "200"))
SECONDS = float(os.environ.get("SUPERVISION_AUDIT_LOAD_SECONDS", "20"))
RSS_GROWTH_MB = float(os.environ.get("SUPERVISION_AUDIT_LOAD_RSS_MB", "64"))
WARM_UP = 0.25  # of the run: the server's caches and pools fill; its size is taken after


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


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for process {pid}")


async def _client(base: str, n: int, record: uuid.UUID, until: float,
                  times: list[float], errors: list[str]) -> None:
    """One client: sign in, read the file's listing, open its record; again until ``until``
    (no new request starts after it)."""
    async with httpx.AsyncClient(base_url=base, timeout=120,
                                 headers={"X-Device": f"load-{n}"}) as client:

        async def ask(method: str, path: str, **kwargs: object) -> httpx.Response | None:
            if time.monotonic() >= until:
                return None
            started = time.monotonic()
            try:
                answer = await client.request(method, path, **kwargs)  # type: ignore[arg-type]
            except httpx.HTTPError as exc:
                errors.append(f"{method} {path}: {type(exc).__name__}: {exc}")
                return None
            times.append(time.monotonic() - started)
            if answer.status_code != 200:
                errors.append(f"{method} {path}: {answer.status_code} {answer.text[:200]}")
                return None
            return answer

        while time.monotonic() < until:
            token = await ask("POST", "/v1/auth/token",
                              json={"username": f"load{n}", "password": PASSWORD})
            if token is None:
                continue
            auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
            listing = await ask("GET", f"/v1/staff/L{n}/records", headers=auth)
            if listing is not None and [r["id"] for r in listing.json()] != [str(record)]:
                errors.append(f"file L{n}: {listing.text[:200]}")
            opened = await ask("GET", f"/v1/records/{record}", headers=auth)
            if opened is not None and opened.json()["supervisee"] != f"L{n}":
                errors.append(f"record of L{n}: {opened.text[:200]}")


async def _watch(pid: int, until: float, sizes: list[tuple[float, int]]) -> None:
    while time.monotonic() < until:
        sizes.append((time.monotonic(), _rss_kib(pid)))
        await asyncio.sleep(0.5)
    sizes.append((time.monotonic(), _rss_kib(pid)))


async def _run(base: str, pid: int, records: dict[str, uuid.UUID]
               ) -> tuple[list[float], list[str], list[tuple[float, int]], float]:
    start = time.monotonic()
    until = start + SECONDS
    times: list[float] = []
    errors: list[str] = []
    sizes: list[tuple[float, int]] = []
    await asyncio.gather(_watch(pid, until, sizes), *(
        _client(base, n, records[f"load{n}"], until, times, errors) for n in range(CLIENTS)))
    return times, errors, sizes, start + SECONDS * WARM_UP


@pytest.mark.slow
def test_many_clients_sign_in_and_read_their_files_without_errors_or_growing_memory(
        pg_server: str, pg_template: str, tmp_path: Path) -> None:
    db = create_database(pg_server, pg_template)
    try:
        records = _seed(db, CLIENTS)
        with running_server(db, log_to=tmp_path / "serve.log") as (base, process):
            times, errors, sizes, warmed = asyncio.run(_run(base, process.pid, records))
            assert process.poll() is None, "the server ended under load"
    finally:
        drop_database(db)
    assert errors == [], f"{len(errors)} errors, the first: {errors[:5]}"
    assert len(times) >= CLIENTS, "the clients were answered"
    answered = [json.loads(line) for line in (tmp_path / "serve.log").read_text().splitlines()
                if line.startswith("{") and '"status"' in line]
    assert len(answered) >= len(times) and {a["status"] for a in answered} == {200}
    warm = max(size for at, size in sizes if at <= warmed)
    top = max(size for at, size in sizes if at > warmed)
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95)]
    print(f"\nload: {CLIENTS} clients, {SECONDS:.0f} s, {len(times)} requests, "
          f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms; server RSS "
          f"{warm // 1024} MiB after warm-up, {top // 1024} MiB at most after")
    assert top - warm <= RSS_GROWTH_MB * 1024, (
        f"the server grew from {warm // 1024} MiB to {top // 1024} MiB under steady load")
