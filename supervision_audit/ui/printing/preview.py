"""Printing: print preview and print through Qt of the very PDF the app exports.

The PDF's pages are painted onto the printer's pages object by object (``pdf_painter``):
text as text and rules as lines, so the paper copy is the same document as the PDF, sharp
at any resolution, and a long file needs no more memory than one page.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from supervision_audit.ui.printing.pdf_painter import open_pdf, paint_page


def paint_pdf(printer: QPrinter, pdf: Path) -> int:
    """Paint every page of ``pdf`` on its own printer page, as vectors (real text, sharp at
    the printer's resolution), one page in memory at a time; returns the pages painted."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        with open_pdf(pdf) as document:
            for index in range(len(document)):
                if index:
                    printer.newPage()
                paint_page(painter, document, index, QRectF(painter.viewport()))
            return len(document)
    finally:
        painter.end()


def a4_printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                      QPageLayout.Orientation.Portrait,
                                      QPageLayout().margins()))
    printer.setFullPage(True)
    return printer


def preview_and_print(pdf: Path, title: str, parent: QWidget | None = None) -> bool:
    """Show the print preview of ``pdf``; True when the user printed it."""
    printer = a4_printer()
    printer.setDocName(title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Print preview – {title}")
    dialog.paintRequested.connect(lambda p: paint_pdf(p, pdf))
    dialog.resize(900, 1000)
    return bool(dialog.exec())
