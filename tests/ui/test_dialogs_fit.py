"""Every dialog fits a 1280×720 laptop screen: the least it can be and the size it opens at
leave room for the title bar and the task bar (650 pixels of height)."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QApplication, QWidget

from supervision_audit.demo import acting_as
from supervision_audit.errors import Problem
from supervision_audit.services.accounts import Vault
from supervision_audit.services.audits import start_audit
from supervision_audit.services.records import save_draft, start_record
from supervision_audit.services.sessions import plan_year
from supervision_audit.services.signatures import sign
from supervision_audit.services.signin import OpenStore
from supervision_audit.services.staff import get_by_staff_id
from supervision_audit.ui.common.layout_checks import fits_screen
from supervision_audit.ui.widgets.dialog_body import DialogBody
from tests.record_helpers import completed_record, signed_record
from tests.ui.signed_in import actor_of

WIDTH, HEIGHT = 1280, 650  # a 720-pixel screen less its task bar and the dialog's title
LAPTOP = QRect(0, 0, 1280, 690)  # 1280×720 less a task bar
SMALL = QRect(0, 0, 960, 500)  # a small screen, or a laptop at a larger scale


@pytest.fixture
def world(store, actor, people):
    """Records, a planned year, an audit and the rest the dialogs open on."""
    with store.write() as s:
        pat = get_by_staff_id(s, "P1")
        awaiting = completed_record(s, pat, date(2025, 3, 3)).id
        to_countersign = completed_record(s, pat, date(2025, 3, 17)).id
        sign(s, acting_as(s, people["M1"]), "record", to_countersign, password=None)
        final = signed_record(s, "P2", date(2025, 3, 4)).id
        planned = plan_year(s, actor, pat.id, date(2025, 4, 1), 0, time(10), months=3)[0].id
        audit = start_audit(s, acting_as(s, people["S1"]), pat.id, date(2025, 6, 2)).id
        group = start_record(s, acting_as(s, people["M1"]), form_key="group",
                             held_on=date(2025, 3, 10))
        save_draft(s, acting_as(s, people["M1"]), group.id,
                   {**group.values, "attendees": [str(pat.id)]})
    return {"awaiting": awaiting, "final": final, "countersign": to_countersign,
            "planned": planned, "audit": audit,
            "group": group.id, "pat": people["P1"], "aisha": people["P3"],
            "mia": people["M1"], "head": people["S1"]}


def _factories(store, actor, w, parent: QWidget):  # type: ignore[no-untyped-def]
    from supervision_audit.ui.admin import accounts_dialog, backup_ui, certificate_dialog
    from supervision_audit.ui.asye import asye_dialog
    from supervision_audit.ui.audits import audit_dialog, audit_programme_dialog, observation_dialog
    from supervision_audit.ui.file import (
        case_dialog,
        checklist_dialog,
        contract_dialog,
        documents_panel,
    )
    from supervision_audit.ui.monitoring import monitoring_files, postpone_dialog, schedule_dialog
    from supervision_audit.ui.records import (
        addendum_dialog,
        copy_dialog,
        record_opening,
        record_start_dialog,
        reopen_dialog,
        sign_dialog,
    )
    from supervision_audit.ui.reports import access_log_dialog, monthly_return_dialog
    from supervision_audit.ui.signin import first_run_dialog, password_dialog, sign_in_dialog
    from supervision_audit.ui.staff import import_dialog, leaver_dialog, staff_dialog

    opened = OpenStore(store, actor, Vault(store.path, store.key))
    tmp = Path(store.path).parent
    return {
        "new person": lambda: staff_dialog.StaffDialog(store, actor, None, parent),
        "edit person": lambda: staff_dialog.StaffDialog(store, actor, w["pat"], parent),
        "mark as left": lambda: leaver_dialog.LeaverDialog(store, actor, w["pat"], parent),
        "import staff": lambda: import_dialog.ImportDialog(lambda _p: None, str(tmp), parent),
        "contract": lambda: contract_dialog.ContractDialog(store, actor, w["pat"], None,
                                                           parent),
        "record": lambda: record_opening.open_record_dialog(store, actor, w["awaiting"],
                                                           parent),
        "group record": lambda: record_opening.open_record_dialog(store, actor, w["group"],
                                                                 parent),
        "new record": lambda: record_start_dialog.StartRecordDialog(
            "New supervision record", "Which session?", [], parent),
        "sign": lambda: sign_dialog.SignDialog(store, actor, "record", w["awaiting"], parent),
        "sign as supervisee": lambda: sign_dialog.SignDialog(
            store, actor_of(store, "P1"), "record", w["countersign"], parent),
        "addendum": lambda: addendum_dialog.AddendumDialog(store, actor, "record", w["final"],
                                                           parent),
        "copy given": lambda: copy_dialog.CopyDialog(store, actor, w["final"], parent),
        "reopen": lambda: reopen_dialog.ReopenDialog(store, actor, w["awaiting"], parent),
        "plan a year": lambda: schedule_dialog.PlanYearDialog(store, actor, w["pat"], parent),
        "move session": lambda: schedule_dialog.MoveDialog(store, actor, w["planned"], parent),
        "postpone": lambda: postpone_dialog.PostponeDialog(store, actor, w["planned"], parent),
        "case": lambda: case_dialog.CaseDialog(store, actor, w["pat"], "Pat Worker", parent),
        "add document": lambda: documents_panel.AddDocumentDialog("Section 4", parent),
        "checklist": lambda: checklist_dialog.ChecklistDialog(store, actor, w["pat"],
                                                              "Pat Worker", parent),
        "import problems": lambda: monitoring_files.ImportProblemsDialog(
            tmp / "sheet.xlsx", [Problem(f"row {n}", "A bad date") for n in range(40)],
            parent),
        "asye tracker": lambda: asye_dialog.TrackerDialog(store, actor, w["aisha"], parent),
        "audit": lambda: audit_dialog.AuditDialog(store, actor, w["audit"], parent),
        "audit programme": lambda: audit_programme_dialog.AuditProgrammeDialog(
            store, actor, parent),
        "observation": lambda: observation_dialog.ObservationDialog(store, actor, w["mia"],
                                                                    parent),
        "monthly return": lambda: monthly_return_dialog.MonthlyReturnDialog(store, actor,
                                                                            parent),
        "accounts": lambda: accounts_dialog.AccountsDialog(store, actor, opened.vault, parent),
        "access log": lambda: access_log_dialog.AccessLogDialog(store, actor, parent),
        "subject access": lambda: access_log_dialog.SubjectAccessDialog(store, actor, parent),
        "backups": lambda: backup_ui.BackupsDialog(store, actor, None, parent),
        "certificate": lambda: certificate_dialog.CertificateDialog(store, actor, parent),
        "change password": lambda: password_dialog.ChangePasswordDialog(opened, False, parent),
        "first run": lambda: first_run_dialog.FirstRunDialog(tmp / "new.sqlite", parent),
        "recovery key": lambda: first_run_dialog.RecoveryKeyDialog("ABCD-" * 12, parent),
        "sign in": lambda: sign_in_dialog.SignInDialog(store.path, "", parent),
    }


NAMES = ["new person", "edit person", "mark as left", "import staff", "contract", "record",
         "group record", "new record", "sign", "sign as supervisee", "addendum", "copy given",
         "reopen",
         "plan a year", "move session", "postpone", "case", "add document", "checklist",
         "import problems", "asye tracker", "audit", "audit programme", "observation",
         "monthly return", "accounts", "access log", "subject access", "backups",
         "certificate", "change password", "first run", "recovery key", "sign in"]


@pytest.mark.parametrize("name", NAMES)
def test_the_dialog_fits_a_1280_by_720_screen(qtbot, monkeypatch, store, actor, world,
                                              name) -> None:
    # the dialogs size themselves from the screen: make it a laptop's, less its task bar
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: LAPTOP)
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = _factories(store, actor, world, parent)[name]()
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    assert fits_screen(dialog, WIDTH, HEIGHT) is None
    assert dialog.width() <= WIDTH and dialog.height() <= HEIGHT, dialog.size()
    dialog.close()


@pytest.mark.parametrize("name", NAMES)
def test_the_dialog_opens_within_a_smaller_screen(qtbot, monkeypatch, store, actor, world,
                                                 name) -> None:
    """On a smaller screen (or a larger scale) it opens no larger than the screen, unless
    it cannot be that small."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: SMALL)
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = _factories(store, actor, world, parent)[name]()
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    least = dialog.minimumSizeHint()
    assert dialog.width() <= max(SMALL.width(), least.width()), dialog.size()
    assert dialog.height() <= max(SMALL.height(), least.height()), dialog.size()
    dialog.close()


