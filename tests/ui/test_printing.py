"""Printing paints the exported PDF's own pages on the printer as vectors: the printed
document holds the same words at the same places, its rules, and the drawn signature."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from supervision_audit.exports.signature_strip import Seal, SignatureLine
from supervision_audit.forms import CONTRACT
from supervision_audit.ui.printing.preview import a4_printer, paint_pdf

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<')


def _drawn_signature() -> bytes:
    image = Image.new("RGBA", (240, 80), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 60), (80, 15), (150, 65), (230, 20)], fill="navy", width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _words(pdf: Path, page: int = 1) -> list[tuple[float, float, str]]:
    """(left, bottom, word) of each word on the page, in points."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf),
                           "-"], capture_output=True, text=True, check=True).stdout
    return [(float(x), float(y), text) for x, y, text in WORD.findall(html)]


def _source(tmp_path: Path) -> Path:
    from supervision_audit.exports.pdf import render_form_pdf

    seal = Seal("2", "ab" * 32, [SignatureLine("Rachel Moss", "Supervisor", "I agree this record",
                                               "23/11/2026 14:05", _drawn_signature())])
    return render_form_pdf(CONTRACT, {"supervisee_name": "Łucja Żak", "venue": "Room 1",
                                      "additions": "Line\n" * 120},
                           tmp_path / "c.pdf", organisation="Org", record_id="r1", seal=seal)


def _print_to_pdf(source: Path, out: Path) -> int:
    printer = a4_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    return paint_pdf(printer, source)


def test_printed_pages_hold_the_pdfs_words_where_the_pdf_has_them(qtbot, tmp_path) -> None:
    source = _source(tmp_path)
    pages = len(PdfReader(source).pages)
    printed = tmp_path / "printed.pdf"
    assert _print_to_pdf(source, printed) == pages > 1
    assert len(PdfReader(printed).pages) == pages
    for page in (1, pages):
        want, got = _words(source, page), _words(printed, page)
        assert len(want) > 20
        assert sorted(w for _x, _y, w in got) == sorted(w for _x, _y, w in want)
        misplaced = [(word, x0, y0) for x0, y0, word in want
                     if not any(w == word and abs(x0 - x1) < 1.5 and abs(y0 - y1) < 1.5
                                for x1, y1, w in got)]
        assert not misplaced
    text = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Łucja Żak" in text and "Rachel Moss (Supervisor)" in text


def test_the_drawn_signature_and_the_rules_are_printed(qtbot, tmp_path) -> None:
    source = _source(tmp_path)
    printed = tmp_path / "printed.pdf"
    _print_to_pdf(source, printed)
    page = PdfReader(printed).pages[0]
    assert len(page.images) == 1  # the drawn signature, as an image (the page is not one)
    content = page.get_contents().get_data()
    assert content.count(b" l\n") + content.count(b" l ") > 10  # the table's rules as lines
