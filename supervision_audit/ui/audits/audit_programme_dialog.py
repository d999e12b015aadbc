"""The audit programme (R6) for a senior manager: each supervisor below them, when their
supervision was last audited and observed, who needs this month's audit, who has gone twelve
months without an audit or an observation, the month's cap, and picking a file at random."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import Actor
from supervision_audit.services.audit_programme import (
    Programme,
    SupervisorLine,
    pick_supervisee,
    programme,
)
from supervision_audit.services.audits import start_audit
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.style import (
    ACCENT,
    BAD_BG,
    BAD_FG,
    OK_FG,
    PROBLEM,
    WARNING_FG,
    chip_style,
    heading_label,
    note_label,
)
from supervision_audit.ui.file.checklist_dialog import fit_rows, read_only_table
from supervision_audit.ui.file.documents_panel import plain_message

COLUMNS = ("Supervisor", "Supervisees", "Last audit", "Last observation", "This month",
           "Audit in 12 months", "Observation in 12 months")


def _day(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else "never"


class AuditProgrammeDialog(QDialog):
    """``audit_started(audit_id)`` is emitted when a random pick starts an audit."""

    audit_started = Signal(object)

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None, *,
                 today: Callable[[], date] = date.today,
                 rng: random.Random | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("audit_programme_dialog")
        self.setWindowTitle("Audit programme")
        self.store, self.actor, self.today, self.rng = store, actor, today, rng
        self.programme: Programme | None = None
        self.dialog: QDialog | None = None  # the audit or observation opened last
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(8)
        top = QHBoxLayout()
        top.addWidget(heading_label("Audit programme", 1.45))
        top.addStretch(1)
        self.cap_chip = QLabel()
        self.cap_chip.setObjectName("cap_chip")
        top.addWidget(self.cap_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(top)
        self.intro = note_label()
        self.intro.setObjectName("programme_intro")
        layout.addWidget(self.intro)
        self.table = read_only_table(COLUMNS, "programme_table", "Audit programme")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table)
        self.legend = note_label(
            "R6: each supervisor's supervision is audited at least once every 12 months, with "
            "at least one direct observation of them supervising. Senior managers audit one "
            "file per supervisor they manage each month, up to 3 for a Head of Service or "
            "Operations Manager. Picking at random chooses one of the supervisor's "
            "supervisees (the usual practice) and starts the audit.")
        layout.addWidget(self.legend)
        layout.addStretch(1)
        self.notice = QLabel()
        self.notice.setObjectName("programme_notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        layout.addWidget(self.notice)
        row = QHBoxLayout()
        self.pick_button = QPushButton("Pick a file at random")
        self.pick_button.setObjectName("pick_at_random")
        self.pick_button.setToolTip("Start an audit of one of the chosen supervisor's "
                                    "supervisees, chosen at random")
        self.pick_button.clicked.connect(lambda _c=False: self.pick_at_random())
        self.observe_button = QPushButton("Observe supervisor…")
        self.observe_button.setObjectName("observe_supervisor")
        self.observe_button.clicked.connect(lambda _c=False: self.observe())
        row.addWidget(self.pick_button)
        row.addWidget(self.observe_button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.reload()
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        self.resize(min(1080, int(area.width() * 0.92)),
                    min(self.sizeHint().height() + 20, int(area.height() * 0.9)))

    # -- showing ----------------------------------------------------------------------
    def reload(self) -> None:
        keep = self.selected_line()
        with self.store.read() as session:
            self.programme = plan = programme(session, self.actor, self.today())
        done, cap = plan.audits_this_month, plan.cap
        self.cap_chip.setText(f"{done} of {cap} audits this month")
        self.cap_chip.setStyleSheet(chip_style("ok" if done >= cap else "warning"))
        need = len(plan.needing_audit)
        self.intro.setText(
            f"{plan.month_start:%B %Y}: {len(plan.lines)} supervisor"
            f"{'s' if len(plan.lines) != 1 else ''} below you; {need} still need"
            f"{'s' if need == 1 else ''} this month's audit.")
        if keep is None and plan.needing_audit:  # start on the first who needs an audit
            keep = plan.needing_audit[0]
        self._fill(plan.lines, keep.supervisor_id if keep else None)

    def _fill(self, lines: list[SupervisorLine], keep: uuid.UUID | None) -> None:
        table = self.table
        table.setRowCount(len(lines))
        bold = QFont(table.font())
        bold.setBold(True)
        for row, line in enumerate(lines):
            cells = (line.name, str(line.supervisees), _day(line.last_audit),
                     _day(line.last_observation),
                     "Audited" if line.audited_this_month else "Needs this month's audit",
                     "No audit in 12 months" if line.no_audit_12m else "✓ Audited",
                     "No observation in 12 months" if line.no_observation_12m
                     else "✓ Observed")
            for col, text in enumerate(cells):
                table.setItem(row, col, QTableWidgetItem(text))
            table.item(row, 1).setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            table.item(row, 4).setForeground(QColor(OK_FG if line.audited_this_month
                                                    else WARNING_FG))
            for col, bad in ((5, line.no_audit_12m), (6, line.no_observation_12m)):
                item = table.item(row, col)
                item.setForeground(QColor(BAD_FG if bad else OK_FG))
                if bad:
                    item.setBackground(QColor(BAD_BG))
                    item.setFont(bold)
            if line.supervisor_id == keep:
                table.selectRow(row)
        fit_rows(table, least=3, most=12)
        self._update_buttons()

    def selected_line(self) -> SupervisorLine | None:
        if self.programme is None:
            return None
        chosen = self.table.selectionModel().selectedRows()
        return self.programme.lines[chosen[0].row()] if chosen else None

    def select(self, name: str) -> bool:
        for row, line in enumerate(self.programme.lines if self.programme else []):
            if line.name == name:
                self.table.selectRow(row)
                return True
        return False

    def row_texts(self) -> list[tuple[str, ...]]:
        return [tuple(self.table.item(r, c).text() for c in range(len(COLUMNS)))
                for r in range(self.table.rowCount())]

    def _update_buttons(self) -> None:
        line = self.selected_line()
        self.pick_button.setEnabled(line is not None and line.supervisees > 0)
        self.observe_button.setEnabled(line is not None)

    def _tell(self, text: str, bad: bool = False) -> None:
        self.notice.setText(text)
        self.notice.setStyleSheet(f"color: {PROBLEM if bad else ACCENT};")
        self.notice.show()

    # -- doing ------------------------------------------------------------------------
    def pick_at_random(self) -> uuid.UUID | None:
        """Start an audit of a supervisee of the chosen supervisor, chosen at random, and
        open it."""
        line = self.selected_line()
        if line is None:
            return None
        try:
            with self.store.write() as session:
                person = pick_supervisee(session, line.supervisor_id, self.rng)
                if person is None:
                    self._tell(f"{line.name} has no supervisees to audit.", bad=True)
                    return None
                audit = start_audit(session, self.actor, person.id,
                                    self.today())
                audit_id, name = audit.id, person.name
        except SupervisionAuditError as exc:
            messages.show_error(self, "Audit not started", plain_message(exc))
            return None
        self._tell(f"Picked {name} at random from {line.name}'s supervisees: the audit is "
                   "started.")
        self.audit_started.emit(audit_id)
        self._open_audit(audit_id)
        return audit_id

    def _open_audit(self, audit_id: uuid.UUID) -> None:
        from supervision_audit.ui.audits.audit_dialog import AuditDialog

        try:
            dialog = AuditDialog(self.store, self.actor, audit_id, self)
        except SupervisionAuditError as exc:
            messages.show_error(self, "Open audit", str(exc))
            return
        self._show(dialog)

    def observe(self) -> QDialog | None:
        from supervision_audit.ui.audits.observation_dialog import ObservationDialog

        line = self.selected_line()
        if line is None:
            return None
        try:
            dialog = ObservationDialog(self.store, self.actor, line.supervisor_id,
                                       self, today=self.today)
        except SupervisionAuditError as exc:
            messages.show_error(self, "Direct observation", str(exc))
            return None
        return self._show(dialog)

    def _show(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self.reload())
        self.dialog = dialog
        dialog.open()
        return dialog

