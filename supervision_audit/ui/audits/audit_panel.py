"""Section 6 of the supervision file: Case-file Audits. The supervision file audits of this
file (Appendix 7) with starting, opening and exporting them; for a senior manager, the
direct observation of a supervisor and the audit programme; and the case-file audit
documents filed here.

The whole file as one PDF is printed in the background (a progress bar and Cancel under the
buttons); the "save as" prompt is the small function ``choose_pdf_path`` so that tests can
replace it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session, col, func, select

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.models import AuditAction, Staff
from supervision_audit.services.access import Action, Actor, permitted
from supervision_audit.services.audit_outputs import (
    export_audit_pdf,
    log_whole_file,
    write_whole_file,
)
from supervision_audit.services.audits import LABELS, audits_of, start_audit
from supervision_audit.services.record_status import STATUS_LABELS, record_status
from supervision_audit.ui.audits.audit_dialog import JUDGEMENT_CHIPS, AuditDialog
from supervision_audit.ui.audits.audit_programme_dialog import AuditProgrammeDialog
from supervision_audit.ui.audits.observation_dialog import ObservationDialog, observations_text
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.style import (
    ACCENT,
    BAD_FG,
    NOTE,
    OK_FG,
    PROBLEM,
    WARNING_FG,
    heading_label,
    note_label,
)
from supervision_audit.ui.common.window_state import last_folder, remember_folder
from supervision_audit.ui.common.workers import Job, JobContext, run_in_background
from supervision_audit.ui.file.checklist_dialog import fit_rows, read_only_table
from supervision_audit.ui.file.documents_panel import DocumentsPanel, plain_message
from supervision_audit.ui.file.file_data import SupervisionFile
from supervision_audit.ui.file.section_panels import register
from supervision_audit.ui.printing.print_actions import print_action, print_audit, print_whole_file
from supervision_audit.ui.records.sign_dialog import SignDialog
from supervision_audit.ui.widgets.flow_layout import FlowLayout, button_row

COLUMNS = ("Date", "Auditor", "Supervisor", "Judgement", "Status", "Open actions")
CHIP_COLOURS = {"ok": OK_FG, "warning": WARNING_FG, "bad": BAD_FG}


@dataclass(frozen=True)
class AuditRow:
    id: uuid.UUID
    completed_on: date
    auditor: str
    supervisor: str
    judgement: str
    status: str  # "draft", "awaiting" (the auditor's signature) or "final"
    open_actions: int
    auditor_id: uuid.UUID | None = None


@dataclass
class AuditsData:
    rows: list[AuditRow] = field(default_factory=list)
    may_audit: bool = False  # a senior manager above this person
    may_observe: bool = False  # … and this person supervises others
    may_plan: bool = False  # the signed-in person has an audit programme
    observations: str = ""


def load_audits(session: Session, actor: Actor, staff_uuid: uuid.UUID) -> AuditsData:
    """The audits of a file; drafts only to those who may audit it (they may continue them)."""
    may_audit = permitted(session, actor, Action.RUN_AUDIT, staff_uuid)
    audits = [a for a in audits_of(session, actor, staff_uuid)
              if a.status == "complete" or may_audit]
    names = dict(session.exec(select(Staff.id, Staff.name).where(col(Staff.id).in_(
        {a.auditor_id for a in audits} | {a.supervisor_id for a in audits}))).all())
    open_counts = dict(session.exec(select(AuditAction.audit_id, func.count()).where(
        col(AuditAction.audit_id).in_([a.id for a in audits]), AuditAction.status == "open")
        .group_by(AuditAction.audit_id)).all())
    supervises = session.exec(select(func.count()).select_from(Staff).where(
        Staff.supervisor_id == staff_uuid, Staff.active == True)).one() > 0  # noqa: E712
    may_plan = actor.staff_role == "senior_manager" and permitted(session, actor,
                                                                  Action.VIEW_LOG)
    return AuditsData(
        rows=[AuditRow(a.id, a.completed_on, names.get(a.auditor_id, ""),
                       names.get(a.supervisor_id, ""), a.judgement, record_status(a),
                       open_counts.get(a.id, 0), a.auditor_id) for a in audits],
        may_audit=may_audit, may_observe=may_audit and supervises, may_plan=may_plan,
        observations=observations_text(session, staff_uuid) if supervises else "")


def choose_pdf_path(parent: QWidget | None, suggested: Path, title: str) -> Path | None:
    """Ask where to save a PDF (tests replace this)."""
    name, _filter = QFileDialog.getSaveFileName(parent, title, str(suggested),
                                                "PDF documents (*.pdf)")
    return Path(name) if name else None


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|]+', " ", name).strip()


@register(6)
class AuditPanel(QWidget):
    """The audits of the file shown. ``changed`` is emitted after anything is saved."""

    changed = Signal()

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("audit_panel")
        self.store, self.actor = store, actor
        self.section = 6
        self.today: Callable[[], date] = date.today  # tests fix the day
        self.file: SupervisionFile | None = None
        self.data = AuditsData()
        self.dialog: QDialog | None = None  # the dialog opened last (tests drive it)
        self.file_job: Job | None = None  # the whole-file PDF being printed, if any
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 4, 0, 0)
        column.setSpacing(6)
        column.addWidget(heading_label("Supervision file audits (Appendix 7)", 1.05))
        self.table = read_only_table(COLUMNS, "audits_table", "Supervision file audits")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemActivated.connect(lambda _item: self.open_selected())
        column.addWidget(self.table)
        self.empty = QLabel("No supervision file audits yet.")
        self.empty.setObjectName("audits_empty")
        self.empty.setStyleSheet("font-style: italic;")
        column.addWidget(self.empty)
        column.addLayout(self._buttons())
        column.addLayout(self._export_progress())
        self.observations = note_label()
        self.observations.setObjectName("observations_note")
        column.addWidget(self.observations)
        self.notice = QLabel()
        self.notice.setObjectName("audits_notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        column.addWidget(self.notice)
        column.addSpacing(6)
        column.addWidget(heading_label("Case-file audit documents", 1.05))
        self.documents = DocumentsPanel(store, actor, self)
        self.documents.section = 6
        column.addWidget(self.documents)
        self._update_buttons()

    def _button(self, text: str, slot: object, name: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return button

    def _buttons(self) -> FlowLayout:
        self.start_button = self._button("Start audit…", self.start_audit, "start_audit",
                                         "Audit this supervision file: the form starts with "
                                         "the file's evidence")
        self.open_button = self._button("Open", self.open_selected, "open_audit",
                                        "Open the chosen audit")
        self.export_button = self._button("Export PDF…", self.export_selected, "export_audit",
                                          "Save the chosen (complete) audit as a PDF")
        self.print_button = self._button("Print…", self.print_selected, "print_audit",
                                         "Print the chosen (complete) audit, with a preview "
                                         "(Ctrl+P)")
        print_action(self, self.print_selected, name="print_audit_action")
        self.whole_button = self._button("Whole file PDF…", self.export_file, "export_file",
                                         "The whole supervision file as one PDF, in the "
                                         "Appendix 8 order, with an index")
        self.print_file_button = self._button("Print whole file…", self.print_file,
                                              "print_file", "Print the whole supervision "
                                              "file with its index, with a preview")
        self.observe_button = self._button("Observe supervisor…", self.observe,
                                           "observe_supervisor", "Record a direct observation "
                                           "of this supervisor supervising")
        self.programme_button = self._button("Audit programme…", self.show_programme,
                                             "audit_programme", "The supervisors below you and "
                                             "where their audits and observations stand")
        return button_row(self.start_button, self.open_button, self.print_button,
                          self.export_button,
                          right=(self.observe_button, self.programme_button,
                                 self.print_file_button, self.whole_button))

    def _export_progress(self) -> QHBoxLayout:
        """The whole-file PDF's progress bar, its current step and Cancel (shown while it
        is printed)."""
        row = QHBoxLayout()
        row.setSpacing(8)
        self.file_progress = QProgressBar()
        self.file_progress.setObjectName("export_file_progress")
        self.file_progress.setRange(0, 1)
        self.file_progress.setTextVisible(True)
        self.file_progress.setFixedWidth(220)
        self.file_step = QLabel()
        self.file_step.setObjectName("export_file_step")
        self.file_step.setStyleSheet(f"color: {NOTE};")
        self.cancel_file_button = self._button("Cancel", self.cancel_export_file,
                                               "cancel_export_file",
                                               "Stop printing the whole file; nothing is saved")
        row.addWidget(self.file_progress)
        row.addWidget(self.file_step, 1)
        row.addWidget(self.cancel_file_button)
        for widget in (self.file_progress, self.file_step, self.cancel_file_button):
            widget.hide()
        return row

    # -- showing ----------------------------------------------------------------------
    def show_for(self, file: SupervisionFile) -> None:
        if self.file is None or self.file.id != file.id:
            self.notice.hide()
        self.file = file
        self.reload()
        self.documents.show_for(file)

    def reload(self) -> None:
        if self.file is None:
            return
        keep = self.selected_id()
        try:
            with self.store.read() as session:
                self.data = load_audits(session, self.actor, self.file.id)
        except SupervisionAuditError as exc:
            self.data = AuditsData()
            self._tell(str(exc), bad=True)
        rows = self.data.rows
        self.table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            judgement = LABELS.get(row.judgement, "—") if row.judgement else "—"
            cells = (f"{row.completed_on:%d/%m/%Y}", row.auditor, row.supervisor, judgement,
                     STATUS_LABELS[row.status],
                     str(row.open_actions) if row.status != "draft" else "")
            for col_, text in enumerate(cells):
                self.table.setItem(number, col_, QTableWidgetItem(text))
            colour = CHIP_COLOURS.get(JUDGEMENT_CHIPS.get(row.judgement, ""), NOTE)
            self.table.item(number, 3).setForeground(QColor(colour))
            self.table.item(number, 4).setForeground(QColor(
                {"final": OK_FG, "awaiting": WARNING_FG}.get(row.status, NOTE)))
            if row.id == keep:
                self.table.selectRow(number)
        fit_rows(self.table, least=1, most=6)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.observations.setText(self.data.observations)
        self.observations.setVisible(bool(self.data.observations))
        self._update_buttons()

    def row_texts(self) -> list[tuple[str, ...]]:
        """The table as shown, row by row (for tests and screen readers)."""
        return [tuple(self.table.item(r, c).text() for c in range(len(COLUMNS)))
                for r in range(self.table.rowCount())]

    def selected_row(self) -> AuditRow | None:
        chosen = self.table.selectionModel().selectedRows()
        return self.data.rows[chosen[0].row()] if chosen else None

    def selected_id(self) -> uuid.UUID | None:
        row = self.selected_row()
        return row.id if row else None

    def _my_draft(self) -> AuditRow | None:
        return next((r for r in self.data.rows if r.status == "draft" and
                     r.auditor_id == self.actor.staff_id), None)

    def _update_buttons(self) -> None:
        row = self.selected_row()
        shown = self.file is not None
        self.start_button.setVisible(shown and self.data.may_audit)
        self.start_button.setText("Continue draft audit…" if self._my_draft() else
                                  "Start audit…")
        self.open_button.setEnabled(row is not None)
        self.export_button.setEnabled(row is not None and row.status != "draft")
        self.print_button.setEnabled(row is not None and row.status != "draft")
        self.print_file_button.setEnabled(shown)
        self.whole_button.setEnabled(shown and self.file_job is None)
        self.observe_button.setVisible(shown and self.data.may_observe)
        self.programme_button.setVisible(shown and self.data.may_plan)

    def _tell(self, text: str, bad: bool = False) -> None:
        self.notice.setText(text)
        self.notice.setStyleSheet(f"color: {PROBLEM if bad else ACCENT};")
        self.notice.show()

    # -- dialogs ----------------------------------------------------------------------
    def _show(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda result: self._closed(dialog, result))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _closed(self, dialog: QDialog, result: int) -> None:
        if isinstance(dialog, AuditDialog) and dialog.completed:
            self._tell(f"Audit of {dialog.supervisee_name} completed: its actions are tracked "
                       f"in {dialog.supervisor_name}'s supervision. Sign it to make it final.")
            self._show(SignDialog(self.store, self.actor, "audit", dialog.audit_id, self))
        elif isinstance(dialog, SignDialog) and result == QDialog.DialogCode.Accepted:
            self._tell(f"Signed by {dialog.signed_as}: the audit is final.")
        elif isinstance(dialog, ObservationDialog) and result == QDialog.DialogCode.Accepted:
            self._tell(f"Direct observation of {dialog.supervisor_name} recorded.")
        self.reload()
        self.changed.emit()

    def open_audit(self, audit_id: uuid.UUID) -> AuditDialog | None:
        try:
            dialog = AuditDialog(self.store, self.actor, audit_id, self)
        except SupervisionAuditError as exc:
            messages.show_error(self, "Open audit", str(exc))
            return None
        self._show(dialog)
        return dialog

    def open_selected(self) -> AuditDialog | None:
        audit_id = self.selected_id()
        return self.open_audit(audit_id) if audit_id is not None else None

    def start_audit(self) -> AuditDialog | None:
        """Start this month's audit of the file (or continue the draft already started)."""
        if self.file is None:
            return None
        draft = self._my_draft()
        if draft is not None:
            self._tell(f"Continuing the draft audit started for {draft.completed_on:%d/%m/%Y}.")
            return self.open_audit(draft.id)
        try:
            with self.store.write() as session:
                audit_id = start_audit(session, self.actor, self.file.id, self.today()).id
        except SupervisionAuditError as exc:
            messages.show_error(self, "Audit not started", plain_message(exc))
            return None
        self.reload()
        return self.open_audit(audit_id)

    def observe(self) -> QDialog | None:
        if self.file is None:
            return None
        try:
            dialog = ObservationDialog(self.store, self.actor, self.file.id, self,
                                       today=self.today)
        except SupervisionAuditError as exc:
            messages.show_error(self, "Direct observation", str(exc))
            return None
        return self._show(dialog)

    def show_programme(self) -> QDialog | None:
        try:
            dialog = AuditProgrammeDialog(self.store, self.actor, self, today=self.today)
        except SupervisionAuditError as exc:
            messages.show_error(self, "Audit programme", str(exc))
            return None
        dialog.audit_started.connect(lambda _id: self.reload())
        return self._show(dialog)

    # -- exports ----------------------------------------------------------------------
    def _ask_pdf_path(self, title: str, suggested: str) -> Path | None:
        out = choose_pdf_path(self, Path(last_folder("export")) / suggested, title)
        if out is None:
            return None
        return out if out.suffix.lower() == ".pdf" else out.with_name(out.name + ".pdf")

    def _export(self, title: str, suggested: str, write: Callable[[Session, Path], Path]
                ) -> Path | None:
        out = self._ask_pdf_path(title, suggested)
        if out is None:
            return None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            with self.store.write() as session:
                written = Path(write(session, out))
        except SupervisionAuditError as exc:
            messages.show_error(self, title, str(exc))
            return None
        except OSError as exc:
            messages.show_error(self, title, f"The PDF could not be written to {out}: "
                                             f"{exc.strerror or exc}")
            return None
        finally:
            QApplication.restoreOverrideCursor()
        remember_folder("export", str(out.parent))
        self._tell(f"Saved {written}")
        return written

    def export_selected(self) -> Path | None:
        row = self.selected_row()
        if row is None or self.file is None or row.status == "draft":
            return None
        return self._export("Export audit PDF", f"Supervision file audit - "
                            f"{_safe(self.file.name)} - {row.completed_on:%Y-%m-%d}.pdf",
                            lambda s, out: export_audit_pdf(s, self.actor, row.id, out))

    def print_selected(self) -> bool:
        """Print preview of the chosen complete audit; True when printed."""
        row = self.selected_row()
        if row is None or self.file is None or row.status == "draft":
            return False
        return print_audit(self, self.store, self.actor, row.id, self.file.id)

    def print_file(self) -> bool:
        """Print preview of the whole file (the pages of its PDF, index first)."""
        if self.file is None:
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return print_whole_file(self, self.store, self.actor, self.file.id)
        finally:
            QApplication.restoreOverrideCursor()

    def export_file(self) -> Job | None:
        """Ask where to save the whole file as one PDF, then print it in the background
        (None: not started). The job's ``finished`` carries the path written."""
        if self.file is None or self.file_job is not None:
            return None
        out = self._ask_pdf_path(_WHOLE_FILE, f"Supervision file - {_safe(self.file.name)} - "
                                              f"{self.today():%Y-%m-%d}.pdf")
        if out is None:
            return None
        store, actor, staff_uuid = self.store, self.actor, self.file.id

        def work(context: JobContext) -> Path:  # in a worker thread, with its own sessions
            with store.read() as session:  # printing only reads: no write lock meanwhile
                documents = write_whole_file(session, actor, staff_uuid, out,
                                             progress=context.progress,
                                             cancelled=context.cancelled)
            with store.write() as session:
                log_whole_file(session, actor, staff_uuid, documents)
            return out

        job = run_in_background(work)
        job.progress.connect(self._file_progress)
        job.finished.connect(self._file_written)
        job.failed.connect(self._file_failed)
        job.cancelled.connect(self._file_cancelled)
        job.ended.connect(self._file_job_ended)
        self.file_job = job
        self.file_progress.setRange(0, 0)  # busy until the first step reports
        self.file_step.setText("Starting…")
        self.cancel_file_button.setEnabled(True)
        for widget in (self.file_progress, self.file_step, self.cancel_file_button):
            widget.show()
        self._update_buttons()
        return job

    def cancel_export_file(self) -> None:
        """Stop printing the whole file at its next document; nothing is saved."""
        if self.file_job is not None:
            self.file_job.cancel()
            self.cancel_file_button.setEnabled(False)
            self.file_step.setText("Cancelling…")

    def _file_progress(self, done: int, total: int, what: str) -> None:
        if self.file_progress.maximum() != total:
            self.file_progress.setRange(0, total)
        self.file_progress.setValue(done)
        if not (self.file_job and self.file_job.cancel_requested):
            self.file_step.setText(what if done >= total else f"{what}…")

    def _file_written(self, path: object) -> None:
        written = Path(str(path))
        remember_folder("export", str(written.parent))
        self._tell(f"Saved {written}")

    def _file_failed(self, message: str) -> None:
        messages.show_error(self, _WHOLE_FILE, message)

    def _file_cancelled(self) -> None:
        self._tell("Cancelled: the whole-file PDF was not saved.", bad=True)

    def _file_job_ended(self) -> None:
        self.file_job = None
        for widget in (self.file_progress, self.file_step, self.cancel_file_button):
            widget.hide()
        self._update_buttons()


_WHOLE_FILE = "Whole supervision file PDF"
