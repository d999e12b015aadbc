"""The event log: append-only in the store, hash-chained, viewable, exportable; subject access."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from supervision_audit.cli import main
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access_log import access_log, write_access_log
from supervision_audit.services.contract_export import export_contract_pdf
from supervision_audit.services.contracts import contracts_of, draft_values, save_contract
from supervision_audit.services.events import verify_chain
from supervision_audit.services.signin import FirstRun, first_run
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from supervision_audit.services.subject_access import export_subject_access

PASSWORD = "correct horse battery"


@pytest.fixture
def opened(tmp_path):
    opened, _ = first_run(tmp_path / "log.sqlite", FirstRun("Org", "Ada Admin", "AD", "ada",
                                                            PASSWORD))
    with opened.store.write() as session:
        save_staff(session, SYS, StaffInput("M1", "Mia Manager", role="team_manager"))
        save_staff(session, SYS, StaffInput("P1", "Łucja Żak", supervisor_staff_id="M1"))
        person = get_by_staff_id(session, "P1")
        values = draft_values(session, SYS, person.id)
        values.update(venue="Room 1", date_agreed="2026-01-05", intermediary="Head of Service")
        save_contract(session, SYS, person.id, values)
        export_contract_pdf(session, SYS,
                            contracts_of(session, SYS, person.id)[0].id, tmp_path / "c.pdf")
    yield opened
    opened.store.close()


def test_chain_is_intact_after_ordinary_work(opened) -> None:
    with opened.store.read() as session:
        report = verify_chain(session)
    assert report.intact and report.entries >= 5


@pytest.mark.parametrize("statement", [
    "UPDATE event_log SET detail = 'x' WHERE seq = 2",
    "DELETE FROM event_log WHERE seq = 2",
])
def test_the_store_refuses_to_change_the_log(opened, statement) -> None:
    with pytest.raises(Exception, match="append-only"):
        with opened.store.engine.begin() as conn:
            conn.exec_driver_sql(statement)


def test_an_edit_behind_the_apps_back_is_reported(opened, capsys, monkeypatch) -> None:
    with opened.store.engine.begin() as conn:  # a determined editor drops the guard first
        conn.exec_driver_sql("DROP TRIGGER event_log_no_update")
        conn.exec_driver_sql("UPDATE event_log SET detail = 'nothing happened' WHERE seq = 3")
    with opened.store.read() as session:
        report = verify_chain(session)
    assert report.first_break == 3 and "changed after it was written" in report.reason
    opened.store.close()
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "ada")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", PASSWORD)
    assert main(["--db", str(opened.store.path), "verify-log"]) == 1
    assert "broken at entry 3" in capsys.readouterr().out


def test_a_removed_entry_is_reported(opened) -> None:
    with opened.store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER event_log_no_delete")
        conn.exec_driver_sql("DELETE FROM event_log WHERE seq = 2")
    with opened.store.read() as session:
        report = verify_chain(session)
    assert report.first_break == 3 and "entry 2 is missing" in report.reason


def test_access_log_for_a_person_and_period_exports(opened, tmp_path) -> None:
    with opened.store.write() as session:
        rows = access_log(session, opened.actor, staff_id="P1",
                          start=date.today() - timedelta(days=1), end=date.today())
        none = access_log(session, opened.actor, start=date.today() + timedelta(days=1))
    actions = [r["action"] for r in rows]
    assert "contract.export" in actions and "contract.create" in actions
    assert all("Łucja Żak" in r["about"] for r in rows)
    assert none == []
    write_access_log(rows, tmp_path / "log.csv")
    with open(tmp_path / "log.csv", encoding="utf-8") as fh:
        assert [r["action"] for r in csv.DictReader(fh)] == actions
    write_access_log(rows, tmp_path / "log.xlsx")
    ws = load_workbook(tmp_path / "log.xlsx").active
    assert [c.value for c in ws[1]] == ["When", "Who", "Action", "Record", "About", "Detail"]
    assert [ws.cell(row=i + 2, column=3).value for i in range(len(rows))] == actions
    with opened.store.read() as session:  # viewing the log was itself logged
        assert verify_chain(session).intact
    with opened.store.write() as session:
        assert access_log(session, opened.actor)[0]["action"] == "log.view"


def test_subject_access_writes_pdf_and_json(opened, tmp_path) -> None:
    with opened.store.write() as session:
        written = export_subject_access(session, opened.actor, "P1", tmp_path / "sar")
    data = json.loads(written[0].read_text(encoding="utf-8"))
    assert data["person"]["name"] == "Łucja Żak"
    assert data["person"]["supervisor"] == "Mia Manager (M1)"
    assert data["contracts"][0]["values"]["venue"] == "Room 1"
    assert {e["action"] for e in data["log"]} >= {"staff.create", "contract.create",
                                                  "contract.export"}
    text = " ".join(page.extract_text() for page in PdfReader(written[1]).pages)
    assert "Łucja Żak" in text and "SUBJECT ACCESS" in text and "Room 1" in text


def test_bad_period_is_refused(opened) -> None:
    from supervision_audit.errors import ValidationError

    with pytest.raises(ValidationError, match="not a real date"):
        with opened.store.write() as session:
            access_log(session, opened.actor, start="2026-02-30")
