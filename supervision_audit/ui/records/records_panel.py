"""Section 2 of the supervision file: the person's supervision records (individual, manager
and the group records they attended), newest first, with what can be done with each.

Prompts and file choosers go through the small functions ``ask_new_record`` and
``choose_record_pdf_path`` so that tests can replace them.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import Actor
from supervision_audit.services.record_export import export_record_pdf
from supervision_audit.services.records import save_draft, start_record
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.icons import icon
from supervision_audit.ui.common.style import (
    ACCENT,
    PROBLEM,
    WARNING_BG,
    WARNING_FG,
    note_label,
)
from supervision_audit.ui.common.window_state import last_folder, remember_folder
from supervision_audit.ui.file.file_data import SupervisionFile
from supervision_audit.ui.file.section_panels import register
from supervision_audit.ui.printing.print_actions import print_record
from supervision_audit.ui.records.addendum_dialog import AddendumDialog
from supervision_audit.ui.records.copy_dialog import CopyDialog
from supervision_audit.ui.records.record_action_dialog import ActionDoneDialog
from supervision_audit.ui.records.record_actions import RecordActions
from supervision_audit.ui.records.record_data import (
    PlannedSession,
    RecordRow,
    RecordsData,
    load_records,
)
from supervision_audit.ui.records.record_dialog import AUTOSAVE_MS, RecordDialog
from supervision_audit.ui.records.record_opening import open_record_dialog
from supervision_audit.ui.records.record_start_dialog import StartRecordDialog
from supervision_audit.ui.records.record_table import RecordsTable
from supervision_audit.ui.records.reopen_dialog import ReopenDialog
from supervision_audit.ui.records.sign_dialog import SignDialog
from supervision_audit.ui.widgets.flow_layout import FlowLayout, button_row


def ask_new_record(parent: QWidget | None, title: str, intro: str,
                   planned: list[PlannedSession]) -> tuple[uuid.UUID | None, date] | None:
    """Ask which session a new record is for (tests replace this)."""
    dialog = StartRecordDialog(title, intro, planned, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.choice()


def choose_record_pdf_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """Ask where to save a record's PDF (tests replace this)."""
    name, _filter = QFileDialog.getSaveFileName(parent, "Export record as PDF", str(suggested),
                                                "PDF documents (*.pdf)")
    return Path(name) if name else None


def record_file_name(person_name: str, form_label: str, held_on: date) -> str:
    safe = re.sub(r'[\\/:*?"<>|]+', " ", person_name).strip()
    return f"Supervision record - {safe} - {form_label.lower()} - {held_on:%Y-%m-%d}.pdf"


