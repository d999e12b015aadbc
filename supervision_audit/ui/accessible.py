"""What a screen reader says about a control, kept in one place.

Qt names an unnamed field after the text of the label whose buddy it is, markup and all
(``Start time <span style='color:#b3261e'>*</span>``), and a table or list after nothing.
These helpers give controls plain names, say "required" in words (the red asterisk only
shows it), put a field's problem in its description, and make tables that Tab leaves.
"""

from __future__ import annotations

from PySide6.QtGui import Qt, QTextDocumentFragment
from PySide6.QtWidgets import QAbstractItemView, QLabel, QWidget

REQUIRED = "Required"


def plain(text: str) -> str:
    """``text`` as a screen reader should say it: no markup, no mnemonic ampersand, no
    asterisk or colon at the end."""
    if Qt.mightBeRichText(text):
        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    else:  # a mnemonic: "&Team" says "Team", "A && B" says "A & B"
        text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return " ".join(text.split()).rstrip("*: ").strip()


def buddy_text(widget: QWidget) -> str:
    """The plain text of the label whose buddy ``widget`` is (looked for beside it), or ""."""
    parent = widget.parentWidget()
    if parent is None:
        return ""
    for label in parent.findChildren(QLabel):
        if label.buddy() is widget:
            return plain(label.text())
    return ""


def describe_field(widget: QWidget, *, required: bool = False, problem: str = "") -> None:
    """Say in words that ``widget`` must be filled in, and what is wrong with it if anything."""
    words = [REQUIRED] if required else []
    if problem:
        words.append(problem)
    widget.setAccessibleDescription(". ".join(words))


def name_field(widget: QWidget, name: str, *, required: bool = False) -> None:
    """A plain accessible name for a field, and "required" in its description."""
    widget.setAccessibleName(plain(name))
    describe_field(widget, required=required)


def name_view(view: QAbstractItemView, name: str) -> QAbstractItemView:
    """A table or list a screen reader names, which Tab leaves (the arrows move inside it)."""
    view.setAccessibleName(name)
    view.setTabKeyNavigation(False)
    return view