LAPTOP_150 = QRect(0, 0, 853, 480)  # a 1280×720 laptop at 150 %, in logical pixels


def _open_on_screen(qtbot, monkeypatch, store, actor, world, name: str, screen: QRect):
    """The dialog ``name`` shown on a screen of ``screen``'s logical size, and its parent
    (which the caller keeps: the dialog is deleted with it)."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: screen)
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = _factories(store, actor, world, parent)[name]()
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog, parent


@pytest.mark.parametrize("name", NAMES)
def test_the_dialog_fits_a_laptop_at_150_percent(qtbot, monkeypatch, store, actor, world,
                                                 name) -> None:
    """At 150 % a 1280×720 laptop is 853×480: the dialog can be that small, less its title
    bar (a tall one scrolls its middle, its buttons in view), and opens no larger."""
    dialog, _parent = _open_on_screen(qtbot, monkeypatch, store, actor, world, name, LAPTOP_150)
    QApplication.processEvents()
    assert fits_screen(dialog, LAPTOP_150.width(), LAPTOP_150.height() - 30) is None
    assert dialog.height() <= LAPTOP_150.height(), dialog.size()
    dialog.close()


def test_the_password_to_sign_is_in_view_at_150_percent(qtbot, monkeypatch, store, actor,
                                                       world) -> None:
    """The signing dialog's middle scrolls at 150 %: the password field, which has the
    focus when it opens, is scrolled into view (not left below the buttons)."""
    dialog, _parent = _open_on_screen(qtbot, monkeypatch, store, actor, world, "sign as supervisee",
                                      LAPTOP_150)
    body = dialog.findChild(DialogBody)
    assert body is not None and body.verticalScrollBar().maximum() > 0  # it does scroll
    dialog.password.setFocus()
    viewport = body.viewport()
    qtbot.waitUntil(lambda: viewport.rect().contains(
        dialog.password.mapTo(viewport, dialog.password.rect().center())), timeout=3000)
    dialog.close()


LAPTOP_200 = QRect(0, 0, 640, 360)  # a 1280×720 laptop at 200 %, in logical pixels
NOT_YET_AT_200 = {  # what still does not fit 640×360, and why
    "addendum": "opens 409 high",
    "observation": "at least 334 high (with its title bar, more than 360)",
    "access log": "at least 796 wide",
    "recovery key": "opens 363 high",
}


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=NOT_YET_AT_200[name]))
    if name in NOT_YET_AT_200 else name for name in NAMES])
def test_the_dialog_fits_a_laptop_at_200_percent(qtbot, monkeypatch, store, actor, world,
                                                 name) -> None:
    """At 200 % a 1280×720 laptop is 640×360: the dialog can be that small, less its title
    bar (side-by-side panes stack, long lines wrap, a tall middle scrolls with its buttons in
    view), and opens no larger."""
    dialog, _parent = _open_on_screen(qtbot, monkeypatch, store, actor, world, name, LAPTOP_200)
    QApplication.processEvents()
    assert fits_screen(dialog, LAPTOP_200.width(), LAPTOP_200.height() - 30) is None
    assert dialog.width() <= LAPTOP_200.width(), dialog.size()
    assert dialog.height() <= LAPTOP_200.height(), dialog.size()
    dialog.close()


def test_signing_stacks_its_panes_at_200_percent(qtbot, monkeypatch, store, actor,
                                                 world) -> None:
    """At 640 wide what a signature means goes above the drawn signature, whose pad takes
    the width there is; widened (or on a larger screen) they stand side by side again."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: LAPTOP_200)
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = _factories(store, actor, world, parent)["sign as supervisee"]()
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    meaning, drawing = dialog.findChild(QWidget, "meaning_box"), dialog.drawing_box
    assert drawing.y() > meaning.y() + meaning.height() - 1  # one above the other
    assert dialog.pad.width() > drawing.width() - 40  # the pad fills the box's width
    assert dialog.findChild(DialogBody).horizontalScrollBar().maximum() == 0
    dialog.resize(1100, dialog.height())
    qtbot.waitUntil(lambda: abs(drawing.y() - meaning.y()) < 2, timeout=3000)  # side by side
    assert drawing.x() > meaning.x() + meaning.width() - 1
    dialog.close()


