"""Fuzzing the ways files come in: the staff import (CSV and workbook), the monitoring import
and restore. Whatever the file holds (formulas, control characters, text over its limit,
impossible dates, loops of supervisors, a zip bomb, a damaged or foreign database), each
either lands whole or is refused with a message naming what is wrong: never a traceback,
never part of it written. Bounded and derandomised, so the same examples run every time."""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlmodel import func, select

from supervision_audit.db import open_store
from supervision_audit.errors import SupervisionAuditError, ValidationError
from supervision_audit.forms.monitoring import MONITORING_HEADERS
from supervision_audit.models import EventLog, Staff, SupervisionSession, Team
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.backups import restore_backup, take_backup
from supervision_audit.services.monitoring_xlsx import import_monitoring
from supervision_audit.services.staff import StaffInput, save_staff
from supervision_audit.services.staff_import import COLUMNS, import_staff
from supervision_audit.text_rules import FREE_TEXT_MAX, LINE_CONTROL, NAME_MAX, STAFF_ID_MAX


def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])

# what people and attackers put in cells
HOSTILE = ['=HYPERLINK("http://evil.example","pay")', "+44 121", "-1", "@SUM(A1)", "\tTab",
           "Ann\x07Bell", "Bo\x1b[2J", "Line\nbreak", "  padded  ", "Łucja Żak", ""]
LONG = ["n" * (NAME_MAX - 1), "n" * NAME_MAX, "n" * (NAME_MAX + 1), "z" * (STAFF_ID_MAX + 1),
        "x" * 10_000]
text = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(LONG), st.text(max_size=12))
free_text = st.one_of(text, st.sampled_from(["r" * FREE_TEXT_MAX, "r" * (FREE_TEXT_MAX + 1)]))
day = st.one_of(st.none(), st.dates(date(1890, 1, 1), date(2110, 12, 31)),
                st.dates(date(1890, 1, 1), date(2110, 12, 31)).map(date.isoformat),
                st.sampled_from(["31/02/2024", "1/9/2025", "2024-13-01", "yesterday", "0"]),
                st.integers(-5, 80_000), st.floats(allow_nan=True, allow_infinity=True))


def _snapshot(store) -> tuple:
    """Everything an import could write: staff, teams, sessions, the log's length."""
    with store.read() as s:
        staff = sorted((p.staff_id, p.name, p.job_title, str(p.team_id), p.role,
                        str(p.supervisor_id), p.email, p.phone)
                       for p in s.exec(select(Staff)))
        counts = tuple(s.exec(select(func.count()).select_from(model)).one()
                       for model in (Team, SupervisionSession, EventLog))
    return tuple(staff), counts


class _Rollback(Exception):
    """Ends a transaction whose import worked, so the next example starts alike."""


def _lands_whole_or_is_refused(store, work, check_landed) -> None:
    before = _snapshot(store)
    try:
        with store.write() as s:
            result = work(s)
            check_landed(s, result)
            raise _Rollback
    except _Rollback:
        pass
    except ValidationError as exc:
        assert exc.problems and all(str(p.message).strip() for p in exc.problems), exc
        assert _snapshot(store) == before  # nothing of it written
    except SupervisionAuditError as exc:
        assert str(exc).strip()
        assert _snapshot(store) == before
    assert _snapshot(store) == before


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite")
    with store.write() as s:
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager", team="Alpha"))
        save_staff(s, SYS, StaffInput("P1", "Pat Worker", supervisor_staff_id="M1",
                                      employment_start=date(2024, 1, 8)))
    yield store
    store.close()


# -- staff import ----------------------------------------------------------------------

# rows that import as they are (names that look like formulas included), then a few cells
# replaced with hostile ones
staff_row = st.fixed_dictionaries({
    "staff_id": st.sampled_from(["S1", "S2", "S3", "S4", "P1"]),
    "name": st.sampled_from(["Ann Able", "Łucja Żak", "O'Neil, Bo", "+44 Smith", "-Dash"]),
    "job_title": st.sampled_from(["", "Social Worker", "@home worker"]),
    "team": st.sampled_from(["", "Alpha", "Beta"]), "location": st.sampled_from(["", "Oldbury"]),
    "role": st.sampled_from(["practitioner", "Team Manager", "foster carer", "other"]),
    "supervisor_id": st.sampled_from(["", "M1", "M1", "S1"]),
    "employment_start": st.sampled_from([None, date(2024, 1, 2), "01/09/2025", "2023-05-01"]),
    "asye_start": st.none(), "email": st.sampled_from(["", "a@example.org"]),
    "phone": st.sampled_from(["", "0121 000 0000", "+44 121 000 0000"]),
})
staff_faults = st.lists(st.tuples(st.integers(0, 4), st.sampled_from(COLUMNS),
                                  st.one_of(text, day)), max_size=2)


