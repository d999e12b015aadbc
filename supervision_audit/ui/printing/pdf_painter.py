"""Paint a PDF's pages with a QPainter as vectors: its text as text, its rules and boxes as
lines, its images as images, read object by object through PDFium (pypdfium2).

Printing paints the very PDF the app exports this way, so the paper is the same document:
sharp at any printer resolution, with real text (a printer's driver, or a PDF printer, gets
words, not a picture of them) and memory that does not grow with the number of pages, since
one page is read at a time. The app's PDFs are made by reportlab from a small vocabulary
(DejaVu text, lines, filled rectangles, the odd drawn signature), which is what this paints.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QTransform,
)

from supervision_audit.paths import resources_dir

_FAMILY: str | None = None
TEXT_SCALE = 64


def _family() -> str:
    """The app's own font (the one its PDFs embed), registered with Qt once."""
    global _FAMILY
    if _FAMILY is None:
        families: list[str] = []
        for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
                     "DejaVuSans-BoldOblique.ttf"):
            path = resources_dir() / "fonts" / name
            if path.is_file():
                font_id = QFontDatabase.addApplicationFont(str(path))
                families += QFontDatabase.applicationFontFamilies(font_id)
        _FAMILY = families[0] if families else "DejaVu Sans"
    return _FAMILY


@contextmanager
def open_pdf(pdf: Path) -> Iterator[Any]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        yield document
    finally:
        document.close()


def _matrix(raw: Any, obj: Any) -> QTransform:
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return QTransform()
    return QTransform(m.a, m.b, m.c, m.d, m.e, m.f)


def _colour(getter: Any, obj: Any) -> QColor | None:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)):
        return None
    return QColor(r.value, g.value, b.value, a.value)


