"""The tests' small organisation on a real server: its accounts, two signed records, and a
client for the running ``supervision-audit serve`` process (shared by the server's test
modules)."""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import psycopg

from supervision_audit.pg.store import open_pg_store
from supervision_audit.security.keyring import KdfParams
from supervision_audit.security.passwords import Costs
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.accounts import Vault, account_named, add_account, grant_inspector
from supervision_audit.services.staff import StaffInput, save_staff
from tests.conftest import ORGANISATION, SEED_DAY
from tests.pg.pg_helpers import libpq_url
from tests.record_helpers import signed_record

PASSWORD = "correct horse battery"
NO_VAULT = Vault(Path(), None)


@dataclass
class Org:
    base: str
    db: str
    process: subprocess.Popen[str]
    records: dict[str, uuid.UUID]  # staff id -> a signed record on their file

    def token(self, username: str, password: str = PASSWORD) -> str:
        answer = httpx.post(f"{self.base}/v1/auth/token",
                            json={"username": username, "password": password})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    def get(self, path: str, username: str | None = None, *, token: str | None = None,
            device: str = "") -> httpx.Response:
        headers = {"X-Device": device} if device else {}
        if username or token:
            headers["Authorization"] = f"Bearer {token or self.token(username or '')}"
        return httpx.get(f"{self.base}{path}", headers=headers, timeout=30)

    def log(self, action: str) -> list[tuple[str, str, str]]:
        with psycopg.connect(libpq_url(self.db)) as conn:
            return conn.execute(  # type: ignore[return-value]
                "SELECT actor_username, subject_id, detail FROM event_log WHERE action = %s "
                "ORDER BY seq", (action,)).fetchall()


def seed_organisation(db: str) -> dict[str, uuid.UUID]:
    """The tests' small organisation, its accounts and a signed record on two files."""
    saved = Costs.kdf
    Costs.kdf = KdfParams(time_cost=1, memory_cost=8, parallelism=1)
    store = open_pg_store(db)
    try:
        with store.write() as s:
            ids = {}
            for staff_id, name, title, team, role, boss, start, asye in ORGANISATION:
                ids[staff_id] = save_staff(s, SYSTEM_ACTOR, StaffInput(
                    staff_id, name, title, team=team, role=role, supervisor_staff_id=boss,
                    employment_start=start, asye_start=asye), today=SEED_DAY).id
            for staff_id, title in (("A1", "Administrator"), ("I1", "Inspector"),
                                    ("I2", "Inspector"), ("X1", "Leaver")):
                ids[staff_id] = save_staff(s, SYSTEM_ACTOR, StaffInput(
                    staff_id, title, title, role="other"), today=SEED_DAY).id
            add_account(s, NO_VAULT, ids["A1"], "admin", PASSWORD, is_admin=True)
            for username, staff_id in (("head", "S1"), ("mia", "M1"), ("omar", "M2"),
                                       ("pat", "P1"), ("lucja", "P2"), ("aisha", "P3"),
                                       ("backoff", "P10"), ("leaver", "X1"),
                                       ("newcomer", "P10")):
                add_account(s, NO_VAULT, ids[staff_id], username, PASSWORD)
            grant_inspector(s, SYSTEM_ACTOR, NO_VAULT, ids["I1"], "inspector", PASSWORD,
                            until=date.today() + timedelta(days=30),
                            team_names=["Assessment"])
            grant_inspector(s, SYSTEM_ACTOR, NO_VAULT, ids["I2"], "lapsed", PASSWORD,
                            until=date.today() + timedelta(days=30))
            records = {sid: signed_record(s, sid, date(2025, 2, 3)).id for sid in ("P1", "P3")}
        with store.write() as s:
            newcomer = account_named(s, "newcomer")
            assert newcomer is not None
            newcomer.must_change_password = True
        return records
    finally:
        store.close()
        Costs.kdf = saved
