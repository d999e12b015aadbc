"""The evidence beside each subject of the audit: the outcome the file suggests and the
figures behind it, each figure a link to the list of records it counts (a record there opens
read-only on a double-click)."""

from __future__ import annotations

import html
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session, select

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.models import Attachment, Contract, SupervisionRecord, SupervisionSession
from supervision_audit.services.access import Action, Actor, permitted
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.style import ACCENT, NOTE, PROBLEM, chip_style, note_label
from supervision_audit.ui.file.checklist_dialog import read_only_table
from supervision_audit.ui.records.record_data import FORM_TITLES

OUTCOME_LABELS = {"yes": "Yes", "no": "No", "n_a": "Not applicable", "": "Not answered"}
OUTCOME_CHIPS = {"yes": "ok", "no": "bad", "n_a": "neutral"}
CARD_STYLE = ("QFrame#evidence_card { background: #f5f8f7; border: 1px solid #d5e0dc;"
              " border-radius: 8px; }")
LINK_STYLE = (f"QPushButton {{ color: {ACCENT}; text-align: left; border: none;"
              " padding: 0; font-weight: bold; text-decoration: underline; }"
              " QPushButton:hover { color: #0f4a37; }")


def _discard(widget: QWidget | None) -> None:
    """Take ``widget`` off the screen now (not at the next turn of the event loop)."""
    if widget is not None:
        widget.hide()
        widget.setParent(None)  # type: ignore[call-overload]
        widget.deleteLater()


