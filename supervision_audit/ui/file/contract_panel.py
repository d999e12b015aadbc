"""The supervision contract at the top of a file: its version, dates, status and buttons."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QWidget,
)

from supervision_audit.dates import format_date
from supervision_audit.services.integrity import CHANGED_LABEL
from supervision_audit.ui.common.icons import icon
from supervision_audit.ui.common.style import chip_style, note_label
from supervision_audit.ui.file.file_data import ContractSummary
from supervision_audit.ui.widgets.flow_layout import button_row

STATUS_TEXT = {
    "current": ("Current", "ok"),
    "review_due": ("Review due", "warning"),
    "draft": ("Not signed by both", "bad"),
    "missing": ("Missing", "bad"),
}


class ContractPanel(QGroupBox):
    """Emits ``open_requested(contract_id)``, ``new_requested()`` and
    ``export_requested(contract_id)``."""

    open_requested = Signal(object)
    new_requested = Signal()
    export_requested = Signal(object)
    sign_requested = Signal(object)
    print_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Supervision contract (Appendix 1)", parent)
        self.setObjectName("contract_panel")
        self._summary: ContractSummary | None = None
        self.status = QLabel()
        self.status.setObjectName("contract_status")
        self.version = QLabel()
        self.version.setObjectName("contract_version")
        self.agreed = QLabel()
        self.agreed.setObjectName("contract_agreed")
        self.due = QLabel()
        self.due.setObjectName("contract_review_due")
        self.earlier = QLabel()
        self.earlier.setObjectName("contract_earlier")
        self.earlier.setWordWrap(True)
        self.earlier.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                             | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.earlier.linkActivated.connect(self._open_link)
        self.missing = note_label("There is no supervision contract on file yet. The policy "
                                  "expects one for every supervisee, agreed at the start of "
                                  "supervision and reviewed every year.")
        self.missing.setObjectName("contract_missing")

        self.open_button = QPushButton(icon("contract"), "Open contract")
        self.open_button.setObjectName("open_contract")
        self.new_button = QPushButton("New contract")
        self.new_button.setObjectName("new_contract")
        self.export_button = QPushButton(icon("export-pdf"), "Export PDF…")
        self.export_button.setObjectName("export_contract")
        self.sign_button = QPushButton("Sign…")
        self.sign_button.setObjectName("sign_contract")
        self.print_button = QPushButton("Print…")
        self.print_button.setObjectName("print_contract")
        self.sign_button.clicked.connect(lambda: self._emit_current(self.sign_requested))
        self.print_button.clicked.connect(lambda: self._emit_current(self.print_requested))
        self.open_button.clicked.connect(self._open_current)
        self.new_button.clicked.connect(self.new_requested)
        self.export_button.clicked.connect(self._export_current)

        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(4)
        for row, (caption, value) in enumerate((("Version", self.version),
                                                 ("Date agreed", self.agreed),
                                                 ("Review due", self.due))):
            label = QLabel(caption)
            label.setStyleSheet("color: #5f6b73;")
            grid.addWidget(label, row, 0)
            grid.addWidget(value, row, 1)
        grid.setColumnStretch(2, 1)
        grid.addWidget(self.status, 0, 2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.missing, 3, 0, 1, 3)
        grid.addWidget(self.earlier, 4, 0, 1, 3)
        buttons = button_row(self.open_button, self.new_button, self.export_button,
                             self.print_button, self.sign_button)
        buttons.setContentsMargins(0, 6, 0, 0)
        grid.addLayout(buttons, 5, 0, 1, 3)
        self.setLayout(grid)

    def show_summary(self, summary: ContractSummary, may_write: bool = True) -> None:
        self._summary = summary
        text, kind = STATUS_TEXT.get(summary.status, (summary.status, ""))
        if summary.changed:  # altered outside the app: what shows is not what was signed
            text, kind = CHANGED_LABEL, "bad"
        self.status.setText(text)
        self.status.setStyleSheet(chip_style(kind))
        self.status.setToolTip(f"Not what was signed: {summary.changed}. It cannot be "
                               "exported or sealed." if summary.changed else "")
        current = summary.current
        has = current is not None
        self.version.setText((f"Version {current.version}" + (
            f" (draft; version {summary.in_force} is in force)" if summary.in_force else ""))
            if current else "—")
        self.agreed.setText(format_date(current.date_agreed) or "—" if current else "—")
        self.due.setText(format_date(summary.review_due) or "—")
        self.missing.setVisible(not has)
        if summary.earlier:
            links = ", ".join(
                f"<a href='{v.id}'>version {v.version}</a>"
                + (f" (agreed {format_date(v.date_agreed)})" if v.date_agreed else "")
                for v in summary.earlier)
            self.earlier.setText(f"Earlier versions: {links}")
        else:
            self.earlier.setText("No earlier versions." if has else "")
        # Tab stops on the links only: a line without one would take the focus and show none
        self.earlier.setFocusPolicy(Qt.FocusPolicy.StrongFocus if summary.earlier
                                    else Qt.FocusPolicy.NoFocus)
        self.earlier.setVisible(has)
        self.open_button.setEnabled(has)
        self.export_button.setEnabled(has)
        self.print_button.setEnabled(has)
        self.sign_button.setEnabled(has and not summary.final)
        self.new_button.setVisible(may_write)  # only the supervisor ever writes it
        if may_write:
            self.new_button.setToolTip("Start a new version from the current terms" if has
                                       else "Draft this person's first supervision contract")

    def _emit_current(self, signal: Signal) -> None:  # type: ignore[valid-type]
        if self._summary and self._summary.current:
            signal.emit(self._summary.current.id)  # type: ignore[attr-defined]

    def _open_current(self) -> None:
        if self._summary and self._summary.current:
            self.open_requested.emit(self._summary.current.id)

    def _export_current(self) -> None:
        if self._summary and self._summary.current:
            self.export_requested.emit(self._summary.current.id)

    def _open_link(self, link: str) -> None:
        self.open_requested.emit(uuid.UUID(link))
