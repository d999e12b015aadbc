"""The main window as a user drives it: choose a person, add, edit, contract, export, import;
the window remembers its size; errors arrive as messages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from supervision_audit.errors import NotFoundError
from supervision_audit.services.access import Actor
from supervision_audit.services.contracts import latest_contract, save_contract
from supervision_audit.ui import main_window
from supervision_audit.ui.app import create_main_window
from supervision_audit.ui.file import export_pdf
from supervision_audit.ui.file.contract_dialog import ContractDialog
from supervision_audit.ui.staff.import_dialog import ImportDialog
from supervision_audit.ui.staff.leaver_dialog import LeaverDialog
from supervision_audit.ui.staff.staff_dialog import StaffDialog
from tests.ui.driving import click_row

TERMS = {"venue": "Oldbury", "intermediary": "Sam Head", "duration_minutes": 90,
         "frequency": "monthly", "date_agreed": "2025-02-03"}


@pytest.fixture
def open_window(qtbot, store):
    def make(actor: Actor):
        window = create_main_window(store, actor)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window
    return make


@pytest.fixture
def window(open_window, actor, people):
    return open_window(actor)


def test_the_status_bar_names_the_file_and_counts(window) -> None:
    assert window.status_label.text() == "t.sqlite  ·  7 active people  ·  3 teams"
    assert "t.sqlite" in window.windowTitle()


def test_choosing_a_person_shows_their_file(window, people) -> None:
    assert window.file_view.file is None
    assert not window.edit_person_action.isEnabled()
    window.staff_page.select(people["P2"])
    assert window.file_view.file.name == "Łucja Żak"
    assert window.file_view.contract.status.text() == "Missing"
    assert window.edit_person_action.isEnabled()
    assert not window.export_action.isEnabled()  # no contract yet


def test_menus_hold_the_actions_with_their_shortcuts(window) -> None:
    menus = {menu.title().replace("&", ""): [a.text().replace("&", "") for a in menu.actions()
                                             if not a.isSeparator()]
             for menu in (a.menu() for a in window.menuBar().actions())}
    assert menus["File"] == ["Import staff…", "Export contract PDF…", "Quit"]
    assert menus["Staff"] == ["New person…", "Edit person…", "Mark as left…", "New contract…"]
    assert "Show people who have left" in menus["View"]
    assert menus["Help"] == ["About Supervision Audit"]
    shortcuts = {
        window.import_action: "Ctrl+I", window.export_action: "Ctrl+E",
        window.quit_action: "Ctrl+Q", window.new_person_action: "Ctrl+N",
        window.edit_person_action: "Ctrl+Shift+E", window.find_action: "Ctrl+F",
    }
    for action, keys in shortcuts.items():
        assert QKeySequence(keys) in action.shortcuts(), action.text()


def test_find_puts_the_cursor_in_the_search_box(qtbot, window) -> None:
    window.find_action.trigger()
    assert window.focusWidget() is window.staff_page.search


def test_geometry_and_splitter_are_remembered(qtbot, open_window, actor, people,
                                              isolated_qsettings) -> None:
    first = open_window(actor)
    # the off-screen screen is narrower than the window can be made: its least width
    width = first.minimumSizeHint().width()
    first.resize(width, 530)
    first.splitter.setSizes([width - 600, 600])
    sizes = first.splitter.sizes()
    first.close()
    assert list(isolated_qsettings.rglob("*.ini")), "settings went outside the test folder"
    second = open_window(actor)
    assert second.size() == QSize(width, 530)
    assert second.splitter.sizes() == sizes


def test_adding_a_person_through_the_menu(qtbot, store, window) -> None:
    window.new_person_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, StaffDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.staff_id, "P50")
    qtbot.keyClicks(dialog.name, "Grace Obi")
    dialog.team.setCurrentText("Assessment")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Grace Obi" in window.staff_page.visible_names()
    assert window.file_view.file.name == "Grace Obi"  # the new person is chosen
    assert window.statusBar().currentMessage() == "Added Grace Obi."
    assert window.status_label.text().startswith("t.sqlite  ·  8 active people")


def test_a_new_contract_from_the_file(qtbot, store, people, window) -> None:
    window.staff_page.select(people["P1"])
    qtbot.mouseClick(window.file_view.contract.new_button, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    assert isinstance(dialog, ContractDialog)
    qtbot.keyClicks(dialog.editor.widget_for("venue"), "Oldbury Council House")
    qtbot.keyClicks(dialog.editor.widget_for("date_agreed").line, "03/02/2025")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    panel = window.file_view.contract
    assert panel.version.text() == "Version 1"
    assert panel.agreed.text() == "03/02/2025"
    assert window.export_action.isEnabled()
    with store.read() as session:
        assert latest_contract(session, people["P1"]).values["venue"] == "Oldbury Council House"


def test_exporting_the_contract_writes_a_pdf(qtbot, monkeypatch, tmp_path, store, actor,
                                             people, window) -> None:
    with store.write() as session:
        save_contract(session, actor, people["P2"], TERMS)
    window.staff_page.select(people["P2"])
    suggested: list[Path] = []

    def choose(_parent, proposal: Path) -> Path:
        suggested.append(proposal)
        return tmp_path / "contract"

    monkeypatch.setattr(export_pdf, "choose_pdf_path", choose)
    qtbot.mouseClick(window.file_view.contract.export_button, Qt.MouseButton.LeftButton)
    assert suggested[0].name == "Supervision contract - Łucja Żak - v1.pdf"
    out = tmp_path / "contract.pdf"
    assert out.read_bytes().startswith(b"%PDF")
    assert window.statusBar().currentMessage() == f"Saved {out}"
    window.export_action.trigger()  # the menu exports the current contract too
    assert len(suggested) == 2


def test_marking_as_left_keeps_the_person_shown(qtbot, store, people, window) -> None:
    window.staff_page.select(people["P10"])
    window.mark_left_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, LeaverDialog)
    dialog.date.line.setText("30/06/2025")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert window.staff_page.show_left.isChecked()
    assert window.file_view.file.name == "Ben Carter"
    assert window.file_view.state.text() == "Left 30/06/2025"
    assert not window.mark_left_action.isEnabled()
    assert window.status_label.text() == "t.sqlite  ·  6 active people (1 left)  ·  3 teams"


def test_importing_refreshes_the_list(qtbot, monkeypatch, tmp_path, window) -> None:
    good = tmp_path / "new.csv"
    good.write_text("staff_id,name,job_title,team,location,role,supervisor_id,"
                    "employment_start,asye_start,email,phone\n"
                    "P60,Kwame Mensah,Social Worker,Fostering,Oldbury,practitioner,S1,"
                    "01/04/2025,,,\n", encoding="utf-8")
    monkeypatch.setattr(ImportDialog, "choose_file", staticmethod(lambda _p, _d: good))
    window.import_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, ImportDialog)
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(
        QDialogButtonBox.StandardButton.Close), Qt.MouseButton.LeftButton)
    assert "Kwame Mensah" in window.staff_page.visible_names()
    assert window.status_label.text().endswith("4 teams")


def test_a_service_error_becomes_a_message(monkeypatch, people, window, message_log) -> None:
    def gone(*_args, **_kwargs):
        raise NotFoundError("That member of staff is not in the database.")

    monkeypatch.setattr(main_window, "load_file", gone)
    window.staff_page.select(people["P1"])
    assert message_log.shown == [("show_error", "Could not open the supervision file",
                                  "That member of staff is not in the database.")]


def test_a_supervisor_sees_their_line_and_cannot_manage_staff(open_window, people) -> None:
    mia = Actor(username="mia", staff_id=people["M1"], name="Mia Manager",
                staff_role="team_manager")
    window = open_window(mia)
    assert window.staff_page.visible_names() == ["Łucja Żak", "Mia Manager", "Pat Worker"]
    assert not window.new_person_action.isEnabled()
    assert not window.import_action.isEnabled()
    window.staff_page.select(people["P1"])
    assert window.new_contract_action.isEnabled()  # she supervises Pat
    assert not window.edit_person_action.isEnabled()
    window.staff_page.select(people["M1"])
    assert not window.new_contract_action.isEnabled()  # her own contract is Sam's to write


def test_about_names_the_app(window, message_log) -> None:
    window.about_action.trigger()
    kind, title, text = message_log.shown[0]
    assert (kind, title) == ("about", "About Supervision Audit")
    assert "t.sqlite" in text


def test_leaving_date_defaults_to_today(qtbot, store, people, window) -> None:
    window.staff_page.select(people["P1"])
    window.mark_left_action.trigger()
    assert window.dialog.date.date() == date.today()


def test_a_window_deleted_before_its_background_work_ends_still_sees_it_end(
        qtbot, store, actor, people, monkeypatch) -> None:
    """The window loads the heavy libraries in the background. Deleted before that ends
    (signed out at once), it must not take the job with it: the job still ends and is
    counted off, so that nothing waits for it for ever."""
    import threading

    import shiboken6

    from supervision_audit.ui.common.workers import running_jobs
    from supervision_audit.ui.window import window_tools

    qtbot.waitUntil(lambda: running_jobs() == 0, timeout=5000)
    started, release = threading.Event(), threading.Event()

    class SlowImports:
        @staticmethod
        def import_module(_name: str) -> None:
            started.set()
            release.wait(10)

    monkeypatch.setattr(window_tools, "importlib", SlowImports)
    window = create_main_window(store, actor)
    window.preload_heavy_modules()
    qtbot.waitUntil(started.is_set, timeout=5000)
    assert running_jobs() >= 1
    shiboken6.delete(window)
    release.set()
    qtbot.waitUntil(lambda: running_jobs() == 0, timeout=5000)


def test_clicking_a_person_in_the_list_opens_their_file(qtbot, window, people) -> None:
    window.pages.setCurrentWidget(window.splitter)
    view = window.staff_page.view
    click_row(view, "Łucja Żak")
    assert window.file_view.currentWidget() is window.file_view.scroll
    assert window.file_view.file.name == "Łucja Żak"
    assert window.file_view.name.text() == "Łucja Żak"
    click_row(view, "Ben Carter")  # and the next click opens the next file
    assert window.file_view.name.text() == "Ben Carter"
    QTest.keyClick(view, Qt.Key.Key_Down)  # the arrow keys still move through the files
    assert window.file_view.name.text() == window.staff_page.visible_names()[
        window.staff_page.visible_names().index("Ben Carter") + 1]