class EvidenceCard(QFrame):
    """One subject's proposal and figures. ``figure_opened(label, record_ids)`` asks for
    the records behind a figure."""

    figure_opened = Signal(str, list)

    def __init__(self, key: str, proposal: dict[str, Any] | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("evidence_card")
        self.setStyleSheet(CARD_STYLE)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(12, 10, 12, 10)
        self.column.setSpacing(6)
        self.set_proposal(proposal)

    def set_proposal(self, proposal: dict[str, Any] | None) -> None:
        """Show ``proposal`` (the evidence gathered again, say), in place of what was shown.
        A proposal marked with a ``previous_outcome`` says what it was."""
        while self.column.count():
            item = self.column.takeAt(0)
            inner = item.layout()
            while inner is not None and inner.count():
                _discard(inner.takeAt(0).widget())
            _discard(item.widget())
        column = self.column
        self.proposal = str((proposal or {}).get("outcome") or "")
        self.previous = str((proposal or {}).get("previous_outcome") or "")
        self.figures: list[dict[str, Any]] = list((proposal or {}).get("figures") or [])
        top = QHBoxLayout()
        caption = QLabel("EVIDENCE FROM THE FILE")
        caption.setStyleSheet(f"color: {NOTE}; font-size: 85%; font-weight: bold;"
                              " letter-spacing: 1px; background: transparent; border: none;")
        top.addWidget(caption)
        top.addStretch(1)
        self.chip = QLabel(f"Suggests: {OUTCOME_LABELS.get(self.proposal, self.proposal)}"
                           if self.proposal else "No proposal")
        self.chip.setObjectName(f"{self.key}_proposal")
        self.chip.setStyleSheet(chip_style(OUTCOME_CHIPS.get(self.proposal, "neutral")))
        top.addWidget(self.chip)
        column.addLayout(top)
        self.changed_note: QLabel | None = None
        if self.previous:
            was = OUTCOME_LABELS.get(self.previous, self.previous)
            self.changed_note = self._plain(f"↻ Changed with the audit date: the evidence "
                                            f"suggested <b>{html.escape(was)}</b> before.",
                                            PROBLEM)
            self.changed_note.setObjectName(f"{self.key}_changed")
            column.addWidget(self.changed_note)
        self.buttons: list[QPushButton] = []
        self.values: list[QLabel] = []
        for number, figure in enumerate(self.figures):
            column.addWidget(self._figure(number, figure))
        if not self.figures:
            column.addWidget(self._plain("The file gives no figures for this subject: answer "
                                         "from your own reading of the file.", NOTE))
        self.status = QLabel()
        self.status.setObjectName(f"{self.key}_agreement")
        self.status.setWordWrap(True)
        column.addWidget(self.status)
        self.set_answer(self.proposal, has_comment=False)
        if self.isVisible():  # shown now, not at the next turn of the event loop
            for index in range(column.count()):
                item = column.itemAt(index)
                inner = item.layout()
                widgets = [item.widget()] if inner is None else \
                    [inner.itemAt(i).widget() for i in range(inner.count())]
                for widget in widgets:
                    if widget is not None:
                        widget.show()

    def _plain(self, text: str, colour: str = "") -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setStyleSheet(f"{'color: ' + colour + ';' if colour else ''}"
                            " background: transparent; border: none;")
        return label

    def open_figure(self, number: int) -> None:
        """Ask for the records behind figure ``number`` as the card shows it now. (Clicking a
        figure can first settle a new audit date, which gathers the evidence again and
        replaces the very button clicked: the click then opens the new figure's records.)"""
        if 0 <= number < len(self.figures):
            figure = self.figures[number]
            ids = [str(i) for i in figure.get("record_ids") or []]
            if ids:
                self.figure_opened.emit(str(figure.get("label", "")), ids)

    def _figure(self, number: int, figure: dict[str, Any]) -> QWidget:
        box = QWidget()
        box.setStyleSheet("background: transparent; border: none;")
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._plain(str(figure.get("label", "")), NOTE))
        ids = [str(i) for i in figure.get("record_ids") or []]
        value = str(figure.get("value", ""))
        if ids:
            shown = f"{value}  ›  {len(ids)} record{'s' if len(ids) != 1 else ''}"
            button = QPushButton(shown)
            button.setObjectName(f"{self.key}_figure_{number}")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setStyleSheet(LINK_STYLE)
            button.setToolTip("Show the records behind this figure")
            button.setFlat(True)
            button.clicked.connect(lambda _c=False, n=number: self.open_figure(n))
            column.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
            self.buttons.append(button)
            label = QLabel(value)
            label.hide()
        else:
            label = self._plain(f"<b>{html.escape(value)}</b>")
            label.setObjectName(f"{self.key}_figure_{number}")
            column.addWidget(label)
        self.values.append(label)
        return box

    def set_answer(self, answer: str, *, has_comment: bool) -> None:
        """Say whether the auditor's answer agrees with the evidence."""
        if not answer:
            text, colour = "Not answered yet.", NOTE
        elif not self.proposal or answer == self.proposal:
            text, colour = "✓ Your answer agrees with the evidence.", ACCENT
        elif has_comment:
            text, colour = (f"Your answer overrules the evidence "
                            f"({OUTCOME_LABELS.get(self.proposal)}); your comment says why."),\
                NOTE
        else:
            text, colour = (f"⚠ Your answer overrules the evidence "
                            f"({OUTCOME_LABELS.get(self.proposal)}): give a comment."), PROBLEM
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour}; background: transparent; border: none;")

    def figure_texts(self) -> list[str]:
        """Each figure as "label: value", as shown (for tests and screen readers)."""
        return [f"{f.get('label')}: {f.get('value')}" for f in self.figures]


@dataclass(frozen=True)
class EvidenceItem:
    kind: str  # record, session, contract, document
    id: uuid.UUID
    when: date | None
    title: str
    detail: str
    staff_id: uuid.UUID | None


def _as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


