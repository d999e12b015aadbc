"""Each role meets its own window: what it can do is shown, what it never can is hidden (not
greyed); a supervisee's home is her own file with what waits for her; a record's actions
are on the record (a right click, a tool bar while it is chosen); "awaiting your signature"
on the dashboard opens the signing. Every step is a click or a key on the real widgets."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolBar

from supervision_audit.demo import acting_as
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from supervision_audit.ui.app import create_main_window
from supervision_audit.ui.records.sign_dialog import SignDialog
from tests.record_helpers import completed_record
from tests.ui.driving import click_row, right_click_row
from tests.ui.signed_in import actor_of

HELD = date(2025, 3, 3)


@pytest.fixture
def org(store, people):
    """The small organisation, an administrator, and a record of Pat's supervision by Mia,
    complete and awaiting signatures (Mia's first)."""
    with store.write() as s:
        save_staff(s, acting_as(s, people["S1"]), StaffInput(
            "X1", "Alex Admin", "Systems Administrator", role="other"))
        record = completed_record(s, get_by_staff_id(s, "P1"), HELD)
    return record.id


@pytest.fixture
def open_as(qtbot, store, org):
    def make(staff_id: str, **extra):
        window = create_main_window(store, actor_of(store, staff_id, **extra))
        qtbot.addWidget(window)
        window.resize(1280, 720)
        window.show()
        qtbot.waitExposed(window)
        if window.dashboard is not None:
            qtbot.waitUntil(lambda: not window.dashboard.loading, timeout=10_000)
        return window
    return make


def menus(window) -> dict[str, list[str]]:
    """The menus shown and the actions shown in each."""
    return {entry.text().replace("&", ""): [a.text().replace("&", "")
                                            for a in entry.menu().actions()
                                            if a.isVisible() and not a.isSeparator()]
            for entry in window.menuBar().actions() if entry.isVisible()}


def toolbar_texts(bar: QToolBar) -> list[str]:
    return [a.text().replace("&", "") for a in bar.actions()
            if a.text() and a.isVisible() and not a.isSeparator()
            and bar.widgetForAction(a) is not None
            and bar.widgetForAction(a).isVisible()]


def tabs(window) -> list[str]:
    return [window.pages.tabText(i) for i in range(window.pages.count())]


def test_a_team_manager_sees_her_team_and_no_staff_administration(open_as) -> None:
    window = open_as("M1")
    assert tabs(window) == ["Dashboard", "Staff and files"]
    assert toolbar_texts(window.main_toolbar) == ["New contract…", "New record…",
                                                  "Export contract PDF…"]
    shown = menus(window)
    assert "Admin" not in shown
    assert shown["Staff"] == ["New contract…"]
    assert shown["Reports"] == ["Monthly return…", "Verify a PDF…"]
    assert not window.new_person_action.isVisible()  # hidden, not greyed
    assert "Audits due" not in window.dashboard.tiles


def test_a_social_worker_has_her_own_file_as_her_home(open_as, org) -> None:
    window = open_as("P1")
    assert tabs(window) == ["My supervision"]
    assert window.pages.tabBar().isHidden()
    assert window.dashboard is None
    assert not window.staff_page.isVisible()
    assert window.file_view.name.text() == "Pat Worker"  # her file, open at once
    assert window.waiting.isVisible()
    assert window.status_label.text() == "t.sqlite  ·  signed in as Pat Worker"
    shown = menus(window)
    assert set(shown) == {"File", "Record", "View", "Reports", "Account", "Help"}
    assert shown["File"] == ["Export contract PDF…", "Quit"]
    assert shown["Reports"] == ["Verify a PDF…"]
    assert "New record…" not in shown["Record"] and "Reopen as draft…" not in shown["Record"]
    assert toolbar_texts(window.main_toolbar) == ["Export contract PDF…"]
    # the record waits for Mia's signature first: Pat sees it waiting, nothing to sign yet
    assert window.waiting.texts() == [
        f"→  The record of {HELD:%d/%m/%Y} is awaiting Mia Manager's signature"]


def test_a_senior_manager_has_the_audits_and_the_log(open_as) -> None:
    window = open_as("S1")
    assert "Audits due" in window.dashboard.tiles
    shown = menus(window)
    assert shown["Reports"] == ["Monthly return…", "Audits due this month",
                                "Audit programme…", "Verify a PDF…"]
    assert shown["Admin"] == ["Access log…"]
    assert "Staff" in shown and shown["Staff"] == ["New contract…"]


def test_an_administrator_manages_staff_and_reads_no_file(open_as) -> None:
    window = open_as("X1", is_admin=True)
    assert tabs(window) == ["Staff and files"] and window.dashboard is None
    assert toolbar_texts(window.main_toolbar) == ["New person…", "Edit person…",
                                                  "Mark as left…", "Import staff…"]
    shown = menus(window)
    assert shown["Staff"] == ["New person…", "Edit person…", "Mark as left…"]
    assert "Record" not in shown
    assert shown["Admin"] == ["Accounts…", "Access log…", "Subject access export…",
                              "Backups…", "Signing certificate…",
                              "Import historical monitoring sheets…"]
    assert not window.edit_person_action.isEnabled()  # nobody chosen yet: greyed
    click_row(window.staff_page.view, "Pat Worker")
    assert window.edit_person_action.isEnabled()


def _records_table(window):
    table = window.records_panel.table
    window.file_view.scroll.ensureWidgetVisible(table)
    QApplication.processEvents()
    return table


# a menu popping up off screen: the platform cannot raise it or grab the keyboard
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing|propagateSizeHints)")
def test_a_chosen_record_brings_its_tool_bar_and_a_right_click_its_menu(qtbot, open_as,
                                                                         org) -> None:
    window = open_as("M1")
    window.pages.setCurrentWidget(window.splitter)
    click_row(window.staff_page.view, "Pat Worker")
    assert window.record_toolbar.isHidden()  # no record chosen yet
    table = _records_table(window)
    click_row(table, HELD.strftime("%d/%m/%Y"))
    assert window.record_toolbar.isVisible()
    assert window.record_label.text() == f"Individual record of {HELD:%d/%m/%Y}:"
    assert toolbar_texts(window.record_toolbar) == [
        "Open", "Sign…", "Reopen as draft…", "Add addendum…", "Copy given…", "Print…",
        "Export PDF…"]
    right_click_row(table, HELD.strftime("%d/%m/%Y"))
    menu = window.records_panel.actions.menu
    assert menu is not None and menu.isVisible()
    entries = [a for a in menu.actions() if not a.isSeparator()]
    assert [a.text() for a in entries] == ["Open", "Sign…", "Add addendum…",
                                           "Reopen as draft…", "Copy given…", "Print…",
                                           "Export PDF…", "New record…"]
    sign = next(a for a in entries if a.text() == "Sign…")
    assert sign.isEnabled()
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     menu.actionGeometry(sign).center())
    dialog = window.records_panel.dialog
    assert isinstance(dialog, SignDialog) and dialog.isVisible()
    assert dialog.record_id == org
    dialog.reject()
    # and the same from the tool bar
    button = window.record_toolbar.widgetForAction(window.records_panel.actions.sign)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert isinstance(window.records_panel.dialog, SignDialog)
    window.records_panel.dialog.reject()
    # the tool bar is the file's: it goes with the page
    qtbot.mouseClick(window.pages.tabBar(), Qt.MouseButton.LeftButton,
                     pos=window.pages.tabBar().tabRect(0).center())
    assert window.pages.currentWidget() is window.dashboard
    assert window.record_toolbar.isHidden()