def _cell(value: Any) -> Any:
    if isinstance(value, str):  # a workbook cannot hold the other control characters
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        part = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        part.compress_type = zipfile.ZIP_DEFLATED
        with book.open(part, "w", force_zip64=True) as fh:
            for _ in range(60):
                fh.write(b" " * (1024 * 1024))
    return buf.getvalue()


ZIP_BOMB = _zip_bomb()


def _write_staff_file(path: Path, rows: list[dict[str, Any]], header: list[str]) -> None:
    lines = [header] + [[row.get(c, "") for c in header] for row in rows]
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8", errors="surrogatepass") as fh:
            csv.writer(fh).writerows([["" if v is None else v for v in line]
                                      for line in lines])
    else:
        book = Workbook()
        for line in lines:
            book.active.append([_cell(v) for v in line])
        book.save(path)


def _staff_landed(rows: list[dict[str, Any]]):
    def check(s, result) -> None:
        assert result.created + result.updated == len(rows)
        for person in s.exec(select(Staff)):
            assert 0 < len(person.name) <= NAME_MAX and 0 < len(person.staff_id) <= STAFF_ID_MAX
            for value in (person.staff_id, person.name, person.job_title, person.email):
                assert LINE_CONTROL.search(value) is None
    return check


GOOD_ROW = {"staff_id": "S1", "name": "Ann Able", "job_title": "Social Worker", "team": "Beta",
            "location": "Oldbury", "role": "practitioner", "supervisor_id": "M1",
            "employment_start": date(2024, 1, 2), "asye_start": None, "email": "a@example.org",
            "phone": "0121"}


@fuzz(20)
@given(rows=st.lists(staff_row, max_size=4, unique_by=lambda row: row["staff_id"]),
       faults=staff_faults, kind=st.sampled_from(["csv", "xlsx", "bomb"]),
       header=st.sampled_from(["layout", "layout", "shuffled", "missing", "extra"]))
@example(rows=[GOOD_ROW], faults=[], kind="csv", header="layout")
@example(rows=[GOOD_ROW, {**GOOD_ROW, "staff_id": "S2", "name": HOSTILE[0]}], kind="xlsx",
         faults=[], header="shuffled")
@example(rows=[GOOD_ROW], faults=[(0, "name", "Ann\x07Bell")], kind="csv", header="layout")
@example(rows=[{**GOOD_ROW, "supervisor_id": "S2"}, {**GOOD_ROW, "staff_id": "S2",
                                                     "supervisor_id": "S1"}],
         faults=[], kind="csv", header="layout")  # a loop of supervisors
@example(rows=[], faults=[], kind="bomb", header="layout")
def test_staff_import_lands_whole_or_is_refused(org, tmp_path, rows, faults, kind,
                                                header) -> None:
    rows = [dict(row) for row in rows]
    for index, column, value in faults:
        if index < len(rows):
            rows[index][column] = value
    columns = list(COLUMNS)
    if header == "shuffled":
        columns.reverse()
    elif header == "missing":
        columns.remove("role")
    elif header == "extra":
        columns.append("salary")
    path = tmp_path / f"staff.{'csv' if kind == 'csv' else 'xlsx'}"
    if kind == "bomb":
        path.write_bytes(ZIP_BOMB)
    else:
        _write_staff_file(path, rows, columns)
    _lands_whole_or_is_refused(org, lambda s: import_staff(s, SYS, path), _staff_landed(rows))


# -- monitoring import -----------------------------------------------------------------

moment = st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0)),
                   st.sampled_from(["10:00", "9.30", 0.5]))
# entries as a supervisor writes them, then a few cells replaced with hostile ones
entry = st.one_of(
    st.tuples(st.dates(date(2024, 1, 1), date(2026, 12, 31)), moment,
              st.sampled_from(["Completed", "", "complete"]), st.none(),
              st.sampled_from(["", "Went well", "=1+1 notes"])),
    st.tuples(st.dates(date(2024, 1, 1), date(2026, 6, 30)), moment,
              st.sampled_from(["Postponed", "Postpond", "cancelled"]), st.none(),
              st.sampled_from(["Court", "Sickness; rebooked"])))
entry_faults = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 4),
                                  st.one_of(day, moment, free_text)), max_size=2)
sheet = st.fixed_dictionaries({
    "title": st.sampled_from(["Pat Worker P1", "Sheet", "=1+1", "Mia"]),
    "supervisee": st.sampled_from(["P1", "P1", "Pat Worker", "pat worker", "M1", "Nobody",
                                   "P1\x1b[2J", "n" * 10_000]),
    "supervisor": st.sampled_from(["", "M1", "Mia Manager", "mia manager", "=1+1"]),
    "headers": st.sampled_from([True, True, True, False]),
    "entries": st.lists(entry, max_size=6, unique_by=lambda e: e[0]),
    "faults": entry_faults,
})


