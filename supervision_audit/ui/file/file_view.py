"""The right-hand page: one supervisee's supervision file (Appendix 8).

From the top: who the person is, their supervision contract, who has supervised them,
then the eleven sections of the folder in the policy's order.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.dates import format_date
from supervision_audit.forms.folder import FOLDER_SECTIONS, FolderSection
from supervision_audit.ui.common.accessible import focus_frame
from supervision_audit.ui.common.style import NOTE, chip_style, heading_label, note_label
from supervision_audit.ui.file.contract_panel import ContractPanel
from supervision_audit.ui.file.file_data import SupervisionFile, SupervisorPeriod

EMPTY_SECTION_TEXT: dict[int, str] = {
    1: "No supervision monitoring entries yet.",
    2: "No supervision records yet.",
    3: "No workload, allocation or caseload records yet.",
    4: "No appraisal evidence or review forms yet.",
    5: "No learning and development records yet.",
    6: "No case-file audits yet.",
    7: "No attendance records yet.",
    8: "No performance management or disciplinary records yet.",
    9: "No induction checklists yet.",
    10: "No probationary assessment yet.",
    11: "No miscellaneous documents yet.",
}
HEADER_FIELDS = (
    ("staff_id", "Staff id"), ("job_title", "Job title"), ("team", "Team"),
    ("role_label", "Role"), ("supervisor_name", "Supervisor"),
    ("employment_start", "Employment start"), ("asye_start", "ASYE start"),
)


def section_title(section: FolderSection) -> str:
    return f"Section {section.number} – {section.title}"


def _shown(value: object) -> str:
    if isinstance(value, date):
        return format_date(value)
    return str(value) if value else "—"


def placeholder_text(*, above: bool) -> str:
    """The hint while nobody is chosen, saying where the staff list is."""
    return f"Choose a person {'above' if above else 'on the left'} to see their supervision file."


class FileView(QStackedWidget):
    """Shows a ``SupervisionFile`` (or a hint when nobody is chosen). The contract
    panel's requests are passed on as ``panel.open_requested`` etc."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder = note_label(placeholder_text(above=False))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addWidget(self.placeholder)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        focus_frame(self.scroll, "file_scroll", "Supervision file")
        body = QWidget()
        body.setObjectName("file_body")
        column = QVBoxLayout(body)
        column.setContentsMargins(16, 12, 16, 16)
        column.setSpacing(12)
        column.addWidget(self._header())
        self.restricted = note_label()
        self.restricted.setObjectName("file_restricted")
        column.addWidget(self.restricted)
        self.records = QWidget()  # everything only those who may open the file see
        records = QVBoxLayout(self.records)
        records.setContentsMargins(0, 0, 0, 0)
        records.setSpacing(12)
        self.contract = ContractPanel()
        records.addWidget(self.contract)
        records.addWidget(self._history_box())
        records.addWidget(heading_label("Supervision folder", 1.15))
        records.addWidget(note_label("The eleven sections of the staff supervision folder "
                                     "(Appendix 8), in order."))
        self.sections: list[QGroupBox] = []
        self.section_messages: list[QLabel] = []
        self.section_layouts: dict[int, QVBoxLayout] = {}
        self.panels: dict[int, QWidget] = {}
        for section in FOLDER_SECTIONS:
            records.addWidget(self._section_box(section))
        column.addWidget(self.records)
        column.addStretch(1)
        self.scroll.setWidget(body)
        self.addWidget(self.scroll)
        self.file: SupervisionFile | None = None

    # -- building ---------------------------------------------------------------------
    def set_list_above(self, above: bool) -> None:
        """Where the staff list is (above the file when the window is narrow)."""
        self.placeholder.setText(placeholder_text(above=above))

    def _header(self) -> QWidget:
        box = QFrame()
        box.setObjectName("file_header")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(14, 10, 14, 12)
        top = QHBoxLayout()
        self.name = heading_label("", 1.6)
        self.name.setObjectName("file_name")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state = QLabel()
        self.state.setObjectName("file_state")
        top.addWidget(self.name)
        top.addStretch(1)
        top.addWidget(self.state, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(top)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(4)
        self.details: dict[str, QLabel] = {}
        for i, (key, caption) in enumerate(HEADER_FIELDS):
            row, col = divmod(i, 2)
            label = QLabel(caption)
            label.setStyleSheet(f"color: {NOTE};")
            value = QLabel()
            value.setObjectName(f"file_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)  # a long job title wraps rather than widen the file
            grid.addWidget(label, row, 2 * col)
            grid.addWidget(value, row, 2 * col + 1)
            self.details[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        layout.addLayout(grid)
        return box

    def _history_box(self) -> QGroupBox:
        box = QGroupBox("Supervisor history")
        box.setObjectName("supervisor_history")
        self.history_layout = QVBoxLayout(box)
        self.history_body = QWidget()
        self.history_grid = QGridLayout(self.history_body)
        self.history_layout.addWidget(self.history_body)
        return box

    def _section_box(self, section: FolderSection) -> QGroupBox:
        box = QGroupBox(section_title(section))
        box.setObjectName(f"folder_section_{section.number}")
        layout = QVBoxLayout(box)
        layout.setSpacing(4)
        if section.contents:
            layout.addWidget(note_label("Holds: " + " · ".join(section.contents)))
        message = QLabel(EMPTY_SECTION_TEXT.get(section.number, "Nothing in this section yet."))
        message.setObjectName(f"folder_section_{section.number}_empty")
        message.setStyleSheet("font-style: italic;")
        layout.addWidget(message)
        self.section_layouts[section.number] = layout
        self.sections.append(box)
        self.section_messages.append(message)
        return box

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """As narrow as the file's content can be, with its scroll bar: a splitter then
        takes room from the staff list rather than making the file scroll sideways."""
        hint = super().minimumSizeHint()
        body = self.scroll.widget()
        width = (body.minimumSizeHint().width() + 2 * self.scroll.frameWidth()
                 + self.scroll.verticalScrollBar().sizeHint().width())
        return QSize(max(hint.width(), width), hint.height())

    def install_panels(self, panels: dict[int, QWidget]) -> None:
        """Put record panels in their sections, in place of the "empty" messages."""
        for number, panel in panels.items():
            message = self.section_messages[number - 1]
            message.hide()
            self.section_layouts[number].addWidget(panel)
            self.panels[number] = panel

    def show_section(self, number: int) -> None:
        """Scroll so that section ``number`` of the folder is in view."""
        if 1 <= number <= len(self.sections):
            self.scroll.ensureWidgetVisible(self.sections[number - 1], 0, 0)

    # -- showing ----------------------------------------------------------------------
    def show_file(self, file: SupervisionFile | None) -> None:
        self.file = file
        if file is None:
            self.setCurrentWidget(self.placeholder)
            return
        self.scroll.setAccessibleName(f"Supervision file of {file.name}")
        self.name.setText(file.name)
        if file.active:
            self.state.setText("Active")
            self.state.setStyleSheet(chip_style("ok"))
        else:
            self.state.setText(f"Left {format_date(file.left_on)}".strip())
            self.state.setStyleSheet(chip_style("neutral"))
        for key, label in self.details.items():
            label.setText(_shown(getattr(file, key)))
        self.records.setVisible(file.may_read)
        self.restricted.setVisible(not file.may_read)
        self.restricted.setText(
            "" if file.may_read else
            f"Only {file.name}, their supervisor and the managers above them may open this "
            "supervision file.")
        if file.contract is not None:
            self.contract.show_summary(file.contract, may_write=file.may_write)
        self._show_history(file.history)
        if file.may_read:
            for panel in self.panels.values():
                panel.show_for(file)  # type: ignore[attr-defined]
        if self.currentWidget() is not self.scroll:
            self.setCurrentWidget(self.scroll)
            self.scroll.verticalScrollBar().setValue(0)
        self.updateGeometry()  # its sections decide how narrow it may be

    def _show_history(self, history: tuple[SupervisorPeriod, ...]) -> None:
        old = self.history_body
        self.history_body = QWidget()
        self.history_grid = grid = QGridLayout(self.history_body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(3, 1)
        self.history_layout.replaceWidget(old, self.history_body)
        old.hide()
        old.deleteLater()
        if not history:
            grid.addWidget(note_label("No supervisor has been recorded."), 0, 0, 1, 3)
            return
        for col, caption in enumerate(("Supervisor", "From", "To")):
            label = QLabel(caption)
            label.setStyleSheet(f"color: {NOTE};")
            grid.addWidget(label, 0, col)
        for row, period in enumerate(reversed(history), start=1):
            cells = (period.supervisor_name or "(no supervisor)",
                     format_date(period.started_on),
                     format_date(period.ended_on) if period.ended_on else "now")
            for col, text in enumerate(cells):
                grid.addWidget(QLabel(text), row, col)

    def history_rows(self) -> list[tuple[str, str, str]]:
        """The supervisor history as shown, newest first (for tests and screen readers)."""
        rows = []
        grid = self.history_grid
        for row in range(1, grid.rowCount()):
            cells = [grid.itemAtPosition(row, col) for col in range(3)]
            if all(c is not None and c.widget() is not None for c in cells):
                rows.append(tuple(c.widget().text() for c in cells))  # type: ignore[union-attr]
        return rows  # type: ignore[return-value]
