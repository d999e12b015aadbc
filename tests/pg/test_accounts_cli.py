"""``supervision-audit accounts``: an administrator of the organisation's database makes
accounts one at a time or from a staff file, each with a one-time password that must be
changed at first sign-in; lists and closes them."""

from __future__ import annotations

import csv
import stat
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from supervision_audit.cli import main
from supervision_audit.models import UserAccount
from supervision_audit.pg.store import PgStore
from supervision_audit.security.passwords import verify_password
from supervision_audit.server.accounts_bulk import one_time_password
from supervision_audit.server.auth import NO_VAULT, Caller, sign_in
from supervision_audit.server.tokens import token_key
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.accounts import add_account
from supervision_audit.services.staff import StaffInput, save_staff

PASSWORD = "the administrator's password"


@pytest.fixture
def server_db(pg_store: PgStore, pg_url: str, people: dict[str, uuid.UUID],
              monkeypatch: pytest.MonkeyPatch) -> str:
    """The organisation's database with the tests' people and one administrator, signed in
    to by the command line."""
    with pg_store.write() as s:
        admin = save_staff(s, SYSTEM_ACTOR, StaffInput("A1", "Ada Admin", "Administrator",
                                                       role="other"), today=date(2025, 1, 6))
        add_account(s, NO_VAULT, admin.id, "admin", PASSWORD, is_admin=True)
        add_account(s, NO_VAULT, people["M1"], "mia", PASSWORD)
    monkeypatch.setenv("SUPERVISION_AUDIT_DATABASE", pg_url)
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "admin")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", PASSWORD)
    return pg_url


def _account(store: PgStore, username: str) -> UserAccount | None:
    with store.read() as s:
        return s.exec(select(UserAccount).where(UserAccount.username == username)).first()


def test_one_time_passwords_are_long_random_and_easy_to_read() -> None:
    made = {one_time_password() for _ in range(200)}
    assert len(made) == 200
    assert all(len(p.replace("-", "")) == 14 and not set(p) & set("01lIoO") for p in made)


def test_add_prints_a_one_time_password_that_must_be_changed(
        server_db: str, pg_store: PgStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["accounts", "add", "--staff", "P1", "--username", "pat"]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith("pat\tP1\tPat Worker\tone-time password: ")
    password = line.rsplit(" ", 1)[1]
    account = _account(pg_store, "pat")
    assert account is not None and account.must_change_password
    assert verify_password(account.password_hash, password)
    with pg_store.write() as s:
        key = token_key(s)
    _token, claims = sign_in(pg_store, key, "pat", password, Caller())
    assert claims.must_change_password


def test_import_makes_accounts_for_the_rows_with_a_user_name(
        server_db: str, pg_store: PgStore, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_text("staff_id,name,username\nP1,Pat Worker,pat\nP2,Łucja Żak,lucja\n"
                     "P3,Aisha Rahman,\n", encoding="utf-8")
    out = tmp_path / "hand-out.csv"
    assert main(["accounts", "import", str(staff), "--out", str(out)]) == 0
    assert "2 account(s) made" in capsys.readouterr().out
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["username"], r["staff_id"], r["name"]) for r in rows] == [
        ("pat", "P1", "Pat Worker"), ("lucja", "P2", "Łucja Żak")]
    for row in rows:
        account = _account(pg_store, row["username"])
        assert account is not None and account.must_change_password
        assert verify_password(account.password_hash, row["one_time_password"])
    assert _account(pg_store, "aisha") is None
    # the hand-out file is never overwritten
    assert main(["accounts", "import", str(staff), "--out", str(out)]) == 1
    assert "exists already" in capsys.readouterr().err


def test_a_bad_staff_file_makes_no_account_and_lists_every_problem(
        server_db: str, pg_store: PgStore, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_text("staff_id,username\nP1,pat\nP404,ghost\nP2,mia\nP3,pat\n",
                     encoding="utf-8")
    assert main(["accounts", "import", str(staff)]) == 1
    err = capsys.readouterr().err
    assert "row 3, staff_id: No member of staff has staff id 'P404'" in err
    assert "row 4, username: The user name 'mia' is taken" in err
    assert "row 5, username: 'pat' is also on row 2" in err
    assert _account(pg_store, "pat") is None and _account(pg_store, "ghost") is None


def test_list_and_close(server_db: str, pg_store: PgStore,
                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["accounts", "close", "mia"]) == 0
    assert "closed" in capsys.readouterr().out
    account = _account(pg_store, "mia")
    assert account is not None and not account.active
    assert main(["accounts", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("admin\tA1\tAda Admin\tadmin\t") for line in lines)
    assert any(line.startswith("mia\tM1\tMia Manager\tclosed\tnever signed in")
               for line in lines)
    assert main(["accounts", "close", "admin"]) == 1
    assert "cannot close your own account" in capsys.readouterr().err


def test_only_an_administrator_manages_accounts(
        server_db: str, pg_store: PgStore, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "mia")
    assert main(["accounts", "add", "--staff", "P1", "--username", "pat"]) == 1
    assert "may not manage user accounts" in capsys.readouterr().err
    assert _account(pg_store, "pat") is None
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", "not it")
    assert main(["accounts", "list"]) == 1
    assert "not right" in capsys.readouterr().err


def test_without_a_database_the_command_says_how_to_name_one(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("SUPERVISION_AUDIT_DATABASE", raising=False)
    assert main(["accounts", "list"]) == 1
    assert "--database postgresql://" in capsys.readouterr().err
