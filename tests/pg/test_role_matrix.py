"""The role matrix over real HTTP: every role against every action, asked of one real
``supervision-audit serve`` process in front of PostgreSQL, answered as the services (the
policy's roles, README "Who may do what") say; and every refusal found in the
organisation's log (who, what, from which device).

The small organisation (tests/conftest.py ``ORGANISATION``): Sam Head (S1) above the two
team managers, Mia (M1, Assessment: Pat P1 and Łucja P2) and Omar (M2, Children in Care:
Aisha P3 and Ben P10); an administrator (A1); an inspector granted the Assessment team
(I1); an inspector whose grant has ended (I2); a leaver whose account is closed (X1)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import psycopg
import pytest

from supervision_audit.server.tokens import KEY_SETTING, TokenClaims, issue
from tests.pg.pg_helpers import create_database, drop_database, libpq_url, running_server
from tests.pg.server_helpers import Org, seed_organisation

# the actions: what each asks of the server, by the role's own staff id where it says "own"
ACTIONS = {
    "own file": "/v1/staff/{own}/records",
    "Assessment file": "/v1/staff/P1/records",  # Mia's supervisee; below Sam; I1's scope
    "a team manager's file": "/v1/staff/M1/records",  # Sam's supervisee
    "another team's file": "/v1/staff/P3/records",  # Children in Care
    "Assessment record": "/v1/records/{P1}",
    "another team's record": "/v1/records/{P3}",
    "compliance": "/v1/compliance?as_of=2025-03-01",
    "staff list": "/v1/staff",
}
ASSESSMENT = {"M1", "P1", "P2"}
LINE = {"S1", "M1", "M2", "P1", "P2", "P3", "P10"}
EVERYONE = LINE | {"A1", "I1", "I2", "X1"}
SUPERVISED = LINE - {"S1"}  # compliance counts those who have a supervisor

# role (account, own staff id) -> action -> True (allowed), False (refused, 403), or the
# staff ids a list holds. An administrator manages accounts and sees names, not records.
MATRIX: dict[tuple[str, str], dict[str, bool | set[str]]] = {
    ("admin", "A1"): {
        "own file": True, "Assessment file": False, "a team manager's file": False,
        "another team's file": False, "Assessment record": False,
        "another team's record": False, "compliance": SUPERVISED, "staff list": EVERYONE},
    ("head", "S1"): {  # senior manager: everyone below them in the line
        "own file": True, "Assessment file": True, "a team manager's file": True,
        "another team's file": True, "Assessment record": True,
        "another team's record": True, "compliance": SUPERVISED, "staff list": LINE},
    ("mia", "M1"): {  # team manager: her own file and her supervisees'
        "own file": True, "Assessment file": True, "a team manager's file": True,
        "another team's file": False, "Assessment record": True,
        "another team's record": False, "compliance": ASSESSMENT,
        "staff list": ASSESSMENT},
    ("pat", "P1"): {  # practitioner: his own file only
        "own file": True, "Assessment file": True, "a team manager's file": False,
        "another team's file": False, "Assessment record": True,
        "another team's record": False, "compliance": {"P1"}, "staff list": {"P1"}},
    ("inspector", "I1"): {  # within the grant: the granted team's files, read only
        "own file": False, "Assessment file": True, "a team manager's file": True,
        "another team's file": False, "Assessment record": True,
        "another team's record": False, "compliance": ASSESSMENT,
        "staff list": ASSESSMENT},
}
CASES = [(account, own, action, MATRIX[(account, own)][action])
         for (account, own), action in itertools.product(MATRIX, ACTIONS)]

# tokens that must get nothing at all: (name, the account named in the token, why)
NO_ENTRY = [
    ("forged", "", "the token was not issued by this server"),
    ("expired", "pat", "the token has expired"),
    ("closed account", "leaver", "This account has been closed."),
    ("inspector after the grant", "lapsed", "This inspector's access has ended."),
]
_devices = itertools.count(1)


@dataclass
class Matrix:
    org: Org
    tokens: dict[str, str]

    def ask(self, token: str, action: str, own: str = "") -> tuple[str, str, int, object]:
        """Ask for ``action`` with ``token`` from a device of its own; (device, path,
        status, body)."""
        device = f"matrix-{next(_devices)}"
        path = ACTIONS[action].format(own=own, **{k: v for k, v in self.org.records.items()})
        answer = self.org.get(path, token=token, device=device)
        return device, path.partition("?")[0], answer.status_code, answer.json()

    def refusal(self, device: str) -> list[tuple[str, str, str]]:
        """The log's refusals of the request from ``device``: (who, subject, detail)."""
        with psycopg.connect(libpq_url(self.org.db)) as conn:
            return conn.execute(  # type: ignore[return-value]
                "SELECT actor_username, subject_id, detail FROM event_log "
                "WHERE action = 'request.refused' AND detail LIKE %s",
                (f"%device {device};%",)).fetchall()


