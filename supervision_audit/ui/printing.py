"""Printing: print preview and print through Qt of the very PDF the app exports.

The PDF's pages are rendered with PDFium (pypdfium2) at the printer's resolution and painted
onto the printer's pages, so the paper copy is the same document as the PDF.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget


def page_images(pdf: Path, dpi: int = 150) -> list[QImage]:
    """Every page of ``pdf`` as an image at ``dpi``."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    images = []
    try:
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72)
            pil = bitmap.to_pil().convert("RGB")
            data = pil.tobytes("raw", "RGB")
            image = QImage(data, pil.width, pil.height, 3 * pil.width,
                           QImage.Format.Format_RGB888)
            images.append(image.copy())  # own the pixels before the buffer goes
            page.close()
    finally:
        document.close()
    return images


def paint_pages(printer: QPrinter, images: list[QImage]) -> int:
    """Paint each image on its own printer page, fitted to the page; returns pages painted."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        for number, image in enumerate(images):
            if number:
                printer.newPage()
            area = QRectF(painter.viewport())
            scaled = image.size().scaled(area.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF(area.x() + (area.width() - scaled.width()) / 2, area.y(),
                            scaled.width(), scaled.height())
            painter.drawImage(target, image)
    finally:
        painter.end()
    return len(images)


def a4_printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                      QPageLayout.Orientation.Portrait,
                                      QPageLayout().margins()))
    printer.setFullPage(True)
    return printer


def preview_and_print(pdf: Path, title: str, parent: QWidget | None = None) -> bool:
    """Show the print preview of ``pdf``; True when the user printed it."""
    images = page_images(pdf)
    printer = a4_printer()
    printer.setDocName(title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Print preview – {title}")
    dialog.paintRequested.connect(lambda p: paint_pages(p, images))
    dialog.resize(900, 1000)
    return bool(dialog.exec())
