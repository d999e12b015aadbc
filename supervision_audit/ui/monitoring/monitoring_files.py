"""Files of the monitoring sheet: asking where to export or what to import (tests replace
the ``choose_*`` functions), the list of problems of a workbook that was not imported, and
the panel's file buttons (``SheetFiles``)."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.errors import Problem, ValidationError
from supervision_audit.services.access import Actor
from supervision_audit.services.monitoring_xlsx import export_monitoring, import_monitoring
from supervision_audit.services.record_export import export_monitoring_pdf, export_schedule_ics
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.accessible import name_view
from supervision_audit.ui.common.layout_checks import resize_within_screen
from supervision_audit.ui.common.messages import reports_errors
from supervision_audit.ui.common.style import PROBLEM, note_label
from supervision_audit.ui.common.window_state import last_folder, remember_folder
from supervision_audit.ui.file.file_data import SupervisionFile
from supervision_audit.ui.monitoring.monitoring_common import Today
from supervision_audit.ui.monitoring.monitoring_model import MonitoringModel, plural

XLSX_FILTER = "Excel workbook (*.xlsx)"
PDF_FILTER = "PDF document (*.pdf)"
ICS_FILTER = "iCalendar file (*.ics)"


def safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|]+', " ", text).strip()


def _with_suffix(name: str, chosen_filter: str, default: str) -> Path:
    path = Path(name)
    if path.suffix.lower() in (".xlsx", ".pdf", ".ics"):
        return path
    suffix = ".pdf" if chosen_filter == PDF_FILTER else default
    return path.with_name(path.name + suffix)


def choose_export_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """Ask where to export the monitoring sheet: an .xlsx workbook or a .pdf (tests replace
    this)."""
    name, chosen = QFileDialog.getSaveFileName(parent, "Export the monitoring sheet",
                                               str(suggested), f"{XLSX_FILTER};;{PDF_FILTER}")
    return _with_suffix(name, chosen, ".xlsx") if name else None


def choose_import_path(parent: QWidget | None, start_dir: str) -> Path | None:
    """Ask for a monitoring-sheet workbook to import (tests replace this)."""
    name, _chosen = QFileDialog.getOpenFileName(parent, "Import monitoring sheets", start_dir,
                                                XLSX_FILTER)
    return Path(name) if name else None


def choose_ics_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """Ask where to save the schedule as an iCalendar file (tests replace this)."""
    name, chosen = QFileDialog.getSaveFileName(parent, "Save the schedule for diaries",
                                               str(suggested), ICS_FILTER)
    return _with_suffix(name, chosen, ".ics") if name else None


IMPORT_HELP = ("A monitoring sheet in the paper layout: A1 \"Supervisee:\" and B1 the staff id "
               "or full name, C1 \"Supervisor:\" and D1 theirs; row 3 the headers Date | Time | "
               "Completed/Postponed | Date Rescheduled for | Any comments / Reasons for "
               "postponement; entries from row 4. One worksheet per supervisee.")


class ImportProblemsDialog(QDialog):
    """Every problem of a workbook that was not imported, as Row | Column | Problem."""

    def __init__(self, path: Path, problems: list[Problem],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Not imported: {path.name}")
        count = len(problems)
        self.status = QLabel(f"{path.name} has {count} "
                             f"{'problem' if count == 1 else 'problems'}. Nothing was imported.")
        self.status.setObjectName("import_status")
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"color: {PROBLEM}; font-weight: bold;")
        self.table = QTableWidget(count, 3)
        self.table.setObjectName("import_problems")
        name_view(self.table, "Problems found")
        self.table.setHorizontalHeaderLabels(["Row", "Column", "Problem"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, problem in enumerate(problems):
            cells = ("" if problem.row is None else str(problem.row), problem.field,
                     problem.message)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(note_label("Correct the workbook and import it again. " + IMPORT_HELP))
        layout.addWidget(buttons)
        resize_within_screen(self, 820, 420)

    def problem_rows(self) -> list[tuple[str, str, str]]:
        """The problems as shown (Row, Column, Problem)."""
        return [(self.table.item(r, 0).text(), self.table.item(r, 1).text(),
                 self.table.item(r, 2).text()) for r in range(self.table.rowCount())]


class SheetFiles:
    """The file buttons of the monitoring panel (mixed into it): export as .xlsx or .pdf,
    import workbooks, and save the schedule as .ics."""

    store: Store
    actor: Actor
    file: SupervisionFile | None
    model: MonitoringModel
    may_write: bool
    today: Today
    # and, from the panel: _say(text, ok=True), refresh(), _open_dialog(dialog, on_accept)

    def _file_error(self, title: str, out: Path, exc: OSError) -> None:
        messages.show_error(self, title, f"{out} could not be written: {exc.strerror or exc}")

    @reports_errors("Export the monitoring sheet")
    def export_sheet(self) -> Path | None:
        if self.file is None:
            return None
        suggested = Path(last_folder("export")) / (
            f"Monitoring sheet - {safe_name(self.file.name)}.xlsx")
        out = choose_export_path(self, suggested)
        if out is None:
            return None
        try:
            with self.store.write() as session:
                if out.suffix.lower() == ".pdf":
                    export_monitoring_pdf(session, self.actor, self.file.id, out)
                else:
                    export_monitoring(session, self.actor, [self.file.id], out)
        except OSError as exc:
            self._file_error("Export the monitoring sheet", out, exc)
            return None
        remember_folder("export", str(out.parent))
        self._say(f"Saved the monitoring sheet to {out}")
        return out

    @reports_errors("Save the schedule")
    def export_calendar(self) -> Path | None:
        if self.file is None:
            return None
        suggested = Path(last_folder("export")) / (
            f"Supervision schedule - {safe_name(self.file.name)}.ics")
        out = choose_ics_path(self, suggested)
        if out is None:
            return None
        today = self.today()
        count = sum(1 for r in self.model.rows()
                    if r.status == "planned" and r.planned_date >= today)
        try:
            with self.store.write() as session:
                export_schedule_ics(session, self.actor, self.file.id, out, from_date=today)
        except OSError as exc:
            self._file_error("Save the schedule", out, exc)
            return None
        remember_folder("export", str(out.parent))
        self._say(f"Saved {plural(count, 'session')} still to come to {out}")
        return out

    @reports_errors("Import monitoring sheets")
    def import_sheets(self) -> None:
        if self.file is None or not self.may_write:
            return
        path = choose_import_path(self, last_folder("import"))
        if path is None:
            return
        try:
            with self.store.write() as session:
                result = import_monitoring(session, self.actor, path)
        except ValidationError as exc:
            self._say(f"{path.name} was not imported.", ok=False)
            self._open_dialog(ImportProblemsDialog(path, exc.problems, self), lambda: None)
            return
        remember_folder("import", str(path.parent))
        self._say(f"Imported {path.name}: {plural(result.sheets, 'sheet')}, "
                  f"{result.created} added, {result.updated} updated.")
        self.refresh()