@pytest.fixture(scope="module")
def matrix(pg_server: str, pg_template: str) -> Iterator[Matrix]:
    db = create_database(pg_server, pg_template)
    try:
        records = seed_organisation(db)
        with running_server(db) as (base, process):
            org = Org(base, db, process, records)
            tokens = {account: org.token(account) for account, _ in MATRIX}
            with psycopg.connect(libpq_url(db), autocommit=True) as conn:
                row = conn.execute("SELECT value FROM setting WHERE key = %s",
                                   (KEY_SETTING,)).fetchone()
                ids = dict(conn.execute("SELECT username, id FROM user_account").fetchall())
                # signed in while they could be; then the leaver's account is closed and the
                # second inspector's grant ends
                tokens["closed account"] = org.token("leaver")
                tokens["inspector after the grant"] = org.token("lapsed")
                conn.execute("UPDATE user_account SET active = false "
                             "WHERE username = 'leaver'")
                conn.execute("UPDATE user_account SET inspector_until = %s "
                             "WHERE username = 'lapsed'", (date.today() - timedelta(days=1),))
            assert row is not None
            key = bytes.fromhex(row[0])
            tokens["expired"] = issue(key, TokenClaims(
                ids["pat"], "pat", datetime.now(UTC) - timedelta(seconds=1)))
            tokens["forged"] = issue(b"not the server's key" * 2, TokenClaims(
                ids["head"], "head", datetime.now(UTC) + timedelta(minutes=5)))
            yield Matrix(org, tokens)
    finally:
        drop_database(db)


@pytest.mark.parametrize(("account", "own", "action", "expected"), CASES,
                         ids=[f"{a}-{act}" for a, _, act, _ in CASES])
def test_each_role_may_do_what_the_policy_says_and_no_more(
        matrix: Matrix, account: str, own: str, action: str,
        expected: bool | set[str]) -> None:
    device, path, status, body = matrix.ask(matrix.tokens[account], action, own)
    if isinstance(expected, set):
        assert status == 200, body
        assert isinstance(body, list)
        assert {row["staff_id"] for row in body} == expected
    elif expected:
        assert status == 200, body
        if "record" in action:
            assert isinstance(body, dict) and body["final"] is True
    else:
        assert status == 403, body
        assert isinstance(body, dict) and "may not read a supervision file" in body["detail"]
        logged = matrix.refusal(device)
        assert [(who, subject) for who, subject, _ in logged] == [(account, path[:64])]
        assert "403" in logged[0][2] and "from 127.0.0.1" in logged[0][2]
    if status == 200:
        assert matrix.refusal(device) == []


@pytest.mark.parametrize(("name", "username", "why"), NO_ENTRY, ids=[n for n, _, _ in NO_ENTRY])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_bad_token_gets_nothing_and_each_refusal_is_logged(
        matrix: Matrix, name: str, username: str, why: str, action: str) -> None:
    device, path, status, body = matrix.ask(matrix.tokens[name], action, "P1")
    assert status == 401, body
    assert isinstance(body, dict) and why in body["detail"]
    logged = matrix.refusal(device)
    assert len(logged) == 1
    who, subject, detail = logged[0]
    assert subject == path[:64] and why in detail and "401" in detail
    assert who == (username or "(no valid token)")


def test_every_role_is_in_the_matrix(matrix: Matrix) -> None:
    """The matrix covers each kind of account the policy names, and each action for each."""
    with psycopg.connect(libpq_url(matrix.org.db)) as conn:
        kinds = dict(conn.execute(
            "SELECT a.username, CASE WHEN a.is_admin THEN 'admin' "
            "WHEN a.is_inspector THEN 'inspector' ELSE s.role END "
            "FROM user_account a JOIN staff s ON s.id = a.staff_id").fetchall())
    covered = {kinds[account] for account, _ in MATRIX} | {kinds["lapsed"]}
    assert {"admin", "senior_manager", "team_manager", "practitioner", "inspector"} <= covered
    assert all(set(row) == set(ACTIONS) for row in MATRIX.values())
