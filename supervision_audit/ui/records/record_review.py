"""Item 2 of a record being written: the open actions of earlier records, each to be marked
Done or Carried forward before the record is completed."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.services.records import REVIEW_OUTCOMES
from supervision_audit.ui.common.style import NOTE, OK_FG, WARNING_FG
from supervision_audit.ui.records.record_data import ActionRow, esc

OUTCOME_KEYS = tuple(REVIEW_OUTCOMES)  # "done", "carried_forward"
_BY_LABEL = {label: key for key, label in REVIEW_OUTCOMES.items()}


def outcome_key(value: Any) -> str:
    """"done" or "carried_forward" from a stored outcome (its key or its label), else ""."""
    text = str(value or "")
    return text if text in REVIEW_OUTCOMES else _BY_LABEL.get(text, "")


class ReviewTable(QFrame):
    """One row per open action: what, by whom, by when, and a Done / Carried forward choice.
    ``changed`` is emitted when a choice is made."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review_table")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.actions: list[ActionRow] = []
        self.groups: list[QButtonGroup] = []
        self._buttons: list[dict[str, QRadioButton]] = []
        self._body = QWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 8)
        outer.addWidget(self._body)
        self.remaining = QLabel()
        self.remaining.setObjectName("review_remaining")
        self.remaining.setStyleSheet(f"color: {NOTE}; font-size: 90%;")
        outer.addWidget(self.remaining)

    def _new_grid(self) -> QGridLayout:
        self.groups, self._buttons = [], []
        old = self._body
        self._body = QWidget()
        grid = QGridLayout(self._body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(8)
        self.layout().replaceWidget(old, self._body)
        old.hide()
        old.deleteLater()
        return grid

    def _headers(self, grid: QGridLayout) -> None:
        for col, caption in enumerate(("Action", "By whom", "Timescale", "Outcome")):
            header = QLabel(caption)
            header.setStyleSheet(f"color: {NOTE};")
            grid.addWidget(header, 0, col)
        grid.setColumnStretch(0, 1)

    def _cells(self, grid: QGridLayout, number: int, description: str, owner: str, due: str,
               agreed: str = "") -> None:
        top = Qt.AlignmentFlag.AlignTop
        text = esc(description)
        if agreed:
            text += f"<br><span style='color:{NOTE}; font-size:90%'>agreed {agreed}</span>"
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        label.setObjectName(f"review_{number}_action")
        grid.addWidget(label, number, 0, top)
        grid.addWidget(QLabel(owner), number, 1, top)
        grid.addWidget(QLabel(due), number, 2, top)

    def _empty(self, grid: QGridLayout, text: str) -> None:
        empty = QLabel(text)
        empty.setObjectName("review_empty")
        empty.setStyleSheet("font-style: italic;")
        grid.addWidget(empty, 0, 0)

    def set_actions(self, actions: list[ActionRow], outcomes: dict[str, str]) -> None:
        """Show ``actions`` with the outcomes already chosen (action id text -> key)."""
        self.actions = list(actions)
        grid = self._new_grid()
        if not actions:
            self._empty(grid, "No open actions from earlier records.")
        else:
            self._headers(grid)
        for number, action in enumerate(actions, start=1):
            self._cells(grid, number, action.description, action.owner,
                        f"{action.due:%d/%m/%Y}", f"{action.agreed_on:%d/%m/%Y}")
            grid.addWidget(self._choice(number, outcomes.get(str(action.id), "")), number, 3,
                           Qt.AlignmentFlag.AlignTop)
        self._update_remaining()

    def show_stored(self, rows: list[dict[str, Any]]) -> None:
        """Read-only: the review as a completed record keeps it, outcomes in words."""
        self.actions = []
        grid = self._new_grid()
        if not rows:
            self._empty(grid, "There were no open actions to review.")
        else:
            self._headers(grid)
        for number, row in enumerate(rows, start=1):
            due = str(row.get("due") or "")
            try:
                due = date.fromisoformat(due).strftime("%d/%m/%Y")
            except ValueError:
                pass
            self._cells(grid, number, str(row.get("action") or ""), str(row.get("owner") or ""),
                        due)
            key = outcome_key(row.get("outcome"))
            outcome = QLabel(REVIEW_OUTCOMES.get(key, "Not reviewed"))
            outcome.setObjectName(f"review_{number}_outcome")
            outcome.setStyleSheet(f"color: {OK_FG if key == 'done' else WARNING_FG};")
            grid.addWidget(outcome, number, 3, Qt.AlignmentFlag.AlignTop)
        self._update_remaining()

    def _choice(self, number: int, chosen: str) -> QWidget:
        box = QWidget()
        row = QVBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        group = QButtonGroup(box)
        buttons: dict[str, QRadioButton] = {}
        for key in OUTCOME_KEYS:
            button = QRadioButton(REVIEW_OUTCOMES[key])
            button.setObjectName(f"review_{number}_{key}")
            button.setChecked(key == outcome_key(chosen))
            group.addButton(button)
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
            buttons[key] = button
        group.buttonToggled.connect(self._toggled)
        self.groups.append(group)
        self._buttons.append(buttons)
        return box

    def _toggled(self, _button: QRadioButton, checked: bool) -> None:
        if checked:
            self._update_remaining()
            self.changed.emit()

    def _update_remaining(self) -> None:
        left = self.missing()
        if not self.actions:
            self.remaining.setText("")
        elif left:
            self.remaining.setText(f"{left} of {len(self.actions)} still to mark before the "
                                   "record can be completed.")
            self.remaining.setStyleSheet(f"color: {WARNING_FG}; font-size: 90%;")
        else:
            self.remaining.setText("Every earlier action has been reviewed.")
            self.remaining.setStyleSheet(f"color: {NOTE}; font-size: 90%;")
        self.remaining.setVisible(bool(self.actions))

    # -- values -----------------------------------------------------------------------
    def button(self, row: int, outcome: str) -> QRadioButton:
        """The radio button of ``outcome`` on ``row`` (rows from 0)."""
        return self._buttons[row][outcome]

    def reviews(self) -> dict[str, str]:
        """Action id text -> "done" or "carried_forward", for the actions marked."""
        out = {}
        for action, buttons in zip(self.actions, self._buttons, strict=True):
            chosen = next((key for key, b in buttons.items() if b.isChecked()), "")
            if chosen:
                out[str(action.id)] = chosen
        return out

    def missing(self) -> int:
        return len(self.actions) - len(self.reviews())

    def rows(self) -> list[dict[str, Any]]:
        """The review as the record keeps it (item 2's table), outcomes as their labels."""
        reviews = self.reviews()
        return [{"id": str(a.id), "action": a.description, "owner": a.owner,
                 "due": a.due.isoformat(),
                 "outcome": REVIEW_OUTCOMES.get(reviews.get(str(a.id), ""), "")}
                for a in self.actions]