@register(2)
class RecordsPanel(QWidget):
    """The records of the file shown. ``changed`` is emitted after anything is saved."""

    changed = Signal()
    record_chosen = Signal(object)  # the RecordRow chosen in the table, or None
    autosave_ms = AUTOSAVE_MS  # passed to the record dialogs (tests shorten it)

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("records_panel")
        self.store, self.actor = store, actor
        self.file: SupervisionFile | None = None
        self.data = RecordsData()
        self.dialog: QDialog | None = None  # the dialog opened last (tests drive it)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 4, 0, 0)
        column.setSpacing(8)
        column.addWidget(self._drafts_frame())
        column.addLayout(self._top_buttons())
        self.table = RecordsTable()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemActivated.connect(lambda _item: self.open_selected())
        column.addWidget(self.table)
        self.empty = QLabel("No supervision records yet.")
        self.empty.setObjectName("records_empty")
        self.empty.setStyleSheet("font-style: italic;")
        column.addWidget(self.empty)
        column.addLayout(self._record_buttons())
        self.notice = QLabel()
        self.notice.setObjectName("records_notice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(f"color: {ACCENT};")
        self.notice.hide()
        column.addWidget(self.notice)
        self.actions = RecordActions(self)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self.actions.context_menu)
        self._update_buttons()

    # -- building ---------------------------------------------------------------------
    def _drafts_frame(self) -> QFrame:
        self.drafts_frame = QFrame()
        self.drafts_frame.setObjectName("drafts_frame")
        self.drafts_frame.setStyleSheet(
            f"QFrame#drafts_frame {{ background: {WARNING_BG}; border-radius: 6px; }}"
            f" QFrame#drafts_frame QLabel {{ color: {WARNING_FG}; }}")
        self.drafts_layout = QVBoxLayout(self.drafts_frame)
        self.drafts_layout.setContentsMargins(10, 6, 10, 6)
        self.drafts_layout.setSpacing(4)
        self.draft_buttons: list[QPushButton] = []
        self.drafts_frame.hide()
        return self.drafts_frame

    def _button(self, text: str, slot: object, name: str, tip: str = "",
                icon_name: str = "") -> QPushButton:
        button = QPushButton(icon(icon_name), text) if icon_name else QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return button

    def _top_buttons(self) -> FlowLayout:
        self.new_button = self._button("New record…", self.new_record, "new_record",
                                       "Write up a supervision session with this person")
        self.group_button = self._button("New group record…", self.new_group_record,
                                         "new_group_record",
                                         "Write up a group supervision with your supervisees")
        self.action_button = self._button("Mark action done…", self.mark_action_done,
                                          "mark_action_done",
                                          "Mark an open action from earlier supervision done")
        self.actions_note = note_label()
        self.actions_note.setObjectName("open_actions_note")
        return button_row(self.new_button, self.group_button,
                          right=(self.actions_note, self.action_button))

    def _record_buttons(self) -> FlowLayout:
        self.open_button = self._button("Open", self.open_selected, "open_record",
                                        "Open the chosen record")
        self.sign_button = self._button("Sign…", self.sign_selected, "sign_record")
        self.addendum_button = self._button("Add addendum…", self.add_addendum, "add_addendum",
                                            "Add a signed correction to a final record")
        self.reopen_button = self._button("Reopen as draft…", self.reopen_selected,
                                          "reopen_record")
        self.copy_button = self._button("Copy given…", self.copy_given, "copy_given",
                                        "Record when and how the supervisee got their copy")
        self.export_button = self._button("Export PDF…", self.export_selected, "export_record",
                                          "Save the chosen record as a PDF", "export-pdf")
        self.print_button = self._button("Print…", self.print_selected, "print_record",
                                         "Print the chosen record, with a preview (Ctrl+P)")
        return button_row(self.open_button, self.sign_button, self.addendum_button,
                          self.reopen_button, self.copy_button,
                          right=(self.print_button, self.export_button))

    # -- showing ----------------------------------------------------------------------
    def show_for(self, file: SupervisionFile) -> None:
        if self.file is None or self.file.id != file.id:
            self.notice.hide()
        self.file = file
        self.reload()

    def reload(self) -> None:
        if self.file is None:
            return
        keep = self.selected_id()
        try:
            with self.store.read() as session:
                self.data = load_records(session, self.actor, self.file.id)
        except SupervisionAuditError as exc:
            self.data = RecordsData()
            self._tell(str(exc), bad=True)
        self._fill_table(keep)
        self._fill_drafts()
        count = len(self.data.actions)
        self.actions_note.setText(f"{count} open action{'s' if count != 1 else ''}"
                                  if count else "No open actions")
        self._update_buttons()

    def _fill_table(self, keep: uuid.UUID | None) -> None:
        rows = self.data.rows
        self.table.fill(rows, keep)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)

    def _fill_drafts(self) -> None:
        while self.drafts_layout.count():
            item = self.drafts_layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
            elif item.layout() is not None:
                inner = item.layout()
                while inner.count():
                    child = inner.takeAt(0).widget()
                    if child is not None:
                        child.deleteLater()
        self.draft_buttons = []
        for draft in self.data.drafts:
            row = QHBoxLayout()
            label = QLabel(f"<b>Draft:</b> {draft.text()}")
            label.setObjectName("draft_line")
            label.setWordWrap(True)
            button = QPushButton("Continue draft")
            button.setObjectName("continue_draft")
            button.clicked.connect(lambda _c=False, rid=draft.id: self.open_record(rid))
            row.addWidget(label, 1)
            row.addWidget(button)
            self.drafts_layout.addLayout(row)
            self.draft_buttons.append(button)
        self.drafts_frame.setVisible(bool(self.data.drafts))

    def selected_row(self) -> RecordRow | None:
        return self.table.selected_row()

    def selected_id(self) -> uuid.UUID | None:
        row = self.table.selected_row()
        return row.id if row else None

    def select_record(self, record_id: uuid.UUID) -> bool:
        return self.table.select_record(record_id)

    def row_texts(self) -> list[tuple[str, ...]]:
        """The table as shown, row by row (for tests and screen readers)."""
        return self.table.texts()

    def _update_buttons(self) -> None:
        row = self.selected_row()
        data = self.data
        shown = self.file is not None
        self.new_button.setEnabled(shown and data.may_write)
        self.group_button.setEnabled(shown and data.may_group)
        self.action_button.setEnabled(shown and data.may_write and bool(data.actions))
        self.open_button.setEnabled(row is not None)
        self.export_button.setEnabled(row is not None)
        self.print_button.setEnabled(row is not None)
        self.sign_button.setEnabled(row is not None and (row.may_sign or row.may_witness))
        self.addendum_button.setEnabled(row is not None and row.may_addendum)
        self.copy_button.setEnabled(row is not None and row.may_copy)
        tip = "Sign the chosen record"
        if row is not None and row.status == "awaiting" and not self.sign_button.isEnabled():
            tip = f"Waiting for {row.waiting_text}"
        elif row is not None and row.may_witness:
            tip = "Witness a signature made in person on this computer"
        self.sign_button.setToolTip(tip)
        self.reopen_button.setEnabled(row is not None and row.may_reopen)
        self.reopen_button.setToolTip(
            "Choose a complete record that nobody has signed yet" if row is None else
            "Set the chosen record back to a draft, to correct it before anyone signs"
            if row.may_reopen else row.reopen_note)
        self.actions.sync()
        self.record_chosen.emit(row)

    def _tell(self, text: str, bad: bool = False) -> None:
        self.notice.setText(text)
        self.notice.setStyleSheet(f"color: {PROBLEM if bad else ACCENT};")
        self.notice.show()

    # -- dialogs ----------------------------------------------------------------------
    def _show(self, dialog: QDialog, done_text: str = "") -> QDialog:
        """Open ``dialog`` window-modal without blocking; reload when it closes."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda result: self._closed(dialog, result, done_text))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _closed(self, dialog: QDialog, result: int, done_text: str) -> None:
        if isinstance(dialog, RecordDialog):
            if dialog.completed:
                self._tell(f"Record of {dialog.held_on:%d/%m/%Y} completed: it is ready to "
                           "be signed, supervisor first.")
        elif result == QDialog.DialogCode.Accepted and done_text:
            extra = getattr(dialog, "signed_as", "")
            self._tell(done_text.format(extra=extra))
        self.reload()
        if isinstance(dialog, RecordDialog):
            self.select_record(dialog.record_id)
        row = self.selected_row()
        if isinstance(dialog, SignDialog) and result == QDialog.DialogCode.Accepted and row:
            self._tell(self.notice.text() + (
                " Everyone has signed: the record is final." if row.status == "final" else
                f" Still to sign: {row.waiting_text}."))
        self.changed.emit()

    def open_record(self, record_id: uuid.UUID) -> RecordDialog | None:
        try:
            dialog = open_record_dialog(self.store, self.actor, record_id, self,
                                        autosave_ms=self.autosave_ms)
        except SupervisionAuditError as exc:
            messages.show_error(self, "Open record", str(exc))
            return None
        self._show(dialog)
        return dialog

    def open_selected(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self.open_record(record_id)

    def new_record(self) -> None:
        if self.file is None:
            return
        planned = self.data.planned
        intro = (f"Which session with {self.file.name} is this the record of? Planned "
                 "sessions with no record yet are listed." if planned else
                 f"No planned session with {self.file.name} is waiting to be written up. "
                 "Give the date the session was held.")
        choice = ask_new_record(self, "New supervision record", intro, planned)
        if choice is None:
            return
        session_id, held_on = choice
        try:
            with self.store.write() as session:
                record = start_record(session, self.actor, form_key=self.data.form_key,
                                      held_on=held_on, supervisee_uuid=self.file.id,
                                      session_id=session_id)
                record_id = record.id
        except SupervisionAuditError as exc:
            messages.show_error(self, "New record", str(exc))
            return
        self.reload()
        self.open_record(record_id)

    def new_group_record(self) -> None:
        if self.file is None:
            return
        choice = ask_new_record(self, "New group supervision record",
                                "Give the date the group supervision was held. You choose the "
                                "attendees in the record.", [])
        if choice is None:
            return
        try:
            with self.store.write() as session:
                record = start_record(session, self.actor, form_key="group",
                                      held_on=choice[1])
                save_draft(session, self.actor, record.id,
                           {**record.values, "attendees": [str(self.file.id)]})
                record_id = record.id
        except SupervisionAuditError as exc:
            messages.show_error(self, "New group record", str(exc))
            return
        self.reload()
        self.open_record(record_id)

    def sign_selected(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self._show(SignDialog(self.store, self.actor, "record", record_id, self),
                       "Signed by {extra}.")

    def add_addendum(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self._show(AddendumDialog(self.store, self.actor, "record", record_id, self),
                       "Addendum added and signed.")

    def reopen_selected(self) -> None:
        row = self.selected_row()
        if row is not None and row.may_reopen:
            self._show(ReopenDialog(self.store, self.actor, row.id, self),
                       f"Record of {row.held_on:%d/%m/%Y} reopened as a draft: correct it and "
                       "complete it again before it is signed.")

    def copy_given(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self._show(CopyDialog(self.store, self.actor, record_id, self),
                       "Supervisee's copy recorded.")

    def mark_action_done(self) -> None:
        if self.data.actions:
            self._show(ActionDoneDialog(self.store, self.actor, self.data.actions, self),
                       "Action marked done.")

    def print_selected(self) -> bool:
        """Print preview of the chosen record (the pages of its PDF); True when printed."""
        row = self.selected_row()
        if row is None or self.file is None:
            return False
        return print_record(self, self.store, self.actor, row.id, self.file.id)

    def export_selected(self) -> Path | None:
        row = self.selected_row()
        if row is None or self.file is None:
            return None
        suggested = Path(last_folder("export")) / record_file_name(
            self.file.name, row.form_label, row.held_on)
        out = choose_record_pdf_path(self, suggested)
        if out is None:
            return None
        if out.suffix.lower() != ".pdf":
            out = out.with_name(out.name + ".pdf")
        try:
            with self.store.write() as session:
                written = Path(export_record_pdf(session, self.actor, row.id, out))
        except SupervisionAuditError as exc:
            messages.show_error(self, "Export record PDF", str(exc))
            return None
        except OSError as exc:
            messages.show_error(self, "Export record PDF",
                                f"The PDF could not be written to {out}: {exc.strerror or exc}")
            return None
        remember_folder("export", str(out.parent))
        self._tell(f"Saved {written}")
        return written
