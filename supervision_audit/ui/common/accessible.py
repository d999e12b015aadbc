"""What a screen reader says about a control, kept in one place.

Qt names an unnamed field after the text of the label whose buddy it is, markup and all
(``Start time <span style='color:#b3261e'>*</span>``), and a table or list after nothing.
These helpers give controls plain names, say "required" in words (the red asterisk only
shows it), put a field's problem in its description, and make tables that Tab leaves.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, Qt, QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from supervision_audit.ui.common.style import HIGHLIGHT

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


class _FocusRing(QWidget):
    """A blue frame drawn over a scroll area while it has the focus (a style sheet would do
    it too, but a style sheet changes how everything inside is measured)."""

    def __init__(self, area: QAbstractScrollArea) -> None:
        super().__init__(area)
        self.area = area
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()
        area.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut, QEvent.Type.Resize):
            self.setGeometry(self.area.rect())
            self.setVisible(self.area.hasFocus())
            self.raise_()
        return False

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setPen(QPen(QColor(HIGHLIGHT), 2))
        painter.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        painter.end()


def focus_frame(area: QAbstractScrollArea, object_name: str, name: str) -> None:
    """A page that scrolls as a whole takes the focus so that the arrows and Page Up/Down
    scroll it: show that it has it (a frame in the selection blue), and name it."""
    area.setObjectName(object_name)
    area.setAccessibleName(name)
    _FocusRing(area)


def name_view(view: QAbstractItemView, name: str) -> QAbstractItemView:
    """A table or list a screen reader names, which Tab leaves (the arrows move inside it)."""
    view.setAccessibleName(name)
    view.setTabKeyNavigation(False)
    return view


FIELDS = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox, QAbstractItemView)


def _fields_in(item_widget: QWidget | None, layout: QLayout | None) -> list[QWidget]:
    """The fields a form row holds: its widget, or the widgets of its layout, in order (a
    field made of parts, a date with its calendar, counts once)."""
    if item_widget is not None:
        if isinstance(item_widget, FIELDS) or hasattr(item_widget, "label_name"):
            return [item_widget]
        return _fields_in(None, item_widget.layout())  # a holder of the field and its problem
    found: list[QWidget] = []
    if layout is None:
        return found
    for index in range(layout.count()):
        item = layout.itemAt(index)
        found += _fields_in(item.widget(), item.layout())
    return found


def _has_name(widget: QWidget) -> bool:
    if hasattr(widget, "label_name"):  # a date field: its line carries the name
        return bool(widget.label_name())  # type: ignore[attr-defined]
    return bool(widget.accessibleName())


def _name(widget: QWidget, name: str, required: bool) -> None:
    if hasattr(widget, "set_label"):  # a date field names its line and its calendar
        widget.set_label(name, required=required)  # type: ignore[attr-defined]
    else:
        name_field(widget, name, required=required)


def name_fields(root: QWidget) -> None:
    """Give the fields of ``root`` that have no name of their own the plain words of their
    caption: the caption of their row in a form layout, or the label whose buddy they are.
    A caption with an asterisk makes the field "Required". A second field in one row (a
    time beside a date) is called after the caption and its own kind."""
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            caption = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            label = caption.widget() if caption is not None else None
            if not isinstance(label, QLabel) or field is None or not plain(label.text()):
                continue
            required = "*" in label.text()
            for number, widget in enumerate(_fields_in(field.widget(), field.layout())):
                if _has_name(widget):
                    continue
                own = widget.placeholderText() if number and \
                    isinstance(widget, QLineEdit) else ""
                kind = "time" if own == "hh:mm" else own
                _name(widget, f"{plain(label.text())}: {kind}" if number else
                      plain(label.text()), required)
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        fields = _fields_in(buddy, None) if buddy is not None else []
        if fields and not _has_name(fields[0]) and plain(label.text()):
            _name(fields[0], plain(label.text()), "*" in label.text())
