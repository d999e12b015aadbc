"""Sections 4, 5, 7–11 of the supervision file (Appendix 8): the documents filed there
(appraisal, training, attendance, performance, induction, probation, miscellaneous), stored in
the database, with adding one, saving a copy, and the folder checklist.

The file chooser and the "save as" prompt are the small functions ``ask_document`` and
``choose_copy_path`` so that tests can replace them.
"""

from __future__ import annotations

import mimetypes
import re
import uuid
import weakref
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session, col, select

from supervision_audit.db import Store
from supervision_audit.errors import NotFoundError, SupervisionAuditError, ValidationError
from supervision_audit.forms.folder import FOLDER_SECTIONS
from supervision_audit.models import Attachment, Staff
from supervision_audit.services.access import Action as A
from supervision_audit.services.access import Actor, require
from supervision_audit.services.attachments import MAX_ATTACHMENT_BYTES, add_attachment
from supervision_audit.services.events import log_event
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.style import ACCENT, PROBLEM, note_label
from supervision_audit.ui.common.window_state import last_folder, remember_folder
from supervision_audit.ui.file.checklist_dialog import ChecklistDialog, fit_rows, read_only_table
from supervision_audit.ui.file.file_data import SupervisionFile
from supervision_audit.ui.file.section_panels import register
from supervision_audit.ui.widgets.date_field import DateField
from supervision_audit.ui.widgets.flow_layout import button_row

COLUMNS = ("Name", "Date", "Type", "Size", "Added by")
LIMIT_TEXT = f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB"
TYPE_NAMES = {"application/pdf": "PDF document", "application/msword": "Word document",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
                  "Word document",
              "application/vnd.ms-excel": "Excel workbook",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                  "Excel workbook",
              "text/plain": "Text", "message/rfc822": "Email", "application/vnd.ms-outlook":
                  "Outlook message"}


@dataclass(frozen=True)
class DocumentRow:
    id: uuid.UUID
    name: str
    document_date: date | None
    added_on: date
    file_type: str
    size: int
    added_by: str

    @property
    def type_label(self) -> str:
        if self.file_type in TYPE_NAMES:
            return TYPE_NAMES[self.file_type]
        if self.file_type.startswith("image/"):
            return f"Image ({self.file_type.split('/', 1)[1].upper()})"
        suffix = Path(self.name).suffix.lstrip(".").upper()
        return f"{suffix} file" if suffix else "File"

    @property
    def date_text(self) -> str:
        return f"{self.document_date:%d/%m/%Y}" if self.document_date else \
            f"added {self.added_on:%d/%m/%Y}"


def plain_message(exc: SupervisionAuditError) -> str:
    """An error's words without the field names a ValidationError lists them under."""
    if isinstance(exc, ValidationError):
        return " ".join(p.message.rstrip(".") + "." for p in exc.problems)
    return str(exc)


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _document_rows(session: Session, staff_uuid: uuid.UUID, section: int | None
                   ) -> dict[int, list[DocumentRow]]:
    """The documents of one section of a person's folder (every section for None), by
    section, each newest first (not their bytes)."""
    query = (select(Attachment.section, Attachment.id, Attachment.name,
                    Attachment.document_date, Attachment.created_at, Attachment.file_type,
                    Attachment.size, Staff.name)
             .join(Staff, Staff.id == Attachment.added_by, isouter=True)
             .where(Attachment.staff_id == staff_uuid))
    if section is not None:
        query = query.where(Attachment.section == section)
    out: dict[int, list[DocumentRow]] = {}
    for number, i, name, day, made, kind, size, who in session.exec(
            query.order_by(col(Attachment.created_at).desc())):
        added = made.astimezone().date() if made.tzinfo else made.date()
        out.setdefault(number, []).append(
            DocumentRow(i, name, day, added, kind, size, who or ""))
    for rows in out.values():
        rows.sort(key=lambda r: r.document_date or r.added_on, reverse=True)
    return out


def load_documents(session: Session, actor: Actor, staff_uuid: uuid.UUID,
                   section: int) -> list[DocumentRow]:
    """The documents in one section of a person's folder, newest first (not their bytes)."""
    require(session, actor, A.READ_FILE, staff_uuid)
    return _document_rows(session, staff_uuid, section).get(section, [])


def load_folder(session: Session, actor: Actor, staff_uuid: uuid.UUID
                ) -> dict[int, list[DocumentRow]]:
    """The documents in every section of a person's folder, by section: one access check
    and one query for the seven sections' panels."""
    require(session, actor, A.READ_FILE, staff_uuid)
    return _document_rows(session, staff_uuid, None)


