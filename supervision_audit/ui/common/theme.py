"""The app's look on every platform: Qt's Fusion style, with the edges of fields, buttons,
check boxes and radio buttons and a few palette colours dark enough to see (WCAG 2.2 AA:
4.5:1 for text, 3:1 for the edge of a control).

Fusion draws those edges a shade darker than the window (about 2:1), and its selection blue
under white text and its half-transparent placeholder text fall short of 4.5:1.
``ContrastStyle`` draws the same edges again in ``BORDER``; ``apply_theme`` sets the style
and the palette on the application.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QPlainTextEdit,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QStyleOptionButton,
    QStyleOptionComplex,
    QStyleOptionSpinBox,
    QTextEdit,
    QWidget,
)

from supervision_audit.ui.common.style import BORDER, HIGHLIGHT, PLACEHOLDER

BASE_STYLE = "Fusion"
PE = QStyle.PrimitiveElement
Feature = QStyleOptionButton.ButtonFeature
# what Fusion rounds its field and button corners by
RADIUS = 2.0


def _has_focus(option: QStyleOption) -> bool:
    return bool(option.state & QStyle.StateFlag.State_HasFocus)


class ContrastStyle(QProxyStyle):
    """Fusion, with the edges of controls drawn again in ``BORDER``: buttons, one-line
    fields, spin boxes, combo boxes, text boxes one types in, check boxes and radio buttons
    (a field with the focus keeps Fusion's highlighted edge, a disabled control its faint
    edge, a flat button none). A button reached with the keyboard, and a text box with the
    focus (read-only ones too), get a 2-pixel edge in the selection blue: Fusion showed the
    button's focus only as it shows the default button, and a text box's not at all."""

    def __init__(self) -> None:
        super().__init__(BASE_STYLE)
        self.border = QColor(BORDER)
        self.focus = QColor(HIGHLIGHT)

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,  # noqa: N802
                      painter: QPainter, widget: QWidget | None = None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
        if not enabled:
            return
        if element == PE.PE_PanelButtonCommand:
            features = option.features if isinstance(option, QStyleOptionButton) else None
            flat = features is not None and bool(features & Feature.Flat)
            default = features is not None and bool(features & Feature.DefaultButton)
            focused = _has_focus(option) and \
                bool(option.state & QStyle.StateFlag.State_KeyboardFocusChange)
            if focused:  # a ring of its own: Fusion drew a default button the same way
                self._ring_inside(painter, QRectF(option.rect).adjusted(1, 2, -2, -1))
            elif not (flat or default):
                self._rounded(painter, QRectF(option.rect).adjusted(0, 1, -1, 0), 0.5, -0.5)
        elif element == PE.PE_FrameLineEdit:
            if not _has_focus(option):
                self._rounded(painter, QRectF(option.rect).adjusted(0, 0, -1, -1), 0.5, 0.5)
        elif element == PE.PE_Frame and isinstance(widget, (QPlainTextEdit, QTextEdit)) \
                and (widget.hasFocus() or not widget.isReadOnly()):
            painter.save()  # Fusion draws a text box alike with and without the focus
            focused = widget.hasFocus()
            painter.setPen(QPen(self.focus if focused else self.border, 2 if focused else 1))
            painter.drawRect(QRectF(option.rect).adjusted(1, 1, -1, -1) if focused
                             else option.rect.adjusted(0, 0, -1, -1))
            painter.restore()
        elif element == PE.PE_IndicatorCheckBox:
            self._box(painter, QRectF(option.rect).adjusted(0, 0, -1, -1))
        elif element == PE.PE_IndicatorRadioButton:
            self._ring(painter, QRectF(option.rect).adjusted(1, 1, -1, -1))

    def drawComplexControl(self, control: QStyle.ComplexControl,  # noqa: N802
                           option: QStyleOptionComplex, painter: QPainter,
                           widget: QWidget | None = None) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control == QStyle.ComplexControl.CC_SpinBox and \
                isinstance(option, QStyleOptionSpinBox) and option.frame and \
                option.state & QStyle.StateFlag.State_Enabled and not _has_focus(option):
            self._rounded(painter, QRectF(option.rect).adjusted(0, 0, -1, -1), 0.5, 0.5)

    # -- edges ------------------------------------------------------------------------
    def _pen(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(self.border, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _rounded(self, painter: QPainter, rect: QRectF, dx: float, dy: float) -> None:
        painter.save()
        self._pen(painter)
        painter.translate(dx, dy)
        painter.drawRoundedRect(rect, RADIUS, RADIUS)
        painter.restore()

    def _ring_inside(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(self.focus, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect, RADIUS, RADIUS)
        painter.restore()

    def _box(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        self._pen(painter)
        painter.translate(0.5, 0.5)
        painter.drawRect(rect)
        painter.restore()

    def _ring(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        self._pen(painter)
        painter.translate(0.5, 0.5)
        painter.drawEllipse(rect.adjusted(0, 0, -1, -1))
        painter.restore()


def palette(base: QPalette) -> QPalette:
    """``base`` with a selection white text reads on and placeholder text that reads."""
    result = QPalette(base)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        result.setColor(group, QPalette.ColorRole.Highlight, QColor(HIGHLIGHT))
        result.setColor(group, QPalette.ColorRole.HighlightedText, QColor("white"))
        result.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(PLACEHOLDER))
    return result


def apply_theme(app: QApplication) -> None:
    """Give the application the style and the palette (on every platform the same)."""
    style = ContrastStyle()
    app.setStyle(style)
    app.setPalette(palette(style.standardPalette()))
