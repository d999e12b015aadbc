"""A short dialog about one record (reopening it, adding an addendum, recording the copy
given): a heading, what the record is, what the step does, a banner for problems that
belong to no field, a few fields each with its problem shown beside it, and the button
that does it beside Cancel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError, ValidationError
from supervision_audit.ui.common.style import heading_label, note_label, problem_label, show_problem


class ShortFormDialog(QDialog):
    """The frame: build it with ``add_field`` then ``add_buttons``."""

    def __init__(self, name: str, title: str, about: str, explains: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(18, 14, 18, 14)
        self.column.setSpacing(10)
        self.column.addWidget(heading_label(title, 1.35))
        self.column.addWidget(note_label(about))
        self.column.addWidget(note_label(explains))
        self.banner = problem_label()
        self.column.addWidget(self.banner)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.column.addLayout(self.form)
        self.problems: dict[str, QLabel] = {}

    def add_field(self, key: str, caption: str, widget: QWidget) -> QLabel:
        """A field and, under it, the label that says what is wrong with it."""
        self.form.addRow(caption, widget)
        label = problem_label()
        label.setObjectName(f"{key}_problem")
        self.form.addRow("", label)
        self.problems[key] = label
        return label

    def add_buttons(self, does: str | QDialogButtonBox.StandardButton, name: str,
                    slot: Callable[[], object]) -> QPushButton:
        """The button that does it (a text, or a standard button such as Save), and Cancel."""
        buttons = QDialogButtonBox()
        button = buttons.addButton(does) if isinstance(does, QDialogButtonBox.StandardButton) \
            else buttons.addButton(does, QDialogButtonBox.ButtonRole.AcceptRole)
        button.setObjectName(name)
        button.setDefault(True)
        button.clicked.connect(slot)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        self.column.addWidget(buttons)
        self.buttons = buttons
        return button

    def problem_text(self, key: str) -> str:
        label = self.problems[key]
        return label.text() if not label.isHidden() else ""

    def clear_problems(self) -> None:
        for label in (*self.problems.values(), self.banner):
            show_problem(label, "")

    def write_and_close(self, store: Store, write: Callable[[Session], object]) -> bool:
        """``write(session)`` in one transaction; then close (accepted). When it is refused,
        say why beside the fields (or in the banner) and stay open; nothing was saved."""
        try:
            with store.write() as session:
                write(session)
        except ValidationError as exc:
            self.show_problems(exc)
            return False
        except SupervisionAuditError as exc:
            show_problem(self.banner, str(exc))
            return False
        self.accept()
        return True

    def show_problems(self, exc: ValidationError, banner_prefix: str = "") -> None:
        """Each problem beside its field; those of no field together in the banner."""
        general = []
        for problem in exc.problems:
            if problem.field in self.problems:
                show_problem(self.problems[problem.field], problem.message + ".")
            else:
                general.append(problem.message)
        if general:
            show_problem(self.banner, banner_prefix + "; ".join(general) + ".")