class _LastFolder:
    """The folder of the file shown last, read once for every section's panel: the file
    view shows one ``SupervisionFile`` to the panels one after another. Held by weak
    reference to that file (a file shown again is a new one) and forgotten on any change."""

    key: tuple[weakref.ref[Store], Actor, weakref.ref[SupervisionFile]] | None = None
    folder: dict[int, list[DocumentRow]] = {}

    @classmethod
    def of(cls, store: Store, actor: Actor, file: SupervisionFile
           ) -> dict[int, list[DocumentRow]]:
        if cls.key is not None:
            was_store, was_actor, was_file = cls.key
            if was_store() is store and was_actor == actor and was_file() is file:
                return cls.folder
        cls.forget()
        with store.read() as session:
            folder = load_folder(session, actor, file.id)
        cls.key, cls.folder = (weakref.ref(store), actor, weakref.ref(file)), folder
        return folder

    @classmethod
    def forget(cls) -> None:
        cls.key, cls.folder = None, {}


def save_document_copy(parent: QWidget | None, store: Store, actor: Actor,
                       attachment_id: uuid.UUID) -> Path | None:
    """Ask where, then write the stored bytes of a document there (the export is logged)."""
    with store.read() as session:
        row = session.get(Attachment, attachment_id)
        if row is None:
            messages.show_error(parent, "Save a copy", "That document is no longer stored.")
            return None
        name = row.name
    safe = re.sub(r'[\\/:*?"<>|]+', " ", name).strip() or "document"
    out = choose_copy_path(parent, Path(last_folder("documents")) / safe)
    if out is None:
        return None
    from supervision_audit.exports.atomic import atomic_output

    try:
        with store.write() as session:
            row = session.get(Attachment, attachment_id)
            if row is None:
                raise NotFoundError("That document is no longer stored.")
            require(session, actor, A.READ_FILE, row.staff_id)
            with atomic_output(out) as tmp:
                tmp.write_bytes(row.content)
            log_event(session, actor.who, "attachment.export", subject_kind="attachment",
                      subject_id=row.id, about_staff_id=row.staff_id, detail=out.name)
    except SupervisionAuditError as exc:
        messages.show_error(parent, "Save a copy", str(exc))
        return None
    remember_folder("documents", str(out.parent))
    return out


def choose_document_file(parent: QWidget | None) -> Path | None:
    """The file chooser of "Add document…" (tests replace ``ask_document`` instead)."""
    name, _filter = QFileDialog.getOpenFileName(parent, "Choose a document",
                                                last_folder("documents"), "All files (*)")
    return Path(name) if name else None


def choose_copy_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """Ask where to save a copy of a document (tests replace this)."""
    kind = mimetypes.guess_type(suggested.name)[0] or ""
    pattern = f"*{suggested.suffix}" if suggested.suffix else "*"
    name, _filter = QFileDialog.getSaveFileName(parent, "Save a copy of the document",
                                                str(suggested),
                                                f"{kind or 'This kind'} ({pattern});;All (*)")
    return Path(name) if name else None


