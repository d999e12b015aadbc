"""Section 1 of the file: the Supervision Monitoring Sheet (Appendix 3).

Every planned session with what became of it, the misses to report to the supervisor's
line manager (R2), and the buttons to plan, move, postpone and record them; export and
import in the paper layout, and the schedule for diaries.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.dates import format_date
from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import Action, Actor, permitted
from supervision_audit.services.sessions import (
    MonitoringRow,
    monitoring_sheet,
    record_reported,
    remove_planned,
    set_rescheduled,
)
from supervision_audit.ui.common.icons import icon
from supervision_audit.ui.common.messages import reports_errors
from supervision_audit.ui.common.style import BAD_FG, OK_FG, note_label
from supervision_audit.ui.file.file_data import SupervisionFile
from supervision_audit.ui.file.section_panels import register
from supervision_audit.ui.monitoring import monitoring_common
from supervision_audit.ui.monitoring.monitoring_common import RecordTable, Today
from supervision_audit.ui.monitoring.monitoring_dialogs import WhenDialog
from supervision_audit.ui.monitoring.monitoring_files import SheetFiles
from supervision_audit.ui.monitoring.monitoring_model import (
    Column,
    MonitoringModel,
    plural,
    summary_text,
)
from supervision_audit.ui.monitoring.postpone_dialog import PostponeDialog
from supervision_audit.ui.monitoring.schedule_dialog import MoveDialog, PlanYearDialog
from supervision_audit.ui.widgets.flow_layout import button_row

MISSED = ("postponed", "cancelled")
SAMPLES = {Column.DATE: "00/00/0000", Column.TIME: "00:00", Column.STATUS: "Completed",
           Column.RESCHEDULED: "00/00/0000"}


@register(1)
class MonitoringPanel(SheetFiles, QWidget):
    """The monitoring sheet of the person whose file is shown."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("monitoring_panel")
        self.store, self.actor = store, actor
        self.today: Today = date.today
        self.file: SupervisionFile | None = None
        self.may_write = False
        self.dialog: QDialog | None = None

        self.model = MonitoringModel(self)
        self.table = RecordTable(max_rows=14, wrap=True)
        self.table.setObjectName("monitoring_table")
        self.table.setModel(self.model)
        self.table.setAccessibleName("Supervision monitoring sheet")
        self.table.set_widths({int(k): v for k, v in SAMPLES.items()}, Column.COMMENTS)
        self.summary = QLabel()
        self.summary.setObjectName("monitoring_summary")
        self.summary.setWordWrap(True)
        self.empty = note_label("No sessions are planned yet.")
        self.empty.setObjectName("monitoring_empty")
        self.notice = QLabel()
        self.notice.setObjectName("monitoring_notice")
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.hide()

        def button(name: str, text: str, slot: Callable[[], Any], tip: str,
                   icon_name: str = "") -> QPushButton:
            made = QPushButton(icon(icon_name), text) if icon_name else QPushButton(text)
            made.setObjectName(name)
            made.setToolTip(tip)
            made.clicked.connect(slot)
            return made

        self.plan_button = button("plan_year", "Plan a year…", self.plan_year,
                                  "Book a year of sessions at this person's cadence",
                                  "calendar")
        self.import_button = button("import_monitoring", "Import…", self.import_sheets,
                                    "Bring in monitoring sheets from an Excel workbook in the "
                                    "paper layout", "import")
        self.export_button = button("export_monitoring", "Export…", self.export_sheet,
                                    "Save this monitoring sheet as an Excel workbook or a PDF",
                                    "export-pdf")
        self.ics_button = button("export_ics", "Calendar (.ics)…", self.export_calendar,
                                 "Save the sessions still to come for both diaries")
        self.move_button = button("move_session", "Move…", self.move,
                                  "Move the selected planned session to another date")
        self.remove_button = button("remove_session", "Take out of schedule", self.take_out,
                                    "Take the selected planned session out of the schedule")
        self.postpone_button = button("postpone_session", "Postpone / cancel…", self.postpone,
                                      "Record that the selected session did not take place "
                                      "(Enter)")
        self.reschedule_button = button("set_rescheduled", "Set new date…", self.set_new_date,
                                        "Give the selected missed session its new date")
        self.report_button = button("record_reported", "Reported to line manager…",
                                    self.record_reported,
                                    "Record when the selected miss was reported (R2)")
        self.edit_buttons = (self.plan_button, self.import_button, self.move_button,
                             self.remove_button, self.postpone_button, self.reschedule_button,
                             self.report_button)

        top = button_row(self.plan_button, self.import_button, self.export_button,
                         self.ics_button)
        row_actions = button_row(self.postpone_button, self.reschedule_button,
                                 self.report_button, self.move_button, self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addLayout(row_actions)
        layout.addWidget(self.notice)

        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.table.entered.connect(self._enter)
        self.table.doubleClicked.connect(lambda _index: self._enter())
        self._update_buttons()

    # -- showing ----------------------------------------------------------------------
    def show_for(self, file: SupervisionFile) -> None:
        if self.file is None or self.file.id != file.id:
            self.notice.hide()
        self.file = file
        self.refresh()

    def refresh(self, select: uuid.UUID | None = None) -> None:
        """Read the sheet again, keeping the selected session (or selecting ``select``)."""
        if self.file is None:
            return
        current = self.selected()
        keep = select or (current.session_id if current else None)
        today = self.today()
        try:
            with self.store.read() as session:
                self.may_write = permitted(session, self.actor, Action.WRITE_RECORDS,
                                           self.file.id, today)
                rows = monitoring_sheet(session, self.actor, self.file.id, on=today)
        except SupervisionAuditError as exc:
            self.may_write, rows = False, []
            self.empty.setText(str(exc))
        else:
            self.empty.setText(
                "No sessions are planned yet." + (" Plan a year to start the monitoring "
                                                  "sheet." if self.may_write else ""))
        self.model.set_rows(rows)
        # the flags share the room with the comments; with none, their column is narrow
        header = self.table.horizontalHeader()
        if any(r.escalation for r in rows):
            header.setSectionResizeMode(Column.ESCALATION, QHeaderView.ResizeMode.Stretch)
        else:
            header.setSectionResizeMode(Column.ESCALATION, QHeaderView.ResizeMode.Interactive)
            self.table.resizeColumnToContents(Column.ESCALATION)
        self.summary.setText(summary_text(rows))
        self.summary.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))
        self.table.fit_rows()
        row = self.model.row_of(keep) if keep else -1
        if row < 0 and rows:
            row = self._first_upcoming(rows, today)
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, Column.DATE))
            self.table.scrollTo(self.model.index(row, Column.DATE))
        self._update_buttons()

    @staticmethod
    def _first_upcoming(rows: list[MonitoringRow], today: date) -> int:
        for number, row in enumerate(rows):
            if row.planned_date >= today:
                return number
        return len(rows) - 1

    def selected(self) -> MonitoringRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        row = self.selected()
        write = self.may_write and self.file is not None
        planned = write and row is not None and row.status == "planned"
        missed = write and row is not None and row.status in MISSED
        self.plan_button.setEnabled(write)
        self.import_button.setEnabled(write)
        self.move_button.setEnabled(planned)
        self.remove_button.setEnabled(planned)
        self.postpone_button.setEnabled(planned)
        self.reschedule_button.setEnabled(missed and row is not None
                                          and row.rescheduled_for is None)
        self.report_button.setEnabled(missed and row is not None and row.escalation is not None)
        self.export_button.setEnabled(self.file is not None)
        self.ics_button.setEnabled(self.file is not None)
        if self.file is not None and not self.may_write:
            for widget in self.edit_buttons:
                widget.setToolTip(f"Only {self.file.name}'s supervisor changes the schedule")

    def _say(self, text: str, ok: bool = True) -> None:
        self.notice.setText(text)
        self.notice.setStyleSheet(f"color: {OK_FG if ok else BAD_FG};")
        self.notice.show()

    def _open_dialog(self, dialog: QDialog, on_accept: Callable[[], Any]) -> QDialog:
        """Show a window-modal dialog without blocking; ``on_accept`` runs if it is accepted."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(on_accept)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _enter(self) -> None:
        row = self.selected()
        if row is not None and row.status == "planned" and self.may_write:
            self.postpone()

    # -- the schedule -----------------------------------------------------------------
    @reports_errors("Plan a year")
    def plan_year(self) -> None:
        if self.file is None or not self.may_write:
            return
        dialog = PlanYearDialog(self.store, self.actor, self.file.id, self, today=self.today())
        self._open_dialog(dialog, lambda: self._planned(dialog.booked))

    def _planned(self, booked: list[date]) -> None:
        if booked:
            self._say(f"Booked {plural(len(booked), 'session')}, from "
                      f"{format_date(booked[0])} to {format_date(booked[-1])}.")
        else:
            self._say("No sessions were booked: every date already had one.", ok=False)
        self.refresh()

    @reports_errors("Move session")
    def move(self) -> None:
        row = self.selected()
        if row is None or row.status != "planned" or not self.may_write:
            return
        dialog = MoveDialog(self.store, self.actor, row.session_id, self)
        self._open_dialog(dialog, lambda: self._changed("Session moved.", row.session_id))

    @reports_errors("Take out of schedule")
    def take_out(self) -> None:
        row = self.selected()
        if row is None or row.status != "planned" or not self.may_write or self.file is None:
            return
        when = format_date(row.planned_date)
        if not monitoring_common.confirm(
                self, "Take out of schedule",
                f"Take the session of {when} out of {self.file.name}'s schedule?\n\nUse this "
                "for a change of plan. A session that could not take place is postponed or "
                "cancelled instead, so that the sheet shows it.", "Take out"):
            return
        with self.store.write() as session:
            remove_planned(session, self.actor, row.session_id)
        self._changed(f"The session of {when} was taken out of the schedule.")

    def _changed(self, text: str, select: uuid.UUID | None = None) -> None:
        self._say(text)
        self.refresh(select)

    # -- misses -----------------------------------------------------------------------
    @reports_errors("Postpone or cancel")
    def postpone(self) -> None:
        row = self.selected()
        if row is None or row.status != "planned" or not self.may_write:
            return
        dialog = PostponeDialog(self.store, self.actor, row.session_id, self, today=self.today())
        self._open_dialog(dialog, lambda: self._changed(
            f"The session of {format_date(row.planned_date)} was recorded as "
            f"{dialog.status()}.", row.session_id))

    @reports_errors("Set new date")
    def set_new_date(self) -> None:
        row = self.selected()
        if row is None or row.status not in MISSED or not self.may_write:
            return

        def save(session: Any, on: date, at: Any) -> object:
            return set_rescheduled(session, self.actor, row.session_id, on, at,
                                   today=self.today())

        dialog = WhenDialog(
            self.store, "Set the new date",
            f"The session of {format_date(row.planned_date)} was {row.status}. The new date "
            "books a new session on the sheet.", "New date:", "rescheduled_for", save,
            action="Book new date", with_time=True, initial_time=row.planned_time, parent=self)
        self._open_dialog(dialog, lambda: self._changed("New date booked.", row.session_id))

    @reports_errors("Reported to line manager")
    def record_reported(self) -> None:
        row = self.selected()
        if row is None or row.escalation is None or not self.may_write:
            return

        def save(session: Any, on: date, _at: Any) -> object:
            return record_reported(session, self.actor, row.session_id, on)

        dialog = WhenDialog(
            self.store, "Reported to the line manager",
            f"When was the missed session of {format_date(row.planned_date)} reported to the "
            "supervisor's line manager (policy R2)?", "Reported on:",
            "reported_to_manager_on", save, action="Record",
            initial=row.escalation.reported_on or self.today(), parent=self)
        self._open_dialog(dialog, lambda: self._changed("Report date recorded.",
                                                        row.session_id))