def _text(raw: Any, obj: Any, text_page: Any) -> str:
    size = raw.FPDFTextObj_GetText(obj, text_page, None, 0)
    if size <= 2:
        return ""
    buffer = (ctypes.c_ushort * (size // 2))()
    raw.FPDFTextObj_GetText(obj, text_page, buffer, size)
    return bytes(buffer)[:size - 2].decode("utf-16-le", errors="replace")


def _font(raw: Any, obj: Any, dpi: int) -> QFont:
    handle = raw.FPDFTextObj_GetFont(obj)
    name = ""
    if handle:
        buffer = ctypes.create_string_buffer(256)
        raw.FPDFFont_GetBaseFontName(handle, buffer, 256)
        name = buffer.value.decode("latin-1").lower()
    size = ctypes.c_float(0)
    raw.FPDFTextObj_GetFontSize(obj, ctypes.byref(size))
    font = QFont(_family())
    # sizes are in the painter's units (PDF points, scaled by its transform) times TEXT_SCALE
    # (text is laid out large and scaled down: advances at a few pixels would be rounded);
    # Qt converts point sizes by the device's resolution, which is undone here
    font.setPointSizeF(max(size.value, 0.1) * TEXT_SCALE * 72 / dpi)
    font.setBold("bold" in name)
    font.setItalic("oblique" in name or "italic" in name)
    font.setKerning(False)  # the PDF's own spacing: no kerning, no ligatures ("fi")
    for feature in ("liga", "clig"):
        font.setFeature(QFont.Tag(feature), 0)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


def _path(raw: Any, obj: Any) -> QPainterPath:
    path = QPainterPath()
    bezier: list[QPointF] = []
    for index in range(raw.FPDFPath_CountSegments(obj)):
        segment = raw.FPDFPath_GetPathSegment(obj, index)
        x, y = ctypes.c_float(), ctypes.c_float()
        raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = QPointF(x.value, y.value)
        kind = raw.FPDFPathSegment_GetType(segment)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            path.moveTo(point)
        elif kind == raw.FPDF_SEGMENT_LINETO:
            path.lineTo(point)
        elif kind == raw.FPDF_SEGMENT_BEZIERTO:
            bezier.append(point)
            if len(bezier) == 3:
                path.cubicTo(*bezier)
                bezier = []
        if raw.FPDFPathSegment_GetClose(segment):
            path.closeSubpath()
    return path


class _PagePainter:
    """Paints one page's objects; ``base`` maps PDF points (y up) to the device."""

    def __init__(self, painter: QPainter, document: Any, page: Any) -> None:
        import pypdfium2.raw as raw

        self.raw, self.painter, self.document, self.page = raw, painter, document, page
        self.text_page = page.get_textpage()

    def close(self) -> None:
        self.text_page.close()

    def paint(self, objects: Any, base: QTransform) -> None:
        for obj in objects:
            kind = self.raw.FPDFPageObj_GetType(obj)
            at = _matrix(self.raw, obj) * base
            if kind == self.raw.FPDF_PAGEOBJ_TEXT:
                self._paint_text(obj, at)
            elif kind == self.raw.FPDF_PAGEOBJ_PATH:
                self._paint_path(obj, at)
            elif kind == self.raw.FPDF_PAGEOBJ_IMAGE:
                self._paint_image(obj, at)
            elif kind == self.raw.FPDF_PAGEOBJ_FORM:
                count = self.raw.FPDFFormObj_CountObjects(obj)
                self.paint((self.raw.FPDFFormObj_GetObject(obj, i) for i in range(count)), at)

    def _paint_text(self, obj: Any, at: QTransform) -> None:
        text = _text(self.raw, obj, self.text_page.raw)
        mode = self.raw.FPDFTextObj_GetTextRenderMode(obj)
        if not text.strip() or mode == self.raw.FPDF_TEXTRENDERMODE_INVISIBLE:
            return
        painter = self.painter
        painter.save()
        # upright, and TEXT_SCALE times smaller than the font it is given
        painter.setTransform(QTransform(1 / TEXT_SCALE, 0, 0, -1 / TEXT_SCALE, 0, 0) * at)
        painter.setFont(_font(self.raw, obj, painter.device().logicalDpiY()))
        painter.setPen(_colour(self.raw.FPDFPageObj_GetFillColor, obj) or QColor("black"))
        painter.drawText(QPointF(0, 0), text)
        painter.restore()

    def _paint_path(self, obj: Any, at: QTransform) -> None:
        fill_mode, stroke = ctypes.c_int(0), ctypes.c_int(0)
        self.raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke))
        path = _path(self.raw, obj)
        if fill_mode.value == self.raw.FPDF_FILLMODE_WINDING:
            path.setFillRule(Qt.FillRule.WindingFill)
        painter = self.painter
        painter.save()
        painter.setTransform(at)
        fill = _colour(self.raw.FPDFPageObj_GetFillColor, obj)
        painter.setBrush(QBrush(fill) if fill_mode.value and fill is not None
                         else Qt.BrushStyle.NoBrush)
        if stroke.value:
            width = ctypes.c_float(1)
            self.raw.FPDFPageObj_GetStrokeWidth(obj, ctypes.byref(width))
            pen = QPen(_colour(self.raw.FPDFPageObj_GetStrokeColor, obj) or QColor("black"))
            pen.setWidthF(width.value)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
        painter.drawPath(path)
        painter.restore()

    def _paint_image(self, obj: Any, at: QTransform) -> None:
        import pypdfium2 as pdfium

        bitmap = self.raw.FPDFImageObj_GetRenderedBitmap(self.document.raw, self.page.raw, obj)
        if not bitmap:
            return
        pil = pdfium.PdfBitmap.from_raw(bitmap).to_pil().convert("RGBA")
        image = QImage(pil.tobytes("raw", "RGBA"), pil.width, pil.height, 4 * pil.width,
                       QImage.Format.Format_RGBA8888).copy()
        painter = self.painter
        painter.save()
        # an image fills the unit square of its matrix, its first row at the top
        painter.setTransform(QTransform(1, 0, 0, -1, 0, 1) * at)
        painter.drawImage(QRectF(0, 0, 1, 1), image)
        painter.restore()


def paint_page(painter: QPainter, pdf_document: Any, index: int, target: QRectF) -> None:
    """Paint page ``index`` of an open PDF into ``target`` (device coordinates), fitted and
    centred horizontally, aspect kept."""
    page = pdf_document[index]
    try:
        width, height = page.get_size()
        scale = min(target.width() / width, target.height() / height)
        left = target.x() + (target.width() - width * scale) / 2
        # PDF points, y up, to the device: flip and scale into the target's top
        base = QTransform(scale, 0, 0, -scale, left, target.y() + height * scale)
        base = base * painter.transform()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        one = _PagePainter(painter, pdf_document, page)
        try:
            count = one.raw.FPDFPage_CountObjects(page.raw)
            one.paint((one.raw.FPDFPage_GetObject(page.raw, i) for i in range(count)), base)
        finally:
            one.close()
        painter.restore()
    finally:
        page.close()
