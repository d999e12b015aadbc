"""Importing staff: every problem by row and column and nothing imported, or the counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlmodel import func, select

from supervision_audit.models import Staff
from supervision_audit.services.staff import get_by_staff_id
from supervision_audit.services.staff_import import import_staff
from supervision_audit.ui.staff.import_dialog import ImportDialog

HEADER = ("staff_id,name,job_title,team,location,role,supervisor_id,employment_start,"
          "asye_start,email,phone\n")


@pytest.fixture
def run_import(store, actor):
    def run(path: Path):
        with store.write() as session:
            return import_staff(session, actor, path)
    return run


@pytest.fixture
def dialog(qtbot, run_import) -> ImportDialog:
    widget = ImportDialog(run_import, "")
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _count(store) -> int:
    with store.read() as session:
        return session.exec(select(func.count()).select_from(Staff)).one()


def _choose(qtbot, monkeypatch, dialog: ImportDialog, path: Path) -> None:
    asked: list[str] = []

    def choose_file(_parent, start_dir: str) -> Path:
        asked.append(start_dir)
        return path

    monkeypatch.setattr(ImportDialog, "choose_file", staticmethod(choose_file))
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert asked == [""]
    assert dialog.path.text() == str(path)


def test_a_bad_file_lists_every_problem_and_imports_nothing(qtbot, monkeypatch, tmp_path,
                                                            store, people, dialog) -> None:
    bad = tmp_path / "staff.csv"
    bad.write_text(HEADER
                   + "P30,,Social Worker,Assessment,Oldbury,practitioner,M1,31/02/2024,,x,\n"
                   + "P31,Amy Lee,Social Worker,Assessment,Oldbury,wizard,M1,01/03/2024,,,\n"
                   + "P32,Dan Fry,Social Worker,Assessment,Oldbury,practitioner,NOBODY,,,,\n",
                   encoding="utf-8")
    before = _count(store)
    _choose(qtbot, monkeypatch, dialog, bad)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "staff.csv has 5 problems. Nothing was imported."
    rows = dialog.problem_rows()
    assert ("2", "name", "Name is required") in rows
    assert ("2", "email", "'x' is not an e-mail address") in rows
    assert any(r[:2] == ("2", "employment_start") and "31/02/2024" in r[2] for r in rows)
    assert any(r[:2] == ("3", "role") and "wizard" in r[2] for r in rows)
    assert any(r[:2] == ("4", "supervisor_id") and "NOBODY" in r[2] for r in rows)
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(3)]
    assert headers == ["Row", "Column", "Problem"]
    assert dialog.table.isVisible()
    assert dialog.result is None
    assert _count(store) == before


def test_a_wrong_header_is_reported_on_row_one(qtbot, monkeypatch, tmp_path, store,
                                               dialog) -> None:
    bad = tmp_path / "people.csv"
    bad.write_text("id,full name\n1,Someone\n", encoding="utf-8")
    _choose(qtbot, monkeypatch, dialog, bad)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    rows = dialog.problem_rows()
    assert ("1", "staff_id", "The header row has no 'staff_id' column") in rows
    assert dialog.status.text().endswith("Nothing was imported.")
    assert _count(store) == 0


def test_a_good_file_is_imported_and_counted(qtbot, monkeypatch, tmp_path, store, people,
                                             dialog) -> None:
    good = tmp_path / "staff.csv"
    good.write_text(HEADER
                    + "P1,Pat Worker,Senior Social Worker,Assessment,Oldbury,practitioner,M1,"
                      "01/03/2024,,pat@example.org,\n"
                    + "P40,Grace Obi,Social Worker,Assessment,Oldbury,practitioner,M1,"
                      "2025-02-03,,grace@example.org,0121 111 2222\n",
                    encoding="utf-8")
    _choose(qtbot, monkeypatch, dialog, good)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Imported staff.csv: 1 added, 1 updated."
    assert not dialog.table.isVisible()
    assert (dialog.result.created, dialog.result.updated) == (1, 1)
    with store.read() as session:
        assert get_by_staff_id(session, "P40").name == "Grace Obi"
        assert get_by_staff_id(session, "P1").job_title == "Senior Social Worker"


def test_cancelling_the_file_chooser_changes_nothing(qtbot, monkeypatch, dialog) -> None:
    monkeypatch.setattr(ImportDialog, "choose_file", staticmethod(lambda _p, _d: None))
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert dialog.path.text() == ""
    assert not dialog.import_button.isEnabled()


@pytest.fixture
def checked_dialog(qtbot, store, actor, run_import) -> ImportDialog:
    from supervision_audit.services.staff_import_preview import preview_staff_import

    def preview(path: Path):
        with store.read() as session:
            return preview_staff_import(session, actor, path)

    widget = ImportDialog(run_import, "", preview=preview)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_choosing_a_file_shows_what_it_adds_and_changes_before_anything_is_written(
        qtbot, monkeypatch, tmp_path, store, people, checked_dialog) -> None:
    dialog = checked_dialog
    good = tmp_path / "staff.csv"
    good.write_text(HEADER
                    + "P1,Pat Worker,Senior Social Worker,Assessment,Oldbury,practitioner,M1,"
                      "01/03/2024,,p1@example.org,0121 000 0000\n"
                    + "P2,Łucja Żak,Senior Social Worker,Assessment,Oldbury,practitioner,M1,"
                      "14/10/2019,,p2@example.org,0121 000 0000\n"
                    + "P40,Grace Obi,Social Worker,Assessment,Oldbury,practitioner,M1,"
                      "2025-02-03,,grace@example.org,0121 111 2222\n",
                    encoding="utf-8")
    before = _count(store)
    _choose(qtbot, monkeypatch, dialog, good)  # checked at once, nothing written
    assert dialog.status.text() == ("staff.csv: 1 to add, 1 to change, 1 unchanged. "
                                    "Nothing is written until you click Import.")
    assert dialog.preview_rows() == [
        ("4", "P40", "Grace Obi", "Added: a new member of staff"),
        ("2", "P1", "Pat Worker", "Job title: Social Worker → Senior Social Worker")]
    assert dialog.preview_table.isVisible() and not dialog.table.isVisible()
    assert _count(store) == before and dialog.result is None
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Imported staff.csv: 1 added, 2 updated."  # ids known
    assert _count(store) == before + 1


def test_a_bad_file_shows_every_problem_and_offers_no_import(
        qtbot, monkeypatch, tmp_path, store, people, checked_dialog) -> None:
    dialog = checked_dialog
    bad = tmp_path / "staff.csv"
    bad.write_text(HEADER
                   + "P31,Amy Lee,Social Worker,Assessment,Oldbury,wizard,M1,01/03/2024,,,\n"
                   + "P32,Dan Fry,Social Worker,Assessment,Oldbury,practitioner,NOBODY,,,,\n",
                   encoding="utf-8")
    _choose(qtbot, monkeypatch, dialog, bad)
    assert dialog.status.text() == ("staff.csv has 2 problems. Nothing will be imported "
                                    "until they are put right.")
    assert [r[:2] for r in dialog.problem_rows()] == [("2", "role"), ("3", "supervisor_id")]
    assert not dialog.import_button.isEnabled()
    assert not dialog.preview_table.isVisible()
