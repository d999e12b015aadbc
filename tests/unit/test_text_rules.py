"""Control characters and over-long text: refused by the importers, the forms and the store;
what was stored before the rules is shown safely."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import func, select

from supervision_audit.cli import main
from supervision_audit.errors import ValidationError
from supervision_audit.forms import ALL_FORMS
from supervision_audit.forms.base import Kind, validate
from supervision_audit.models import Staff, SupervisionRecord, Team
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.monitoring_xlsx import export_monitoring, import_monitoring
from supervision_audit.services.monthly_return import build_monthly_return
from supervision_audit.services.records import start_record
from supervision_audit.services.signin import FirstRun, first_run
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from supervision_audit.services.staff_import import COLUMNS, import_staff

BEL, ESC = "\x07", "\x1b"
CLEAR_SCREEN = f"{ESC}[2J"


def _row(staff_id: str, name: str, team: str = "Team A") -> list[str]:
    values = dict.fromkeys(COLUMNS, "")
    values.update(staff_id=staff_id, name=name, team=team, role="practitioner")
    return [values[c] for c in COLUMNS]


def _staff_file(tmp_path: Path, kind: str, rows: list[list[str]]) -> Path:
    path = tmp_path / f"staff.{kind}"
    if kind == "csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([list(COLUMNS), *rows])
    else:
        book = Workbook()
        for row in [list(COLUMNS), *rows]:
            book.active.append(row)
        book.save(path)
    return path


def _staff_count(store) -> int:
    with store.read() as s:
        return s.exec(select(func.count()).select_from(Staff)).one()


def _import_problems(store, path: Path) -> dict[tuple[int | None, str], str]:
    before = _staff_count(store)
    with pytest.raises(ValidationError) as caught:
        with store.write() as s:
            import_staff(s, SYS, path)
    assert _staff_count(store) == before  # nothing written
    return {(p.row, p.field): p.message for p in caught.value.problems}


def test_csv_import_refuses_control_characters_naming_row_and_column(store,
                                                                      tmp_path) -> None:
    path = _staff_file(tmp_path, "csv", [
        _row("P1", "Ann Able"), _row("P2", f"Bob{BEL} Bell"),
        _row("P3", "Cy Clear", team=f"Team{CLEAR_SCREEN}")])
    problems = _import_problems(store, path)
    assert set(problems) == {(3, "name"), (4, "team")}
    assert problems[(3, "name")] == "Name has a bell (U+0007) at character 4: remove it"
    assert problems[(4, "team")] == "Team has an escape (U+001B) at character 5: remove it"


def test_xlsx_import_refuses_line_breaks_and_tabs_in_one_line_fields(store, tmp_path) -> None:
    """A workbook cannot hold BEL or ESC (XML forbids them) but can hold a line break typed
    into a cell (Alt+Enter) or a tab."""
    path = _staff_file(tmp_path, "xlsx", [
        _row("P1", "Ann Able"), _row("P2", "Bob\nBell"), _row("P3", "Cy", team="Team\tA")])
    problems = _import_problems(store, path)
    assert set(problems) == {(3, "name"), (4, "team")}
    assert problems[(3, "name")] == "Name has a line break (U+000A) at character 4: remove it"
    assert problems[(4, "team")] == "Team has a tab (U+0009) at character 5: remove it"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_import_refuses_text_longer_than_its_field(store, tmp_path, kind) -> None:
    path = _staff_file(tmp_path, kind, [_row("X" * 10_000, "Ann Able"),
                                        _row("P2", "N" * 201), _row("P3", "Fine Name")])
    problems = _import_problems(store, path)
    assert problems[(2, "staff_id")] == ("Staff id is 10,000 characters long; at most 50 are "
                                         "allowed")
    assert problems[(3, "name")] == "Name is 201 characters long; at most 200 are allowed"
    assert (4, "name") not in problems


def test_a_tab_or_line_break_is_refused_in_a_one_line_field(store) -> None:
    with pytest.raises(ValidationError) as caught:
        with store.write() as s:
            save_staff(s, SYS, StaffInput("P9", "Dee\tDot", job_title="Social\nWorker"))
    messages = {p.field: p.message for p in caught.value.problems}
    assert messages["name"] == "Name has a tab (U+0009) at character 4: remove it"
    assert messages["job_title"] == ("Job title has a line break (U+000A) at character 7: "
                                     "remove it")


def test_the_store_refuses_what_goes_around_the_importer(store, people) -> None:
    """Rows added or changed straight through a session, as a script might."""
    before = _staff_count(store)
    cases = [
        lambda s: s.add(Staff(staff_id="Z1", name="N" * 10_000)),
        lambda s: s.add(Staff(staff_id="Z" * 51, name="Zed")),
        lambda s: s.add(Staff(staff_id="Z2", name=f"Zed{CLEAR_SCREEN}")),
        lambda s: s.add(Team(name=f"Team{BEL}")),
        lambda s: setattr(get_by_staff_id(s, "P1"), "email", f"p1{BEL}@example.org"),
    ]
    for change in cases:
        with pytest.raises(ValidationError, match="some text cannot be stored"):
            with store.write() as s:
                change(s)
                s.flush()
    assert _staff_count(store) == before
    with store.read() as s:
        assert get_by_staff_id(s, "P1").email == "p1@example.org"


def test_the_store_refuses_control_characters_in_a_forms_answers(store, people) -> None:
    with store.write() as s:
        record = start_record(s, SYS, form_key="individual", held_on=date(2025, 2, 3),
                              supervisee_uuid=people["P1"])
        record_id = record.id
    with pytest.raises(ValidationError) as caught:
        with store.write() as s:
            row = s.get(SupervisionRecord, record_id)
            row.values = {**row.values, "welfare": f"Fine{BEL}", "notes": "x" * 20_001}
            s.flush()
    assert {p.field for p in caught.value.problems} == {"welfare", "notes"}
    with store.read() as s:
        assert "Fine" not in str(s.get(SupervisionRecord, record_id).values)


def test_a_form_names_bad_text_beside_its_field() -> None:
    form = ALL_FORMS["individual"]
    line = next(f for f in form.value_fields() if f.kind is Kind.TEXT and not f.readonly)
    para = next(f for f in form.value_fields() if f.kind is Kind.MULTILINE)
    problems = {p.field: p.message for p in validate(form, {
        **form.defaults(), line.key: "two\tcolumns", para.key: f"Rang{BEL}\nthen wrote"})}
    assert "a tab (U+0009)" in problems[line.key]
    assert "a bell (U+0007)" in problems[para.key]
    fine = {p.field for p in validate(form, {line.key: "one line", para.key: "one\n\ttwo"})}
    assert line.key not in fine and para.key not in fine


def test_a_row_stored_before_the_rules_can_still_be_changed_elsewhere(store, people) -> None:
    with store.write() as s:  # as an older version could store it
        s.connection().exec_driver_sql("UPDATE staff SET name = ? WHERE staff_id = 'P1'",
                                       (f"Pat{BEL}Worker",))
    with store.write() as s:
        get_by_staff_id(s, "P1").job_title = "Senior Social Worker"
    with store.read() as s:
        assert get_by_staff_id(s, "P1").job_title == "Senior Social Worker"


def test_monitoring_import_refuses_over_long_text_with_row_and_column(store, people,
                                                                      tmp_path) -> None:
    out = tmp_path / "m.xlsx"
    with store.write() as s:
        export_monitoring(s, SYS, [people["P1"]], out)
    book = load_workbook(out)
    book.worksheets[0].append([date(2025, 3, 3), "10:00", "Postponed", None, "x" * 20_001])
    book.save(out)
    with pytest.raises(ValidationError) as caught:
        with store.write() as s:
            import_monitoring(s, SYS, out)
    [problem] = caught.value.problems
    assert problem.row == 4 and problem.field.endswith("Any comments / Reasons for "
                                                       "postponement")
    assert problem.message == ("the text is 20,001 characters long; at most 20,000 are "
                               "allowed")


@pytest.fixture
def legacy(tmp_path, monkeypatch):
    """A store holding names and a team with control characters, as stored before."""
    db = tmp_path / "org.sqlite"
    opened, _ = first_run(db, FirstRun("Org", "Ada Admin", "AD1", "ada",
                                       "correct horse battery"))
    with opened.store.write() as s:
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager", team="Alpha"))
        save_staff(s, SYS, StaffInput("P1", "Pat Worker", supervisor_staff_id="M1",
                                      team="Alpha", employment_start=date(2025, 1, 6)))
        sql = s.connection().exec_driver_sql
        sql("UPDATE staff SET name = ? WHERE staff_id = 'P1'", (f"Pat{BEL}{CLEAR_SCREEN}",))
        sql("UPDATE team SET name = ? WHERE name = 'Alpha'", (f"Alpha{ESC}]0;owned{BEL}",))
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "ada")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", "correct horse battery")
    yield db, opened.store
    opened.store.close()


def test_stored_control_characters_do_not_break_the_monthly_return(legacy, tmp_path) -> None:
    _, store = legacy
    out = tmp_path / "return.xlsx"
    with store.write() as s:
        build_monthly_return(s, SYS, "2025-02", out, today=date(2025, 3, 1))
    texts = [c.value for ws in load_workbook(out).worksheets for row in ws.iter_rows()
             for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if BEL in t or ESC in t]
    assert "Pat\ufffd\ufffd[2J" in texts


def test_list_staff_prints_no_raw_escape_sequences(legacy, capsys) -> None:
    db, _ = legacy
    assert main(["--db", str(db), "list-staff"]) == 0
    assert main(["--db", str(db), "list-staff", "--json"]) == 0
    out = capsys.readouterr().out
    assert BEL not in out and ESC not in out
    assert "P1\tPat\ufffd\ufffd[2J\tAlpha\ufffd]0;owned\ufffd\t" in out
