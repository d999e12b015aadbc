"""The organisation's server as its clients meet it: a real ``supervision-audit serve``
process on 127.0.0.1 in front of a real PostgreSQL, asked over HTTP. The role and scope
of every answer come from the desktop's services; refusals are logged."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import psycopg
import pytest

from supervision_audit.models import Setting
from supervision_audit.server.tokens import KEY_SETTING, TokenClaims, issue
from tests.pg.pg_helpers import create_database, drop_database, libpq_url, running_server
from tests.pg.server_helpers import PASSWORD, Org, seed_organisation


@pytest.fixture(scope="module")
def org(pg_server: str, pg_template: str) -> Iterator[Org]:
    db = create_database(pg_server, pg_template)
    try:
        records = seed_organisation(db)
        with running_server(db) as (base, process):
            yield Org(base, db, process, records)
    finally:
        drop_database(db)


def test_health_answers_without_signing_in(org: Org) -> None:
    answer = org.get("/health")
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"


# (account, staff id of the file) -> may read it: as the policy says (the README's roles)
FILE_MATRIX = [
    ("pat", "P1", True),  # their own file
    ("lucja", "P1", False),  # a colleague's
    ("mia", "P1", True),  # their supervisee's
    ("omar", "P1", False),  # another team's
    ("head", "P1", True),  # below them in the line
    ("head", "P3", True),
    ("admin", "P1", False),  # an administrator reads no records
    ("inspector", "P1", True),  # in the inspector's scope (Assessment)
    ("inspector", "P3", False),  # outside it (Children in Care)
    ("aisha", "P3", True),
    ("aisha", "P1", False),
]


@pytest.mark.parametrize(("username", "staff_id", "allowed"), FILE_MATRIX)
def test_who_may_read_a_file_and_its_records(org: Org, username: str, staff_id: str,
                                             allowed: bool) -> None:
    token = org.token(username)
    listing = org.get(f"/v1/staff/{staff_id}/records", token=token, device="laptop-7")
    record = org.get(f"/v1/records/{org.records[staff_id]}", token=token)
    if allowed:
        assert listing.status_code == 200, listing.text
        assert [r["id"] for r in listing.json()] == [str(org.records[staff_id])]
        assert listing.json()[0]["status"] == "Final"
        assert record.status_code == 200, record.text
        body = record.json()
        assert body["supervisee"] == staff_id and body["final"] is True
        assert {s["role"] for s in body["signed"]} == {"supervisor", "supervisee"}
        assert (username, str(org.records[staff_id])) in [
            (who, subject) for who, subject, _ in org.log("record.open")]
        assert any(who == username and subject == staff_id and "device laptop-7" in detail
                   for who, subject, detail in org.log("file.read"))
    else:
        assert listing.status_code == 403 and record.status_code == 403
        assert "may not read a supervision file" in listing.json()["detail"]
        refusals = [(who, subject) for who, subject, _ in org.log("request.refused")]
        assert (username, f"/v1/staff/{staff_id}/records") in refusals
        assert (username, f"/v1/records/{org.records[staff_id]}") in refusals


def test_the_staff_list_holds_whom_each_may_see(org: Org) -> None:
    def seen(username: str) -> set[str]:
        answer = org.get("/v1/staff", username)
        assert answer.status_code == 200, answer.text
        return {row["staff_id"] for row in answer.json()}

    assert seen("pat") == {"P1"}
    assert seen("mia") == {"M1", "P1", "P2"}
    assert seen("head") == {"S1", "M1", "M2", "P1", "P2", "P3", "P10"}
    assert seen("inspector") == {"M1", "P1", "P2"}  # the Assessment team
    assert {"S1", "P3", "A1"} <= seen("admin")  # names only: files are checked apart


def test_compliance_covers_the_callers_scope(org: Org) -> None:
    answer = org.get("/v1/compliance?as_of=2025-03-01", "mia")
    assert answer.status_code == 200, answer.text
    rows = {row["staff_id"]: row for row in answer.json()}
    assert set(rows) == {"M1", "P1", "P2"}  # her own, and her supervisees'
    assert rows["P1"]["last_completed"] == "2025-02-03"
    assert {row["staff_id"] for row in org.get("/v1/compliance", "pat").json()} <= {"P1"}
    assert org.get("/v1/compliance?as_of=soon", "mia").status_code == 422


def test_no_forged_or_expired_token_or_closed_account_gets_in(org: Org) -> None:
    assert org.get("/v1/staff").status_code == 401  # no token at all
    token = org.token("pat")
    payload, _, mac = token.partition(".")
    forged = f"{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{mac}"
    answer = org.get("/v1/staff", token=forged)
    assert answer.status_code == 401 and "not issued by this server" in answer.json()["detail"]
    with psycopg.connect(libpq_url(org.db)) as conn:
        row = conn.execute("SELECT value FROM setting WHERE key = %s", (KEY_SETTING,)
                           ).fetchone()
        account = conn.execute("SELECT id FROM user_account WHERE username = 'pat'").fetchone()
    assert row is not None and account is not None
    expired = issue(bytes.fromhex(row[0]), TokenClaims(
        account[0], "pat", datetime.now(UTC) - timedelta(seconds=1)))
    answer = org.get("/v1/staff", token=expired)
    assert answer.status_code == 401 and "expired" in answer.json()["detail"]
    # a closed account's token stops working at once
    leaver = org.token("leaver")
    assert org.get("/v1/staff", token=leaver).status_code == 200
    with psycopg.connect(libpq_url(org.db), autocommit=True) as conn:
        conn.execute("UPDATE user_account SET active = false WHERE username = 'leaver'")
    answer = org.get("/v1/staff", token=leaver)
    assert answer.status_code == 401 and "closed" in answer.json()["detail"]
    refusals = org.log("request.refused")
    assert any("not issued by this server" in detail for _, _, detail in refusals)
    assert any("expired" in detail for who, _, detail in refusals if who == "pat")
    assert any("closed" in detail for who, _, detail in refusals if who == "leaver")
    refused = httpx.post(f"{org.base}/v1/auth/token",
                         json={"username": "leaver", "password": PASSWORD})
    assert refused.status_code == 401 and "closed" in refused.json()["detail"]


def test_an_inspector_whose_access_ended_is_refused(org: Org) -> None:
    token = org.token("lapsed")
    with psycopg.connect(libpq_url(org.db), autocommit=True) as conn:
        conn.execute("UPDATE user_account SET inspector_until = %s WHERE username = 'lapsed'",
                     (date.today() - timedelta(days=1),))
    answer = org.get("/v1/staff", token=token)
    assert answer.status_code == 401 and "access has ended" in answer.json()["detail"]


def test_failed_sign_ins_are_logged_and_an_account_waits_after_repeated_failures(
        org: Org) -> None:
    def attempt(password: str) -> httpx.Response:
        return httpx.post(f"{org.base}/v1/auth/token", headers={"X-Device": "kiosk"},
                          json={"username": "backoff", "password": password})

    for _ in range(3):
        answer = attempt("not the password")
        assert answer.status_code == 401
        assert answer.json()["detail"] == "The user name or password is not right."
    answer = attempt(PASSWORD)  # the right password, but too soon
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) >= 1
    failed = [detail for who, _, detail in org.log("sign_in.failed") if who == "backoff"]
    assert len(failed) == 3 and all("wrong password" in d and "device kiosk" in d
                                    for d in failed)
    assert all(PASSWORD not in detail and "not the password" not in detail
               for _, _, detail in org.log("sign_in.failed"))
    assert [who for who, _, _ in org.log("sign_in.too_soon")] == ["backoff"]
    unknown = httpx.post(f"{org.base}/v1/auth/token",
                         json={"username": "nobody", "password": PASSWORD})
    assert unknown.status_code == 401
    assert ("nobody", "", "no such account; from 127.0.0.1") in org.log("sign_in.failed")


def test_a_one_time_password_must_be_changed_before_anything_else(org: Org) -> None:
    answer = httpx.post(f"{org.base}/v1/auth/token",
                        json={"username": "newcomer", "password": PASSWORD})
    assert answer.status_code == 200 and answer.json()["must_change_password"] is True
    first = answer.json()["access_token"]
    refused = org.get("/v1/staff", token=first)
    assert refused.status_code == 403 and "one-time password" in refused.json()["detail"]
    weak = httpx.post(f"{org.base}/v1/auth/password", headers={
        "Authorization": f"Bearer {first}"},
        json={"current_password": PASSWORD, "new_password": "short"})
    assert weak.status_code == 422 and weak.json()["problems"][0]["field"] == "password"
    changed = httpx.post(f"{org.base}/v1/auth/password", headers={
        "Authorization": f"Bearer {first}"},
        json={"current_password": PASSWORD, "new_password": "a new long password"},
        timeout=30)
    assert changed.status_code == 200, changed.text
    assert changed.json()["must_change_password"] is False
    assert org.get("/v1/staff", token=changed.json()["access_token"]).status_code == 200
    assert org.get("/v1/staff", "newcomer", token=org.token(
        "newcomer", "a new long password")).status_code == 200


@pytest.mark.slow
def test_the_server_stops_cleanly_on_sigterm(pg_server: str, pg_template: str) -> None:
    db = create_database(pg_server, pg_template)
    try:
        with running_server(db) as (_base, process):
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
            assert process.stderr is not None
            lines = process.stderr.read()
        assert '"event": "serving"' in lines and "Traceback" not in lines
    finally:
        drop_database(db)


def test_the_token_key_is_made_once_and_kept_in_the_database(org: Org) -> None:
    with psycopg.connect(libpq_url(org.db)) as conn:
        rows = conn.execute("SELECT count(*) FROM setting WHERE key = %s", (KEY_SETTING,)
                            ).fetchone()
    assert rows == (1,)
    assert Setting.__tablename__ == "setting"
