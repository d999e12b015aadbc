"""The dashboard's count tiles: a number and what it counts, coloured by what it holds (none,
some due, some urgent), with a word for the urgent ones so that colour is not the only sign.
A tile is a checkable button: clicking it opens the list it counts, and it stays pressed
while that list is the one shown."""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from supervision_audit.services.dashboard import Item
from supervision_audit.ui.common.layout_checks import least_size
from supervision_audit.ui.common.style import BAD_FG

# The tiles' short names for the services' section titles (an unknown section keeps its own).
TILE_NAMES = {
    "Overdue supervision": "Overdue sessions",
    "Escalations": "Escalations",
    "Records awaiting signature": "Records awaiting signature",
    "Copies due": "Copies due",
    "Contracts due for review": "Contracts due for review",
    "ASYE milestones overdue": "ASYE milestones overdue",
    "Teams without group supervision this month": "Teams without group supervision",
    "Audits due": "Audits due this month",
}
ONE_ROW_UP_TO = 5  # more tiles than this go in two rows

TILE_STYLE = """
QPushButton#count_tile {{ background: {bg}; border: 1px solid {border}; border-radius: 8px;
  text-align: left; }}
QPushButton#count_tile:hover {{ border: 2px solid {fg}; }}
QPushButton#count_tile:focus {{ border: 2px solid {fg}; }}
QPushButton#count_tile:checked {{ border: 3px solid {fg}; background: white; }}
QLabel#tile_number {{ color: {fg}; background: transparent; }}
QLabel#tile_label {{ color: #37474f; background: transparent; }}
QLabel#tile_urgent {{ color: {fg}; background: transparent; font-weight: bold; }}
"""
# background, edge, text: the edge 3:1 or more on the page, so the tile shows as a control
TILE_COLOURS = {"ok": ("#f1f8f3", "#5a8f6b", "#1e6b3a"),
                "due": ("#fff7ec", "#b07a35", "#8a4b00"),
                "urgent": ("#fdf0ef", "#c0635a", BAD_FG)}


def tile_name(section: str) -> str:
    return TILE_NAMES.get(section, section)


class CountTile(QPushButton):
    """The number of ``section``'s lines with its name beside it; clicking it opens the
    list (the page connects ``clicked``)."""

    def __init__(self, section: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("count_tile")
        self.section = section
        self.count = 0
        self.state = "ok"
        self.setCheckable(True)
        self.setAutoExclusive(False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.number = QLabel("0")
        self.number.setObjectName("tile_number")
        font = QFont(self.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.number.setFont(font)
        self.label = QLabel(tile_name(section))
        self.label.setObjectName("tile_label")
        self.label.setWordWrap(True)
        self.urgent = QLabel()
        self.urgent.setObjectName("tile_urgent")
        words = QVBoxLayout()
        words.setSpacing(0)
        words.addWidget(self.label)
        words.addWidget(self.urgent)
        words.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 10, 6)
        layout.setSpacing(10)
        layout.addWidget(self.number, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(words, 1)
        for label in (self.number, self.label, self.urgent):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.set_items([])

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return self.layout().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """As its number and words need (a button measures only its own text)."""
        return self.layout().minimumSize()

    def set_items(self, items: list[Item]) -> None:
        self.count = len(items)
        urgent = sum(i.urgent for i in items)
        self.state = "urgent" if urgent else "due" if items else "ok"
        self.number.setText(str(self.count))
        self.urgent.setText(f"{urgent} urgent" if urgent else "")
        self.urgent.setVisible(bool(urgent))
        tip = f"{tile_name(self.section)}: {self.count}"
        if urgent:
            tip += f" ({urgent} urgent)"
        self.setToolTip(tip + ". Click to open the list.")
        self.setAccessibleName(tip)
        bg, border, fg = TILE_COLOURS[self.state]
        self.setStyleSheet(TILE_STYLE.format(bg=bg, border=border, fg=fg))


def place_tiles(grid: QGridLayout, tiles: list[CountTile], width: int | None = None) -> None:
    """One row of tiles, or two when there are many, each row as full as the other; more
    rows when ``width`` does not hold that many tiles side by side (a narrow window)."""
    per_row = len(tiles) if len(tiles) <= ONE_ROW_UP_TO else math.ceil(len(tiles) / 2)
    if width is not None and tiles:
        least = max(least_size(tile)[0] for tile in tiles)
        holds = max(1, (width + grid.spacing()) // (least + grid.spacing()))
        if holds < per_row:
            per_row = math.ceil(len(tiles) / math.ceil(len(tiles) / holds))
    for tile in tiles:
        grid.removeWidget(tile)
    for column in range(grid.columnCount()):
        grid.setColumnStretch(column, 0)
    for n, tile in enumerate(tiles):
        grid.addWidget(tile, n // max(per_row, 1), n % max(per_row, 1))
    for column in range(per_row):
        grid.setColumnStretch(column, 1)
