"""The access log (who opened, exported or printed what), for administrators and senior
managers, with export to .csv or .xlsx; and the subject access export of one person."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from supervision_audit import APP_NAME
from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import Actor
from supervision_audit.services.access_log import COLUMNS, access_log, write_access_log
from supervision_audit.services.signin import FAILED_SIGN_IN
from supervision_audit.services.staff import list_staff
from supervision_audit.services.subject_access import export_subject_access
from supervision_audit.ui.common.accessible import name_view
from supervision_audit.ui.common.layout_checks import resize_within_screen
from supervision_audit.ui.common.style import (
    PROBLEM,
    heading_label,
    note_label,
    problem_label,
    show_problem,
)
from supervision_audit.ui.common.window_state import last_folder, remember_folder
from supervision_audit.ui.signin.password_dialog import MARGINS, button_box
from supervision_audit.ui.widgets.date_field import DateField

EVERYONE = "Everyone"


def choose_export_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """Ask where to save the log (tests replace this)."""
    name, _filter = QFileDialog.getSaveFileName(
        parent, "Export the access log", str(suggested),
        "CSV file (*.csv);;Excel workbook (*.xlsx)")
    return Path(name) if name else None


def choose_folder(parent: QWidget | None, current: str) -> Path | None:
    """Ask for a folder (tests replace this)."""
    chosen = QFileDialog.getExistingDirectory(parent, "Folder for the export", current)
    return Path(chosen) if chosen else None


def _people(store: Store, actor: Actor) -> list[tuple[str, str]]:
    """(label, staff id) of everyone ``actor`` sees, leavers too."""
    with store.read() as session:
        rows = list_staff(session, actor, include_left=True)
    return [(f"{r.name} ({r.staff_id})" + ("" if r.active else " – left"), r.staff_id)
            for r in rows]


def data_table(columns: list[str] | tuple[str, ...], name: str, label: str) -> QTableWidget:
    """A read-only table of whole rows, one selectable at a time, with compact lines, called
    ``label`` by screen readers; Tab leaves it."""
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    name_view(table, label)
    table.setHorizontalHeaderLabels(list(columns))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setStretchLastSection(True)
    return table


_UUID = re.compile(r"\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def short_ids(text: str) -> str:
    """Record ids shortened for reading (the tooltip and the export keep them whole)."""
    return _UUID.sub(r"\1…", text)


class AccessLogDialog(QDialog):
    """Filter by person and period, read the entries, export them. Viewing is itself logged
    (by the service)."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.rows: list[dict[str, Any]] = []
        self.setWindowTitle(f"Access log – {APP_NAME}")
        today = today or date.today()
        self.person = QComboBox()
        self.person.setObjectName("person")
        self.person.addItem(EVERYONE, "")
        for label, staff_id in _people(store, actor):
            self.person.addItem(label, staff_id)
        self.person.setMinimumContentsLength(24)
        self.start = DateField()
        self.start.setObjectName("from")
        self.start.set_label("From")
        self.start.set_date(today - timedelta(days=30))
        self.end = DateField()
        self.end.setObjectName("to")
        self.end.set_label("To")
        self.end.set_date(today)
        self.show_button = QPushButton("Show")
        self.show_button.setObjectName("show")
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.load)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Person:"))
        filters.addWidget(self.person, 1)
        filters.addSpacing(12)
        filters.addWidget(QLabel("From:"))
        filters.addWidget(self.start)
        filters.addWidget(QLabel("To:"))
        filters.addWidget(self.end)
        filters.addWidget(self.show_button)
        self.problem = problem_label()
        self.problem.setObjectName("log_problem")
        self.table = data_table([c.capitalize() for c in COLUMNS], "log", "Access log")
        self.count = note_label()
        self.export_button = QPushButton("Export…")
        self.export_button.setObjectName("export")
        self.export_button.setAutoDefault(False)
        self.export_button.clicked.connect(self.export)
        buttons, _none = button_box(self, "", "Close")
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.setSpacing(10)
        layout.addWidget(heading_label("Access log", 1.3))
        layout.addWidget(note_label("Every opening of a file or record, every export and print, "
                                    "every change to accounts and every failed sign-in (in "
                                    "red), newest first. Looking at the log is recorded in it "
                                    "too."))
        layout.addLayout(filters)
        layout.addWidget(self.problem)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        resize_within_screen(self, 1060, 600)
        self.load()

    def load(self) -> bool:
        show_problem(self.problem, "")
        try:
            start, end = self.start.date(), self.end.date()
        except ValueError as exc:
            show_problem(self.problem, str(exc))
            return False
        try:
            with self.store.write() as session:
                rows = access_log(session, self.actor, staff_id=self.person.currentData() or None,
                                  start=start, end=end)
        except SupervisionAuditError as exc:
            show_problem(self.problem, str(exc))
            return False
        self.rows = rows
        self.table.setRowCount(len(rows))
        for row, entry in enumerate(rows):
            failed = entry["action"] == FAILED_SIGN_IN  # a wrong password: it stands out
            for column, key in enumerate(COLUMNS):
                item = QTableWidgetItem(short_ids(str(entry[key])))
                item.setToolTip(str(entry[key]))
                if failed:
                    item.setForeground(QColor(PROBLEM))
                self.table.setItem(row, column, item)
        self.count.setText(f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}.")
        self.export_button.setEnabled(bool(rows))
        return True

    def export(self) -> Path | None:
        who = self.person.currentData() or "everyone"
        suggested = Path(last_folder("access_log")) / f"access log - {who} - {date.today()}.csv"
        out = choose_export_path(self, suggested)
        if out is None:
            return None
        if out.suffix.lower() not in (".csv", ".xlsx"):
            out = out.with_name(out.name + ".csv")
        try:
            written = write_access_log(self.rows, out)
        except (SupervisionAuditError, OSError) as exc:
            show_problem(self.problem, f"The log could not be written to {out}: {exc}")
            return None
        remember_folder("access_log", str(out.parent))
        self.count.setText(f"{len(self.rows)} entries saved to {written}.")
        return written


