"""A pad to draw a signature on with a mouse, a pen (tablet) or a finger, kept as PNG.

Touch reaches the pad as mouse events (Qt turns unhandled touches into mouse events); a
pen's pressure sets the width of the line. ``png_bytes()`` gives the ink cropped to what
was drawn, on a transparent background, ready to print on a record.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from supervision_audit.ui.common.style import ACCENT, BORDER, HIGHLIGHT, NOTE, PROBLEM

INK = QColor("#1a2a6c")
PEN_WIDTH = 2.4
Stroke = list[tuple[QPointF, float]]  # points with the pen's pressure (1.0 for a mouse)


class SignaturePad(QWidget):
    """The drawing surface. ``changed`` is emitted when a stroke ends or the pad is cleared."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signature_pad")
        self.setMinimumSize(280, 130)  # fills the width it has; room to sign in at least
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(150)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Signature pad")
        self.setToolTip("Sign with the mouse, a pen or your finger")
        self.strokes: list[Stroke] = []
        self._drawing = False
        self.required = False  # shown with a red border while empty

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """The width it likes where there is room; it shrinks to its minimum where not."""
        return QSize(380, 150)

    # -- state ------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return not any(len(stroke) > 1 for stroke in self.strokes)

    def clear(self) -> None:
        self.strokes = []
        self._drawing = False
        self.update()
        self.changed.emit()

    def set_required(self, required: bool) -> None:
        self.required = required
        self.update()

    # -- input ------------------------------------------------------------------------
    def _begin(self, point: QPointF, pressure: float) -> None:
        self._drawing = True
        self.strokes.append([(point, pressure)])
        self.update()

    def _extend(self, point: QPointF, pressure: float) -> None:
        if self._drawing and self.strokes:
            self.strokes[-1].append((point, pressure))
            self.update()

    def _end(self, point: QPointF, pressure: float) -> None:
        if not self._drawing:
            return
        self._extend(point, pressure)
        self._drawing = False
        stroke = self.strokes[-1]
        if len(stroke) == 2 and stroke[0][0] == stroke[1][0]:  # a tap: a dot
            stroke[1] = (stroke[1][0] + QPointF(0.6, 0.6), pressure)
        self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position(), 1.0)
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drawing:
            self._extend(event.position(), 1.0)
            event.accept()
        else:
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._drawing:
            self._end(event.position(), 1.0)
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def tabletEvent(self, event: QTabletEvent) -> None:
        pressure = max(0.2, min(event.pressure() or 1.0, 1.0))
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._begin(event.position(), pressure)
        elif kind == QTabletEvent.Type.TabletMove:
            self._extend(event.position(), pressure)
        elif kind == QTabletEvent.Type.TabletRelease:
            self._end(event.position(), pressure)
        event.accept()  # no synthesised mouse events for the same stroke

    # -- drawing ----------------------------------------------------------------------
    def _paint_ink(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for stroke in self.strokes:
            for (a, pa), (b, pb) in zip(stroke, stroke[1:], strict=False):
                pen = QPen(INK, PEN_WIDTH * (0.55 + 0.45 * (pa + pb) / 2))
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                painter.setPen(pen)
                painter.drawLine(a, b)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        border = QColor(PROBLEM) if self.required and self.is_empty() else \
            QColor(ACCENT if self.hasFocus() else BORDER)
        painter.setPen(QPen(border, 1.2))
        painter.setBrush(QColor("#ffffff"))
        painter.drawRoundedRect(frame, 6, 6)
        if self.hasFocus():  # seen even on the red edge of a pad still to be signed
            painter.setPen(QPen(QColor(HIGHLIGHT), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(frame.adjusted(2, 2, -2, -2), 5, 5)
        base_y = self.height() - 34
        painter.setPen(QPen(QColor(BORDER), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(40, base_y), QPointF(self.width() - 24, base_y))
        painter.setPen(QColor(NOTE))
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        painter.setFont(font)
        painter.drawText(QPointF(18, base_y - 2), "×")
        if self.is_empty() and not self._drawing:
            font.setPointSizeF(font.pointSizeF() / 1.3)
            font.setItalic(True)
            painter.setFont(font)
            painter.drawText(QRectF(0, base_y + 4, self.width(), 24),
                             Qt.AlignmentFlag.AlignCenter, "Sign above the line")
        self._paint_ink(painter)
        painter.end()

    def ink_bounds(self) -> QRectF:
        path = QPainterPath()
        for stroke in self.strokes:
            for point, _pressure in stroke:
                path.addRect(QRectF(point, point).adjusted(-1, -1, 1, 1))
        return path.boundingRect()

    def png_bytes(self, scale: float = 2.0) -> bytes | None:
        """The ink as PNG, cropped with a small margin; None when nothing was drawn."""
        if self.is_empty():
            return None
        bounds = self.ink_bounds().adjusted(-6, -6, 6, 6)
        image = QImage(max(1, int(bounds.width() * scale)), max(1, int(bounds.height() * scale)),
                       QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.scale(scale, scale)
        painter.translate(-bounds.topLeft())
        self._paint_ink(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())



class SignatureBox(QWidget):
    """The pad with its Clear button beneath."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pad = SignaturePad(self)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setObjectName("clear_signature")
        self.clear_button.setToolTip("Rub out the drawn signature and start again")
        self.clear_button.clicked.connect(self.pad.clear)
        self.clear_button.setEnabled(False)
        self.pad.changed.connect(lambda: self.clear_button.setEnabled(not self.pad.is_empty()))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.pad)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.clear_button)
        column.addLayout(row)
