"""Colours and the few label styles the windows share (kept here, not scattered)."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget

ACCENT = "#1e6b52"
PROBLEM = "#b3261e"
NOTE = "#5f6b73"
WARNING_BG = "#fff4e5"
WARNING_FG = "#8a4b00"
OK_BG = "#e6f4ea"
OK_FG = "#1e6b3a"
BAD_BG = "#fdecea"
BAD_FG = "#b3261e"
# the edge of a field, button, check box or drawing pad: 3:1 or more on the window and on white
BORDER = "#767676"
HIGHLIGHT = "#1f6fb2"  # the selection, under white text (5.3:1)
PLACEHOLDER = "#6b6b6b"  # the hint in an empty field (5.3:1 on white)


def note_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """Grey, word-wrapped guidance text."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {NOTE};")
    return label


def problem_label(parent: QWidget | None = None) -> QLabel:
    """Red text saying what is wrong with the field beside it; hidden until needed."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {PROBLEM};")
    label.hide()
    return label


def heading_label(text: str, scale: float = 1.35, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    return label


def chip_style(kind: str) -> str:
    """A rounded coloured tag: kind is "ok", "warning" or "bad"."""
    bg, fg = {"ok": (OK_BG, OK_FG), "warning": (WARNING_BG, WARNING_FG),
              "bad": (BAD_BG, BAD_FG)}.get(kind, ("#eceff1", "#37474f"))
    return (f"QLabel {{ background: {bg}; color: {fg}; border-radius: 9px;"
            " padding: 2px 10px; font-weight: bold; }")


def show_problem(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))
