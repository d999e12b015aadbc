"""The command line works without a display, signs in from the environment, speaks plainly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from supervision_audit.cli import main
from supervision_audit.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, PEOPLE


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch, capsys) -> Path:
    db = tmp_path / "demo.sqlite"
    assert main(["--db", str(db), "demo"]) == 0
    out = capsys.readouterr().out
    assert f"password for each: {DEMO_PASSWORD}" in out
    assert all(username in out for username, _, _ in DEMO_ACCOUNTS)
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "admin")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", DEMO_PASSWORD)
    return db


def _list(db: Path, capsys) -> list[dict]:
    assert main(["--db", str(db), "list-staff", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_demo_then_list_staff_as_json(demo_db: Path, capsys) -> None:
    rows = _list(demo_db, capsys)
    by_id = {r["staff_id"]: r for r in rows}
    assert set(p[0] for p in PEOPLE) <= set(by_id)
    assert by_id["P101"]["name"] == "Łucja Żak"
    assert by_id["P101"]["supervisor"] == "Rachel Whitcombe"
    assert {r["role"] for r in rows} >= {"senior_manager", "team_manager", "practitioner", "asye",
                                         "foster_carer"}


def test_each_demo_account_sees_its_own_scope(demo_db: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "rachel")
    assert {r["staff_id"] for r in _list(demo_db, capsys)} == {"T100", "P101", "P102", "P103",
                                                               "A104"}
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "lucja")
    assert [r["staff_id"] for r in _list(demo_db, capsys)] == ["P101"]


def test_demo_twice_keeps_the_first(demo_db: Path, capsys) -> None:
    assert main(["--db", str(demo_db), "demo"]) == 0
    assert "already holds the demo" in capsys.readouterr().out
    assert len(_list(demo_db, capsys)) == len(PEOPLE) + 2  # with the admin and the inspector


def test_wrong_password_exits_non_zero(demo_db: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", "not the password")
    assert main(["--db", str(demo_db), "list-staff"]) == 1
    assert "user name or password is not right" in capsys.readouterr().err


def test_missing_credentials_are_asked_for_by_name(demo_db: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("SUPERVISION_AUDIT_PASSWORD")
    assert main(["--db", str(demo_db), "list-staff"]) == 1
    assert "set SUPERVISION_AUDIT_USER and SUPERVISION_AUDIT_PASSWORD" in capsys.readouterr().err


def test_init_creates_an_encrypted_store_and_shows_the_recovery_key(tmp_path, capsys,
                                                                     monkeypatch) -> None:
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "ada")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", "correct horse battery")
    db = tmp_path / "new.sqlite"
    assert main(["--db", str(db), "init", "--organisation", "Riverside Children's Trust",
                 "--admin-name", "Ada Admin", "--admin-staff-id", "AD1"]) == 0
    out = capsys.readouterr().out
    assert "Recovery key (shown this once" in out
    assert Path(f"{db}.keys").exists()
    assert [r["name"] for r in _list(db, capsys)] == ["Ada Admin"]
    assert main(["--db", str(db), "init"]) == 1
    assert "already exists" in capsys.readouterr().err


def test_foreign_file_exits_non_zero_with_message(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "ada")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", "whatever it is")
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database")
    assert main(["--db", str(junk), "list-staff"]) == 1
    assert "is not a Supervision Audit database" in capsys.readouterr().err
    assert junk.read_text() == "not a database"


def test_contract_export_and_unknown_staff(demo_db: Path, tmp_path: Path, capsys,
                                           monkeypatch) -> None:
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "rachel")
    out = tmp_path / "c.pdf"
    assert main(["--db", str(demo_db), "export-contract", "--staff", "P101", "--out",
                 str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["--db", str(demo_db), "export-contract", "--staff", "NOPE", "--out",
                 str(tmp_path / "n.pdf")]) == 1
    assert "no member of staff with staff id 'NOPE'" in capsys.readouterr().err
    assert not (tmp_path / "n.pdf").exists()
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "lucja")  # not her file to print
    assert main(["--db", str(demo_db), "export-contract", "--staff", "P102", "--out",
                 str(tmp_path / "x.pdf")]) == 1
    assert "may not read a supervision file for Daniel Osei" in capsys.readouterr().err


def test_commands_run_without_a_display_or_qt(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    code = (
        "import sys\n"
        "from supervision_audit.cli import main\n"
        f"rc = main(['--db', {str(tmp_path / 'x.sqlite')!r}, 'demo'])\n"
        "print('rc', rc)\n"
        "print('qt', any(m.startswith('PySide6') for m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "rc 0" in result.stdout
    assert "qt False" in result.stdout


def test_list_records_gives_each_record_its_status_and_signers_as_the_window_does(
        tmp_path: Path, capsys, monkeypatch) -> None:
    from sqlmodel import select

    from supervision_audit.demo import create_demo
    from supervision_audit.models import UserAccount
    from supervision_audit.services.access import actor_for
    from supervision_audit.services.staff import get_by_staff_id
    from supervision_audit.ui.records.record_data import load_records

    opened, _ = create_demo(tmp_path / "demo.sqlite", encrypted=False)
    with opened.store.read() as s:
        rachel = actor_for(s, s.exec(select(UserAccount).where(
            UserAccount.username == "rachel")).one())
        window = {str(row.id): row for row in
                  load_records(s, rachel, get_by_staff_id(s, "P101").id).rows}
    opened.store.close()
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "rachel")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", DEMO_PASSWORD)
    assert main(["--db", str(tmp_path / "demo.sqlite"), "list-records", "--staff", "P101",
                 "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)

    assert {r["id"] for r in listed} == set(window)
    assert {r["status"] for r in listed} == {"Final", "Awaiting signature"}  # never "complete"
    for record in listed:
        row = window[record["id"]]
        assert record["status"] == row.status_label
        assert ", ".join(f"{s['name']} ({s['role']})" for s in record["to_sign"]) == \
            row.waiting_text
        if record["status"] == "Final":
            assert record["to_sign"] == [] and record["signed"]
    awaiting = next(r for r in listed if r["status"] == "Awaiting signature")
    assert awaiting["signed"][0]["name"] == "Rachel Whitcombe"
    assert awaiting["signed"][0]["role"] == "supervisor"
    assert awaiting["signed"][0]["signed_at"].startswith(awaiting["held_on"][:4])
    assert awaiting["to_sign"] == [{"name": "Łucja Żak", "role": "supervisee"}]

    assert main(["--db", str(tmp_path / "demo.sqlite"), "list-records", "--staff",
                 "P101"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"{awaiting['id']}\t{awaiting['held_on']}\tindividual\tAwaiting signature\t" \
           "awaiting Łucja Żak (supervisee)" in lines


def test_list_records_says_changed_after_signing_as_the_window_does(tmp_path: Path, capsys,
                                                                     monkeypatch) -> None:
    from sqlmodel import select

    from supervision_audit.db import open_store
    from supervision_audit.demo import create_demo
    from supervision_audit.models import UserAccount
    from supervision_audit.services.access import actor_for
    from supervision_audit.services.staff import get_by_staff_id
    from supervision_audit.ui.records.record_data import load_records
    from tests.unit.test_signed_content_checked import _edit_record_behind_the_app

    demo = tmp_path / "demo.sqlite"
    opened, _ = create_demo(demo, encrypted=False)
    opened.store.close()
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "rachel")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", DEMO_PASSWORD)
    assert main(["--db", str(demo), "list-records", "--staff", "P101", "--json"]) == 0
    final = next(r for r in json.loads(capsys.readouterr().out) if r["status"] == "Final")
    _edit_record_behind_the_app(demo, final["id"], "Nothing of concern was discussed.")

    assert main(["--db", str(demo), "list-records", "--staff", "P101", "--json"]) == 0
    listed = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed[final["id"]]["status"] == "Changed after signing"
    assert "signed different content" in " ".join(listed[final["id"]]["changed_after_signing"])
    assert all(r["changed_after_signing"] == [] for i, r in listed.items() if i != final["id"])
    store = open_store(demo)
    try:
        with store.read() as s:
            rachel = actor_for(s, s.exec(select(UserAccount).where(
                UserAccount.username == "rachel")).one())
            rows = load_records(s, rachel, get_by_staff_id(s, "P101").id).rows
    finally:
        store.close()
    assert {str(row.id): row.status_label for row in rows} == \
        {i: r["status"] for i, r in listed.items()}
