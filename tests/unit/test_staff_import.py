"""Staff import from .csv and .xlsx: all or nothing, problems by row and column."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import select

from supervision_audit.cli import main
from supervision_audit.errors import ValidationError
from supervision_audit.models import Staff
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.staff import get_by_staff_id, list_staff
from supervision_audit.services.staff_import import COLUMNS, import_staff

HEADER = list(COLUMNS)


def write_csv(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


GOOD_ROWS = [
    # the supervisor (M1) appears after the person (P1)
    ["P1", "Łucja Żak", "Social Worker", "Assessment", "Riverside House", "practitioner", "M1",
     "01/03/2024", "", "lucja.zak@example.org", "0121 555 0101"],
    ["A1", "Priya Raman", "NQSW", "Assessment", "Riverside House", "ASYE", "M1",
     "2026-09-01", "2026-09-01", "", ""],
    ["M1", "Mia Manager", "Team Manager", "Assessment", "Riverside House", "Team Manager", "",
     "2019-05-20", "", "", ""],
]


def test_csv_import_creates_everyone_with_supervisors_later_in_file(unit_store, tmp_path) -> None:
    path = write_csv(tmp_path / "staff.csv", GOOD_ROWS)
    with unit_store.write() as session:
        result = import_staff(session, SYS, path)
    assert (result.created, result.updated) == (3, 0)
    with unit_store.read() as session:
        p1 = get_by_staff_id(session, "P1")
        assert p1.name == "Łucja Żak"
        assert p1.employment_start == date(2024, 3, 1)
        assert session.get(Staff, p1.supervisor_id).staff_id == "M1"
        assert get_by_staff_id(session, "A1").role == "asye"
        assert get_by_staff_id(session, "M1").role == "team_manager"


def test_xlsx_import_reads_spreadsheet_dates_and_numeric_ids(unit_store, tmp_path) -> None:
    rows = [
        [1001, "Daniel Osei", "Social Worker", "CP Team", "", "practitioner", 2002,
         datetime(2023, 1, 9), None, None, None],
        [2002, "Imran Qureshi", "Team Manager", "CP Team", "", "team_manager", None,
         datetime(2018, 4, 3), None, None, None],
    ]
    path = write_xlsx(tmp_path / "staff.xlsx", rows)
    with unit_store.write() as session:
        import_staff(session, SYS, path)
    with unit_store.read() as session:
        person = get_by_staff_id(session, "1001")
        assert person.employment_start == date(2023, 1, 9)
        assert session.get(Staff, person.supervisor_id).staff_id == "2002"


def test_reimport_updates_by_staff_id(unit_store, tmp_path) -> None:
    with unit_store.write() as session:
        import_staff(session, SYS, write_csv(tmp_path / "a.csv", GOOD_ROWS))
    changed = [list(r) for r in GOOD_ROWS]
    changed[0][2] = "Senior Social Worker"
    with unit_store.write() as session:
        result = import_staff(session, SYS, write_csv(tmp_path / "b.csv", changed))
    assert (result.created, result.updated) == (0, 3)
    with unit_store.read() as session:
        assert len(list_staff(session, SYS)) == 3
        assert get_by_staff_id(session, "P1").job_title == "Senior Social Worker"


def test_bad_rows_are_all_reported_and_nothing_is_written(unit_store, tmp_path) -> None:
    rows = [
        ["P1", "Good Person", "", "T", "", "practitioner", "", "2024-01-01", "", "", ""],
        ["P2", "", "", "T", "", "practitioner", "", "31/02/2024", "", "", ""],
        ["P3", "Bad Role", "", "T", "", "magician", "", "", "", "", ""],
        ["P1", "Twin", "", "T", "", "practitioner", "", "", "", "", ""],
        ["P4", "Lost", "", "T", "", "practitioner", "Z9", "", "", "", ""],
        ["P5", "Asye No Start", "", "T", "", "asye", "", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(ValidationError) as caught:
        with unit_store.write() as session:
            import_staff(session, SYS, path)
    found = {(p.row, p.field) for p in caught.value.problems}
    assert {(3, "name"), (3, "employment_start"), (4, "role"), (5, "staff_id"),
            (6, "supervisor_id"), (7, "asye_start")} <= found
    assert "31/02/2024" in str(caught.value)
    with unit_store.read() as session:
        assert session.exec(select(Staff)).all() == []


def test_supervisor_loop_in_file_is_reported(unit_store, tmp_path) -> None:
    rows = [["A", "Ann", "", "", "", "practitioner", "B", "", "", "", ""],
            ["B", "Ben", "", "", "", "practitioner", "A", "", "", "", ""]]
    with pytest.raises(ValidationError, match="loop: A → B → A"):
        with unit_store.write() as session:
            import_staff(session, SYS, write_csv(tmp_path / "loop.csv", rows))


def test_loop_with_stored_people_is_reported(unit_store, tmp_path) -> None:
    with unit_store.write() as session:
        import_staff(session, SYS, write_csv(tmp_path / "a.csv", GOOD_ROWS))
    rows = [["M1", "Mia Manager", "", "", "", "team_manager", "P1", "", "", "", ""]]
    with pytest.raises(ValidationError, match="loop"):
        with unit_store.write() as session:
            import_staff(session, SYS, write_csv(tmp_path / "b.csv", rows))
    with unit_store.read() as session:
        assert get_by_staff_id(session, "M1").supervisor_id is None


def test_wrong_header_is_named(unit_store, tmp_path) -> None:
    path = write_csv(tmp_path / "h.csv", [["1", "x"]], header=["id", "full name"])
    with pytest.raises(ValidationError) as caught:
        with unit_store.write() as session:
            import_staff(session, SYS, path)
    messages = [p.message for p in caught.value.problems]
    assert "The header row has no 'staff_id' column" in messages
    assert all(p.row == 1 for p in caught.value.problems)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("fake.xlsx", b"PK\x03\x04 this is not really a zip", "not an Excel workbook"),
    ("empty.csv", b"", "empty"),
    ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV"),
    ("notes.docx", b"hello", "Only .xlsx and .csv"),
])
def test_malformed_files_get_a_clear_message(unit_store, tmp_path, name, content, message) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        with unit_store.write() as session:
            import_staff(session, SYS, path)


def test_cli_import_reports_problems_with_non_zero_exit(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "ada")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", "correct horse battery")
    db = tmp_path / "cli.sqlite"
    assert main(["--db", str(db), "init", "--organisation", "Org"]) == 0
    bad = write_csv(tmp_path / "bad.csv",
                    [["P3", "Bad Role", "", "T", "", "magician", "", "", "", "", ""]])
    assert main(["--db", str(db), "import-staff", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "row 2, role: Role 'magician' is not one of" in err
    good = write_csv(tmp_path / "good.csv", GOOD_ROWS)
    assert main(["--db", str(db), "import-staff", str(good)]) == 0
    assert "3 added, 0 updated" in capsys.readouterr().out
