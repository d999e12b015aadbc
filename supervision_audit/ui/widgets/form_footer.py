"""The foot of a long form's dialog (a record, an audit): a note on the left (saved, not
saved, what changed) and the buttons on the right, Save and Complete while it may be
edited, always Close. None of them is a default button (see return_stays_in_the_form)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QDialogButtonBox, QHBoxLayout, QLabel, QPushButton

from supervision_audit.ui.common.style import NOTE
from supervision_audit.ui.widgets.form_editor import return_stays_in_the_form


@dataclass(frozen=True)
class FooterButton:
    """A button's text, object name, tooltip and what it does."""

    text: str
    name: str
    tip: str
    does: Callable[[], object]
    role: QDialogButtonBox.ButtonRole = QDialogButtonBox.ButtonRole.ActionRole


@dataclass(frozen=True)
class FormFooter:
    row: QHBoxLayout
    note: QLabel
    buttons: QDialogButtonBox
    save: QPushButton | None
    complete: QPushButton | None


def form_footer(note_name: str, *, save: FooterButton | None, complete: FooterButton | None,
                close: Callable[[], object], close_name: str = "") -> FormFooter:
    """The footer row; ``save`` and ``complete`` are None when the form is read-only."""
    row = QHBoxLayout()
    row.setContentsMargins(16, 0, 16, 0)
    note = QLabel()
    note.setObjectName(note_name)
    note.setStyleSheet(f"color: {NOTE};")
    row.addWidget(note, 1)
    buttons = QDialogButtonBox()
    made: list[QPushButton | None] = []
    for spec in (save, complete):
        button = None
        if spec is not None:
            button = buttons.addButton(spec.text, spec.role)
            button.setObjectName(spec.name)
            button.setToolTip(spec.tip)
            button.clicked.connect(spec.does)
        made.append(button)
    closing = buttons.addButton(QDialogButtonBox.StandardButton.Close)
    if close_name:
        closing.setObjectName(close_name)
    buttons.rejected.connect(close)
    return_stays_in_the_form(buttons)
    row.addWidget(buttons)
    return FormFooter(row, note, buttons, made[0], made[1])