def _cell_value(value: Any) -> Any:
    if isinstance(value, float) and value != value:  # NaN: a workbook holds no such number
        return None
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time())  # as a spreadsheet holds a date
    return _cell(value)


def _write_monitoring(path: Path, sheets: list[dict[str, Any]]) -> None:
    book = Workbook()
    book.remove(book.active)
    for n, spec in enumerate(sheets):
        ws = book.create_sheet(f"{spec['title'][:25]} {n}")
        ws.append(["Supervisee:", _cell(spec["supervisee"]), "Supervisor:",
                   _cell(spec["supervisor"])])
        ws.append([])
        ws.append(list(MONITORING_HEADERS) if spec["headers"] else ["When", "What"])
        entries = [list(values) for values in spec["entries"]]
        for index, column, value in spec.get("faults", []):
            if index < len(entries):
                entries[index][column] = value
        for values in entries:
            ws.append([_cell_value(v) for v in values])
    if not book.worksheets:
        book.create_sheet("Empty")
    book.save(path)


def _monitoring_landed(path: Path):
    def check(s, result) -> None:
        assert result.sheets >= 1
        again = import_monitoring(s, SYS, path)  # the same file again changes nothing
        assert (again.created, again.updated) == (0, 0)
    return check


GOOD_SHEET = {"title": "Pat Worker P1", "supervisee": "P1", "supervisor": "Mia Manager",
              "headers": True, "entries": [
                  (date(2025, 1, 6), time(10), "Completed", None, "Went well"),
                  (date(2025, 2, 3), "10:00", "Postponed", date(2025, 2, 10), "Court"),
                  (date(2025, 3, 3), None, "", None, "")]}


@fuzz(20)
@given(sheets=st.lists(sheet, min_size=0, max_size=2))
@example(sheets=[GOOD_SHEET])
@example(sheets=[GOOD_SHEET, {**GOOD_SHEET, "entries": [
    (date(2025, 4, 7), time(9, 30), "Cancelled", None, "r" * (FREE_TEXT_MAX + 1))]}])
def test_monitoring_import_lands_whole_or_is_refused(org, tmp_path, sheets) -> None:
    path = tmp_path / "monitoring.xlsx"
    _write_monitoring(path, sheets)
    _lands_whole_or_is_refused(org, lambda s: import_monitoring(s, SYS, path),
                               _monitoring_landed(path))


# -- restore ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A closed store to restore over, and a good backup of another state of it."""
    folder = tmp_path_factory.mktemp("restore")
    store = open_store(folder / "live.sqlite")
    with store.write() as s:
        for i in range(20):
            save_staff(s, SYS, StaffInput(f"S{i}", f"Person {i}"))
    backup = take_backup(store, folder / "backups")
    with store.write() as s:
        save_staff(s, SYS, StaffInput("LATER", "Added after the backup"))
    store.close()
    foreign = folder / "foreign.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    bomb = folder / "bomb.xlsx"
    bomb.write_bytes(ZIP_BOMB)
    return folder / "live.sqlite", {"backup": backup, "foreign": foreign, "zip bomb": bomb}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


backup_bytes = st.tuples(
    st.sampled_from(["backup", "backup", "backup", "foreign", "zip bomb", "noise"]),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
    st.one_of(st.none(), st.integers(1, 200_000)))


@fuzz(20)
@given(spec=backup_bytes)
@example(spec=("backup", [], None))  # restored whole
@example(spec=("backup", [], 40_000))  # cut short
@example(spec=("zip bomb", [], None))
@example(spec=("foreign", [], None))
def test_restore_replaces_whole_or_changes_nothing(live, tmp_path, spec) -> None:
    db_path, sources = live
    source, edits, cut = spec
    data = bytearray(sources[source].read_bytes() if source in sources
                     else bytes(range(256)) * 40)
    for position, value in edits:
        data[position % len(data)] = value
    backup = tmp_path / "fuzz.backup-1.sqlite"
    backup.write_bytes(bytes(data[:cut] if cut else data))
    original = db_path.read_bytes()
    before = sorted(p.name for p in db_path.parent.iterdir())
    try:
        restore_backup(backup, db_path, None)
    except SupervisionAuditError as exc:
        assert str(exc).strip()
        assert db_path.read_bytes() == original  # the live store untouched
        assert sorted(p.name for p in db_path.parent.iterdir()) == before  # nothing left
        return
    try:  # restored: the store opens whole, as the backup had it
        store = open_store(db_path, create=False)
        with store.read() as s:
            assert s.exec(select(func.count()).select_from(Staff)).one() == 20
        store.close()
    finally:  # the live store as it was, for the next example
        db_path.write_bytes(original)
        for leftover in db_path.parent.glob("live.before-restore-*"):
            leftover.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
