"""Printing draws the exported PDF's own pages on the printer."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from supervision_audit.forms import CONTRACT
from supervision_audit.ui.printing import a4_printer, page_images, paint_pages


def test_printed_pages_are_the_pdfs_pages(qtbot, tmp_path) -> None:
    from supervision_audit.exports.pdf import render_form_pdf

    source = render_form_pdf(CONTRACT, {"supervisee_name": "Łucja Żak", "venue": "Room 1",
                                        "additions": "Line\n" * 120},
                             tmp_path / "c.pdf", organisation="Org", record_id="r1")
    pages = len(PdfReader(source).pages)
    images = page_images(source, dpi=60)
    assert len(images) == pages > 1
    assert images[0].width() < images[0].height()  # portrait A4
    printer = a4_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert paint_pages(printer, images) == pages
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == pages
    # a page that is not blank: the rendering holds dark text pixels
    first = images[0]
    dark = sum(1 for x in range(0, first.width(), 7) for y in range(0, first.height(), 7)
               if first.pixelColor(x, y).lightness() < 100)
    assert dark > 50