def describe_evidence(session: Session, actor: Actor, ids: list[str]) -> list[EvidenceItem]:
    """What each id behind a figure is (a record, session, contract or document), leaving out
    anything ``actor`` may not read."""
    wanted = [u for u in (_as_uuid(i) for i in ids) if u is not None]
    out: list[EvidenceItem] = []
    for record in session.exec(select(SupervisionRecord).where(
            SupervisionRecord.id.in_(wanted))):  # type: ignore[attr-defined]
        status = "final" if record.locked_at else record.status
        out.append(EvidenceItem("record", record.id, record.held_on,
                                FORM_TITLES.get(record.form_key, "Supervision record"),
                                f"{status.capitalize()}", record.supervisee_id))
    for planned in session.exec(select(SupervisionSession).where(
            SupervisionSession.id.in_(wanted))):  # type: ignore[attr-defined]
        out.append(EvidenceItem("session", planned.id, planned.planned_date,
                                "Supervision session", planned.status.capitalize(),
                                planned.supervisee_id))
    for contract in session.exec(select(Contract).where(
            Contract.id.in_(wanted))):  # type: ignore[attr-defined]
        out.append(EvidenceItem("contract", contract.id, contract.date_agreed,
                                f"Supervision contract, version {contract.version}",
                                "Signed by both" if contract.locked_at else "Not yet signed",
                                contract.supervisee_id))
    for doc in session.exec(select(Attachment.id, Attachment.name, Attachment.document_date,
                                   Attachment.section, Attachment.staff_id).where(
            Attachment.id.in_(wanted))):  # type: ignore[attr-defined]
        out.append(EvidenceItem("document", doc[0], doc[2], doc[1],
                                f"Document in section {doc[3]}", doc[4]))
    readable = [i for i in out if i.staff_id is None or
                permitted(session, actor, Action.READ_FILE, i.staff_id)]
    return sorted(readable, key=lambda i: (i.when or date.min, i.title))


class EvidenceListDialog(QDialog):
    """The records behind one figure; double-click (or Open) shows one read-only."""

    COLUMNS = ("Date", "What", "State")

    def __init__(self, store: Store, actor: Actor, title: str, ids: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidence_list")
        self.store, self.actor = store, actor
        self.opened: QDialog | None = None
        self.setWindowTitle(f"Evidence – {title}")
        with store.read() as session:
            self.items = describe_evidence(session, actor, ids)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        heading = QLabel(f"<b>{html.escape(title)}</b>")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(note_label(f"{len(self.items)} item{'s' if len(self.items) != 1 else ''}"
                                    " counted. Double-click one to open it read-only."))
        self.table = read_only_table(self.COLUMNS, "evidence_table", "Evidence")
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            cells = (f"{item.when:%d/%m/%Y}" if item.when else "—", item.title, item.detail)
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.itemActivated.connect(lambda cell: self.open_item(cell.row()))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = buttons.addButton("Open", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setObjectName("open_evidence")
        self.open_button.clicked.connect(self._open_selected)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        self.resize(min(620, int(area.width() * 0.9)), min(420, int(area.height() * 0.9)))

    def row_texts(self) -> list[tuple[str, ...]]:
        return [tuple(self.table.item(r, c).text() for c in range(len(self.COLUMNS)))
                for r in range(self.table.rowCount())]

    def _open_selected(self) -> None:
        chosen = self.table.selectionModel().selectedRows()
        if chosen:
            self.open_item(chosen[0].row())

    def open_item(self, row: int) -> QDialog | None:
        """Open the item of ``row`` read-only (a document: save a copy)."""
        item = self.items[row]
        try:
            dialog = self._dialog_for(item)
        except SupervisionAuditError as exc:
            messages.show_error(self, "Open evidence", str(exc))
            return None
        if dialog is not None:
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.opened = dialog
            dialog.open()
        return dialog

    def _dialog_for(self, item: EvidenceItem) -> QDialog | None:
        from supervision_audit.ui.records.record_opening import open_record_dialog

        if item.kind == "session":
            with self.store.read() as session:
                record_id = session.exec(select(SupervisionRecord.id).where(
                    SupervisionRecord.session_id == item.id)).first()
            if record_id is None:
                messages.show_info(self, "Open evidence", "No record was written for the "
                                   f"session of {item.when:%d/%m/%Y}.")
                return None
            item = EvidenceItem("record", record_id, item.when, "", "", item.staff_id)
        if item.kind == "record":
            dialog = open_record_dialog(self.store, self.actor, item.id, self)
            dialog.editor.set_read_only(True)
            return dialog
        if item.kind == "contract" and item.staff_id is not None:
            from supervision_audit.ui.file.contract_dialog import ContractDialog

            dialog = ContractDialog(self.store, self.actor, item.staff_id, item.id, self)
            dialog.editor.set_read_only(True)
            return dialog
        if item.kind == "document":
            from supervision_audit.ui.file.documents_panel import save_document_copy

            save_document_copy(self, self.store, self.actor, item.id)
        return None