class SubjectAccessDialog(QDialog):
    """Everything held about one person, as one PDF and one JSON file in a chosen folder."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.written: list[Path] = []
        self.setWindowTitle(f"Subject access export – {APP_NAME}")
        self.person = QComboBox()
        self.person.setObjectName("person")
        for label, staff_id in _people(store, actor):
            self.person.addItem(label, staff_id)
        self.folder = QLineEdit(last_folder("subject_access"))
        self.folder.setObjectName("folder")
        self.folder.setAccessibleName("Save into")
        choose = QPushButton("Choose…")
        choose.setAutoDefault(False)
        choose.clicked.connect(self.choose)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        form = QFormLayout()
        form.addRow("Person:", self.person)
        form.addRow("Save into:", folder_row)
        self.problem = problem_label()
        self.result_label = note_label()
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons, _none = button_box(self, "", "Close")
        self.export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.setObjectName("export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.setSpacing(10)
        layout.addWidget(heading_label("Subject access export", 1.3))
        layout.addWidget(note_label(
            "For a subject access request: the person's staff record, supervisors, contracts, "
            "accounts and every log entry about or by them, as a PDF to read and a JSON file "
            "for machines. Keep both as securely as the database; the export is logged."))
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def choose(self) -> None:
        chosen = choose_folder(self, self.folder.text())
        if chosen is not None:
            self.folder.setText(str(chosen))

    def export(self) -> list[Path]:
        show_problem(self.problem, "")
        staff_id = self.person.currentData()
        folder = self.folder.text().strip()
        if not staff_id or not folder:
            show_problem(self.problem, "Choose a person and a folder.")
            return []
        try:
            with self.store.write() as session:
                self.written = export_subject_access(session, self.actor, staff_id, Path(folder))
        except (SupervisionAuditError, OSError) as exc:
            show_problem(self.problem, str(exc))
            return []
        remember_folder("subject_access", folder)
        self.result_label.setText("Saved:\n" + "\n".join(str(p) for p in self.written))
        return self.written