def test_awaiting_your_signature_on_the_dashboard_opens_the_signing(qtbot, open_as,
                                                                    org) -> None:
    window = open_as("M1")
    page = window.dashboard
    qtbot.mouseClick(page.tiles["Records awaiting signature"], Qt.MouseButton.LeftButton)
    rows = page.items_of("Records awaiting signature")
    assert [(r.text(0), r.text(1).split(";")[0]) for r in rows] == [
        ("Pat Worker", "awaiting your signature")]
    page.tree.setFocus()
    page.tree.setCurrentItem(rows[0])
    QTest.keyClick(page.tree, Qt.Key.Key_Return)
    dialog = window.dialog
    assert isinstance(dialog, SignDialog) and dialog.isVisible()
    assert (dialog.kind, dialog.record_id) == ("record", org)


def test_what_waits_for_a_supervisee_opens_her_signing(qtbot, store, open_as, org) -> None:
    from supervision_audit.services.signatures import sign

    with store.write() as s:
        sign(s, acting_as(s, get_by_staff_id(s, "M1").id), "record", org, password=None)
    window = open_as("P1")
    assert window.waiting.texts()[0] == \
        f"→  Sign the record of your supervision on {HELD:%d/%m/%Y}"
    assert window.waiting.count.text() == "1 to sign"
    qtbot.mouseClick(window.waiting.open_button, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    assert isinstance(dialog, SignDialog) and dialog.record_id == org
    dialog.reject()
    window.waiting.list.setFocus()
    QTest.keyClick(window.waiting.list, Qt.Key.Key_Return)
    assert isinstance(window.dialog, SignDialog) and window.dialog is not dialog


@pytest.mark.parametrize(("staff_id", "extra"), [("M1", {}), ("S1", {}), ("P1", {}),
                                                 ("X1", {"is_admin": True})])
def test_each_roles_window_fits_a_1280_by_720_screen(open_as, staff_id, extra) -> None:
    from supervision_audit.ui.common.layout_checks import fits_screen

    window = open_as(staff_id, **extra)
    assert fits_screen(window, 1280, 690) is None  # 720 less the title bar
    assert window.height() <= 720


def test_the_record_tool_bar_waits_for_a_record_after_a_restart(qtbot, open_as) -> None:
    first = open_as("M1")
    first.pages.setCurrentWidget(first.splitter)
    click_row(first.staff_page.view, "Pat Worker")
    click_row(_records_table(first), HELD.strftime("%d/%m/%Y"))
    assert first.record_toolbar.isVisible()
    first.close()  # the window's layout, tool bars with it, is remembered
    second = open_as("M1")
    assert second.record_toolbar.isHidden()


def test_an_inspector_reads_and_is_offered_nothing_to_write_or_sign(open_as) -> None:
    from datetime import timedelta

    window = open_as("X1", is_inspector=True, inspector_scope=("*",),
                     inspector_until=date.today() + timedelta(days=30))
    assert tabs(window) == ["Dashboard", "Staff and files"]
    shown = menus(window)
    assert shown["Record"] == ["Open", "Print…", "Export PDF…"]
    assert "Staff" not in shown and "Admin" not in shown
    assert toolbar_texts(window.main_toolbar) == ["Export contract PDF…"]