def test_backups_scroll_their_middle_at_200_percent(qtbot, monkeypatch, store, actor,
                                                    world) -> None:
    """At 360 high the backups dialog's middle scrolls: no field is squashed below its
    height, and "Back up now", "Restore selected…" and Close stay in view."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: LAPTOP_200)
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = _factories(store, actor, world, parent)["backups"]()
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    for field in (dialog.folder, dialog.every, dialog.kept):
        assert field.height() >= field.minimumSizeHint().height(), field.objectName()
    body = dialog.findChild(DialogBody)
    assert body is not None and body.verticalScrollBar().maximum() > 0
    for button in (dialog.backup_button, dialog.restore_button):
        corner = button.mapTo(dialog, button.rect().bottomRight())
        assert dialog.rect().contains(corner), button.text()
        assert not body.isAncestorOf(button)
    dialog.close()


def _audit_at(qtbot, monkeypatch, store, actor, world, screen: QRect):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: screen)
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = _factories(store, actor, world, parent)["audit"]()
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    return parent, dialog


def test_the_audit_reflows_at_200_percent(qtbot, monkeypatch, store, actor, world) -> None:
    """At 640 wide the audit's form does not scroll sideways: each subject's evidence is
    below its questions, the details are one column, the chips are below the title and the
    introduction scrolls with the form; on a 1440×900 screen all stays side by side."""
    _parent, dialog = _audit_at(qtbot, monkeypatch, store, actor, world, LAPTOP_200)
    scroll = dialog.editor.scroll
    assert scroll.horizontalScrollBar().maximum() == 0
    section = dialog.editor.findChild(QWidget, "section_contract")
    card = dialog.cards["contract"]
    assert card.y() >= section.y() + section.height()  # below it
    assert card.width() >= section.width() - 2  # as wide
    supervisor, team = dialog.editor.widget_for("supervisor_name"), dialog.editor.widget_for(
        "team")
    assert team.y() > supervisor.y() and abs(team.x() - supervisor.x()) < 2  # one column
    title, chips = dialog.findChild(QWidget, "audit_title"), dialog.findChild(QWidget,
                                                                            "audit_chips")
    assert chips.y() >= title.y() + title.height()
    assert scroll.widget().isAncestorOf(dialog.intro)
    dialog._dirty = False
    dialog.close()


def test_the_audit_stays_side_by_side_on_a_large_screen(qtbot, monkeypatch, store, actor,
                                                        world) -> None:
    _parent, dialog = _audit_at(qtbot, monkeypatch, store, actor, world, QRect(0, 0, 1440, 870))
    section = dialog.editor.findChild(QWidget, "section_contract")
    card = dialog.cards["contract"]
    assert card.x() > section.x() + section.width() and abs(card.y() - section.y()) < 20
    supervisor, team = dialog.editor.widget_for("supervisor_name"), dialog.editor.widget_for(
        "team")
    assert abs(team.y() - supervisor.y()) < 2 and team.x() > supervisor.x()  # two columns
    title, chips = dialog.findChild(QWidget, "audit_title"), dialog.findChild(QWidget,
                                                                            "audit_chips")
    assert abs(chips.y() - title.y()) < 2
    assert not dialog.editor.scroll.widget().isAncestorOf(dialog.intro)
    dialog.resize(700, dialog.height())  # made narrow by hand: its evidence goes below
    qtbot.waitUntil(lambda: dialog.cards["contract"].y() > section.y(), timeout=3000)
    qtbot.waitUntil(lambda: dialog.editor.scroll.horizontalScrollBar().maximum() == 0,
                    timeout=3000)
    dialog._dirty = False
    dialog.close()
