"""The window's menus and tool bars for the person signed in: each role is shown the actions
it can take and not those it never can (``services.capabilities``); what it can do only
sometimes (edit the chosen person) is greyed while it cannot. The record's actions get a
tool bar of their own, shown while a record is chosen, and a Record menu.

Also here: signing and auditing straight from the dashboard or a supervisee's home."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMenuBar, QToolBar

from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.capabilities import Capabilities
from supervision_audit.ui.common import messages

AUDITS = "Audits due"


def hidden_sections(caps: Capabilities) -> set[str]:
    """The dashboard's lists a person never has anything in."""
    hidden = set()
    if not caps.audits:
        hidden.add(AUDITS)
    if not caps.supervises:
        hidden.add("Copies due")  # a supervisor's copies to give
    return hidden


class RolesMixin:
    """Mixed into MainWindow, which provides caps, the actions, the pages and dialogs."""

    caps: Capabilities
    store: Any
    actor: Any

    # -- menus and tool bars ----------------------------------------------------------
    def apply_capabilities(self) -> None:
        """Hide every action the signed-in person never can take."""
        caps, w = self.caps, self  # type: Capabilities, Any
        reads = caps.reads_others or caps.has_file
        for action, shown in (
                (w.new_person_action, caps.manages_staff),
                (w.edit_person_action, caps.manages_staff),
                (w.mark_left_action, caps.manages_staff),
                (w.import_action, caps.manages_staff),
                (w.new_contract_action, caps.supervises),
                (w.export_action, reads),
                (w.find_action, caps.sees_others),
                (w.show_left_action, caps.sees_others),
                (w.monthly_return_action, caps.monthly_return),
                (w.audits_due_action, caps.audits),
                (w.programme_action, caps.audits)):
            action.setVisible(shown)
        records = w.records_panel
        if records is not None:
            records.actions.set_writes(caps.supervises)
            signs = caps.supervises or caps.has_file  # an inspector signs nothing
            for action in (records.actions.sign, records.actions.addendum):
                action.setVisible(signs)
            for action in records.actions.all():
                action.setVisible(action.isVisible() and reads)

    def make_role_menus(self, bar: QMenuBar) -> None:
        w: Any = self
        file_menu = bar.addMenu("&File")
        file_menu.addActions([w.import_action, w.export_action])
        file_menu.addSeparator()
        file_menu.addAction(w.quit_action)
        staff_menu = bar.addMenu("&Staff")
        staff_menu.addActions([w.new_person_action, w.edit_person_action,
                               w.mark_left_action])
        staff_menu.addSeparator()
        staff_menu.addAction(w.new_contract_action)
        w.staff_menu = staff_menu
        w.record_menu = bar.addMenu("&Record")
        if w.records_panel is not None:
            actions = w.records_panel.actions
            w.record_menu.addActions([actions.new, actions.open, actions.sign])
            w.record_menu.addSeparator()
            w.record_menu.addActions([actions.addendum, actions.reopen, actions.copy])
            w.record_menu.addSeparator()
            w.record_menu.addActions([actions.print, actions.export])
        view_menu = bar.addMenu("&View")
        view_menu.addActions([w.find_action, w.show_left_action])
        view_menu.addSeparator()
        view_menu.addAction(w.refresh_action)
        w.view_menu = view_menu

    def hide_empty_menus(self) -> None:
        """A menu none of whose actions this person can take is not shown at all."""
        bar = self.menuBar()  # type: ignore[attr-defined]
        for entry in bar.actions():
            menu = entry.menu()
            if menu is not None:
                entry.setVisible(any(a.isVisible() for a in menu.actions()
                                     if not a.isSeparator()))

    def make_role_toolbars(self) -> None:
        """The main tool bar with the groups this person uses, and the record's."""
        w: Any = self
        toolbar = QToolBar("Tool bar")
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        records = w.records_panel
        groups = [[w.new_person_action, w.edit_person_action, w.mark_left_action],
                  [w.new_contract_action] + ([records.actions.new] if records else []),
                  [w.export_action], [w.import_action]]
        first = True
        for group in groups:
            shown = [a for a in group if a.isVisible()]
            if not shown:
                continue
            if not first:
                toolbar.addSeparator()
            toolbar.addActions(shown)
            first = False
        w.addToolBar(toolbar)
        w.main_toolbar = toolbar
        toolbar.setVisible(not first)
        w.view_menu.addSeparator()
        w.view_menu.addAction(toolbar.toggleViewAction())
        w.record_toolbar = self._record_toolbar()

    def _record_toolbar(self) -> QToolBar | None:
        w: Any = self
        if w.records_panel is None:
            return None
        bar = QToolBar("Record")
        bar.setObjectName("record_toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        w.record_label = QLabel()
        w.record_label.setObjectName("record_toolbar_label")
        w.record_label.setContentsMargins(8, 0, 6, 0)
        bar.addWidget(w.record_label)
        bar.addActions(list(w.records_panel.actions.on_record))
        w.addToolBar(bar)
        bar.hide()
        w.records_panel.record_chosen.connect(self._record_chosen)
        w.pages.currentChanged.connect(lambda _n: self._record_chosen(
            w.records_panel.selected_row()))
        return bar

    def _record_chosen(self, row: Any) -> None:
        """Show the record tool bar while a record is chosen in the file on show."""
        w: Any = self
        bar = w.record_toolbar
        if bar is None:
            return
        on_show = w.pages.currentWidget() is w.splitter and w.file_view.file is not None
        if row is None or not on_show:
            bar.hide()
            return
        w.record_label.setText(f"{row.form_label} record of {row.held_on:%d/%m/%Y}:")
        bar.show()

    # -- straight from the dashboard and a supervisee's home ---------------------------
    def sign_record(self, record_id: uuid.UUID) -> None:
        """Open the signing of a record (a record awaiting this person's signature)."""
        from supervision_audit.ui.records.sign_dialog import SignDialog

        w: Any = self
        try:
            dialog = SignDialog(self.store, self.actor, "record", record_id, w)
        except SupervisionAuditError as exc:
            messages.show_error(w, "Sign the record", str(exc))
            return
        w._open_dialog(dialog, w.after_signing)

    def after_signing(self) -> None:
        w: Any = self
        w.show_current()
        if w.dashboard is not None:
            w.dashboard.refresh()
        w.statusBar().showMessage("Signed.", 5000)

    def show_audits_due(self) -> None:
        """The dashboard's audit queue (Reports > Audits due this month)."""
        w: Any = self
        if w.dashboard is None:
            return
        w.pages.setCurrentWidget(w.dashboard)
        w.dashboard.show_section(AUDITS)

    def open_programme(self) -> None:
        w: Any = self
        if w.dashboard is not None and w.dashboard.audit_queue is not None:
            dialog = w.dashboard.audit_queue.open_programme()
            if dialog is not None:
                w.dialog = dialog


def role_actions(window: Any) -> None:
    """The actions only some roles have (made with the window's ``_action``)."""
    a = window._action
    window.audits_due_action = a("&Audits due this month", window.show_audits_due, "", "",
                                 "The files due for audit this month (R6)")
    window.programme_action = a("Audit &programme…", window.open_programme, "", "",
                                "Every supervisor below you and where their audits stand")

