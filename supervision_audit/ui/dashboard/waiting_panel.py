""""Waiting for you": the top of a supervisee's home, above their own file. Records and the
contract to sign come first; opening one (Enter, a double-click, or its button) opens the
signing; the next session planned is a date to keep."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.services.my_supervision import Waiting
from supervision_audit.ui.common.style import WARNING_BG, heading_label, note_label

KIND_ROLE = Qt.ItemDataRole.UserRole
TARGET_ROLE = Qt.ItemDataRole.UserRole + 1
MOST_ROWS = 5  # taller than this, the list scrolls
OPENS = {"sign_record": "Sign…", "sign_contract": "Sign…", "record": "Open",
         "contract": "Open"}


class WaitingPanel(QFrame):
    """Signals carry the record's or contract's id."""

    sign_record = Signal(uuid.UUID)
    sign_contract = Signal(uuid.UUID)
    open_record = Signal(uuid.UUID)
    open_contract = Signal(uuid.UUID)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("waiting_panel")
        self.setStyleSheet(f"QFrame#waiting_panel {{ background: {WARNING_BG};"
                           " border-radius: 8px; }")
        self.count = note_label()
        self.count.setObjectName("waiting_count")
        self.list = QListWidget()
        self.list.setObjectName("waiting_list")
        self.list.setAccessibleName("Waiting for you")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setStyleSheet("QListWidget { background: transparent; }")
        self.list.itemActivated.connect(self._activated)
        self.list.currentItemChanged.connect(lambda *_: self._update_button())
        self.open_button = QPushButton("Open")
        self.open_button.setObjectName("waiting_open")
        self.open_button.clicked.connect(lambda _c=False: self.open_current())
        top = QHBoxLayout()
        top.addWidget(heading_label("Waiting for you", 1.2))
        top.addWidget(self.count, 1, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.list)
        self._bold = QFont(self.list.font())
        self._bold.setBold(True)
        self.show_waiting([])

    def show_waiting(self, lines: list[Waiting]) -> None:
        self.list.clear()
        for line in lines:
            item = QListWidgetItem(("→  " if line.kind in OPENS else "•  ") + line.text)
            item.setData(KIND_ROLE, line.kind)
            item.setData(TARGET_ROLE, line.target)
            if line.kind.startswith("sign_"):
                item.setFont(self._bold)
                item.setToolTip("Enter or a double-click opens the signing")
            self.list.addItem(item)
        mine = sum(line.kind.startswith("sign_") for line in lines)
        self.count.setText("Nothing is waiting for you." if not lines else
                           f"{mine} to sign" if mine else "Nothing to sign")
        self.list.setVisible(bool(lines))
        rows = min(max(len(lines), 1), MOST_ROWS)
        row_height = self.list.sizeHintForRow(0) if lines else self.list.fontMetrics().height()
        self.list.setFixedHeight(rows * row_height + 2 * self.list.frameWidth() + 4)
        if lines:
            self.list.setCurrentRow(0)
        self._update_button()

    def texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _update_button(self) -> None:
        item = self.list.currentItem()
        kind = item.data(KIND_ROLE) if item is not None else ""
        self.open_button.setText(OPENS.get(kind, "Open"))
        self.open_button.setEnabled(kind in OPENS)

    def open_current(self) -> bool:
        item = self.list.currentItem()
        return item is not None and self._activated(item)

    def _activated(self, item: QListWidgetItem) -> bool:
        kind, target = item.data(KIND_ROLE), item.data(TARGET_ROLE)
        signal = {"sign_record": self.sign_record, "sign_contract": self.sign_contract,
                  "record": self.open_record, "contract": self.open_contract}.get(kind)
        if signal is None or target is None:
            return False
        signal.emit(target)
        return True