class AddDocumentDialog(QDialog):
    """Which file to add, and the date the document bears (optional)."""

    def __init__(self, section_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("add_document_dialog")
        self.setWindowTitle("Add document")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(note_label(f"The document is stored in the database, in the "
                                    f"section “{section_title}”. Up to {LIMIT_TEXT}."))
        form = QFormLayout()
        pick = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setObjectName("document_path")
        self.path.setPlaceholderText("Choose a file…")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        pick.addWidget(self.path, 1)
        pick.addWidget(browse)
        form.addRow("File", pick)
        self.date = DateField()
        self.date.setObjectName("document_date")
        form.addRow("Date of the document", self.date)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add document")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        chosen = choose_document_file(self)
        if chosen is not None:
            self.path.setText(str(chosen))

    def _accept(self) -> None:
        if self.path.text().strip() and self.date.check():
            self.accept()

    def choice(self) -> tuple[Path, date | None]:
        return Path(self.path.text().strip()), self.date.date()


def ask_document(parent: QWidget | None, section_title: str) -> tuple[Path, date | None] | None:
    """The file to add and its date, or None when cancelled (tests replace this)."""
    dialog = AddDocumentDialog(section_title, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.choice()


@register(4, 5, 7, 8, 9, 10, 11)
class DocumentsPanel(QWidget):
    """The documents of one folder section (``section`` is set right after construction)."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documents_panel")
        self.store, self.actor = store, actor
        self.section = 0
        self.file: SupervisionFile | None = None
        self.rows: list[DocumentRow] = []
        self.dialog: QDialog | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 4, 0, 0)
        column.setSpacing(6)
        self.table = read_only_table(COLUMNS, "documents_table", "Documents")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemActivated.connect(lambda _item: self.save_copy())
        column.addWidget(self.table)
        self.empty = QLabel("No documents in this section yet.")
        self.empty.setObjectName("documents_empty")
        self.empty.setStyleSheet("font-style: italic; margin-right: 8px;")
        self.add_button = self._button("Add document…", self.add_document, "add_document",
                                       f"Store a file in this section (up to {LIMIT_TEXT})")
        self.copy_button = self._button("Save a copy…", self.save_copy, "save_copy",
                                        "Save the chosen document to a folder")
        self.checklist_button = self._button("Folder checklist…", self.show_checklist,
                                             "folder_checklist", "What each of the eleven "
                                             "sections holds and lacks")
        self.checklist_button.setFlat(True)
        self.checklist_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.checklist_button.setStyleSheet(f"QPushButton {{ color: {ACCENT}; border: none;"
                                            " padding: 4px 2px; text-decoration: underline; }")
        column.addLayout(button_row(self.empty, self.add_button, self.copy_button,
                                    right=(self.checklist_button,)))
        self.notice = QLabel()
        self.notice.setObjectName("documents_notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        column.addWidget(self.notice)
        self._update_buttons()

    def _button(self, text: str, slot: object, name: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return button

    @property
    def section_title(self) -> str:
        return FOLDER_SECTIONS[self.section - 1].title if 1 <= self.section <= 11 else ""

    # -- showing ----------------------------------------------------------------------
    def show_for(self, file: SupervisionFile) -> None:
        if self.file is None or self.file.id != file.id:
            self.notice.hide()
        self.file = file
        # each section has these: a screen reader says which section's they are
        self.table.setAccessibleName(f"Documents: {self.section_title}")
        self.add_button.setAccessibleName(f"Add document to {self.section_title}")
        self.copy_button.setAccessibleName(f"Save a copy of the chosen document in "
                                           f"{self.section_title}")
        self.reload(shared=True)

    def reload(self, shared: bool = False) -> None:
        """Read this section's documents again (``shared``: from the folder read once for
        the file being shown, see ``_LastFolder``)."""
        if self.file is None:
            return
        try:
            if shared:
                self.rows = list(_LastFolder.of(self.store, self.actor, self.file)
                                 .get(self.section, []))
            else:
                with self.store.read() as session:
                    self.rows = load_documents(session, self.actor, self.file.id,
                                               self.section)
        except SupervisionAuditError as exc:
            self.rows = []
            self._tell(str(exc), bad=True)
        self.table.setRowCount(len(self.rows))
        for number, doc in enumerate(self.rows):
            cells = (doc.name, doc.date_text, doc.type_label, size_text(doc.size),
                     doc.added_by)
            for col_, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col_ == 0:
                    item.setToolTip(f"{doc.name} — double-click to save a copy")
                if col_ == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight |
                                          Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(number, col_, item)
        fit_rows(self.table, least=1, most=6)
        self.table.setVisible(bool(self.rows))
        self.empty.setVisible(not self.rows)
        self._update_buttons()

    def row_texts(self) -> list[tuple[str, ...]]:
        """The table as shown, row by row (for tests and screen readers)."""
        return [tuple(self.table.item(r, c).text() for c in range(len(COLUMNS)))
                for r in range(self.table.rowCount())]

    def selected(self) -> DocumentRow | None:
        chosen = self.table.selectionModel().selectedRows()
        return self.rows[chosen[0].row()] if chosen else None

    def _update_buttons(self) -> None:
        may_write = self.file is not None and self.file.may_write
        self.add_button.setVisible(may_write)
        self.copy_button.setVisible(bool(self.rows))
        self.copy_button.setEnabled(self.selected() is not None)
        self.checklist_button.setEnabled(self.file is not None)

    def _tell(self, text: str, bad: bool = False) -> None:
        self.notice.setText(text)
        self.notice.setStyleSheet(f"color: {PROBLEM if bad else ACCENT};")
        self.notice.show()

    # -- doing ------------------------------------------------------------------------
    def add_document(self) -> bool:
        """Ask for a file and store it here; a clear message and nothing stored if it fails."""
        if self.file is None:
            return False
        choice = ask_document(self, self.section_title)
        if choice is None:
            return False
        path, day = choice
        try:
            with self.store.write() as session:
                row = add_attachment(session, self.actor, self.file.id, self.section, path, day)
                name = row.name
        except SupervisionAuditError as exc:
            text = plain_message(exc)
            messages.show_error(self, "Document not added", f"{text}\nNothing was saved.")
            self._tell(f"Not added: {text}", bad=True)
            return False
        _LastFolder.forget()
        self.reload()
        self._tell(f"Added {name}.")
        return True

    def save_copy(self) -> Path | None:
        doc = self.selected()
        if doc is None:
            return None
        written = save_document_copy(self, self.store, self.actor, doc.id)
        if written is not None:
            self._tell(f"Saved a copy as {written}")
        return written

    def show_checklist(self) -> ChecklistDialog | None:
        if self.file is None:
            return None
        try:
            dialog = ChecklistDialog(self.store, self.actor, self.file.id, self.file.name, self)
        except SupervisionAuditError as exc:
            messages.show_error(self, "Folder checklist", str(exc))
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog
