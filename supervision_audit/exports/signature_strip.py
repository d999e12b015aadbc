"""The signatures of a record, printed on every page above the footer: who signed, in what
role, meaning what, when, their drawn signature, and the content hash they signed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

LINE_HEIGHT = 9 * mm
WARNING_HEIGHT = 4 * mm
WARNING_RED = (0.75, 0.0, 0.0)
# the app's embedded bold face (any name prints; never a standard font, which is not embedded)
WARNING_FONT = "DejaVuSans-Bold"
WARNING_SIZE = 8
WARNING_WIDTH = 170 * mm  # narrower than the A4 page's text, whatever the margins
WARNING_LINES = 3


@dataclass(frozen=True)
class SignatureLine:
    name: str
    role: str
    meaning: str
    signed_at: str  # as printed, e.g. "23/11/2026 14:05"
    image_png: bytes | None = None
    in_person: bool = False


@dataclass(frozen=True)
class Seal:
    """What every page states about the record it belongs to."""

    version: str
    content_hash: str
    signatures: Sequence[SignatureLine] = ()
    # set when the content is not what was signed ("CHANGED AFTER SIGNING: ..."): printed
    # in red above the signatures on every page
    warning: str = ""

    def height(self) -> float:
        return ((len(self.signatures) or 1) * LINE_HEIGHT + 6 * mm
                + WARNING_HEIGHT * len(self.warning_lines()))

    def warning_lines(self) -> list[str]:
        """The warning in lines that fit the page (at most three)."""
        if not self.warning:
            return []
        lines = simpleSplit(self.warning, _warning_font(), WARNING_SIZE, WARNING_WIDTH)
        if len(lines) > WARNING_LINES:
            lines = lines[:WARNING_LINES]
            lines[-1] = lines[-1][:-3].rstrip() + "..."
        return lines


def _warning_font() -> str:
    if WARNING_FONT not in pdfmetrics.getRegisteredFontNames():
        from supervision_audit.exports.pdf import register_fonts  # it imports this module

        register_fonts()
    return WARNING_FONT


def draw(canvas: Canvas, seal: Seal, *, left: float, right: float, bottom: float,
         font: str, bold: str, size: float = 7) -> None:
    """Draw the strip with its lowest line at ``bottom``."""
    y = bottom + seal.height() - 4 * mm
    lines = seal.warning_lines()
    if lines:
        canvas.saveState()
        canvas.setFillColorRGB(*WARNING_RED)
        canvas.setFont(_warning_font(), WARNING_SIZE)
        for line in lines:
            canvas.drawString(left, y, line)
            y -= WARNING_HEIGHT
        canvas.restoreState()
    canvas.setFont(bold, size)
    canvas.drawString(left, y, f"Version {seal.version} · content SHA-256 {seal.content_hash}")
    y -= 1.5 * mm
    if not seal.signatures:
        canvas.setFont(font, size)
        canvas.drawString(left, y - 4 * mm, "Not yet signed.")
        return
    image_w = 28 * mm
    for line in seal.signatures:
        y -= LINE_HEIGHT
        canvas.setFont(bold, size)
        who = f"{line.name} ({line.role}{', signed in person' if line.in_person else ''})"
        canvas.drawString(left, y + 4.5 * mm, f"{who} · {line.signed_at}")
        canvas.setFont(font, size)
        canvas.drawString(left, y + 1.5 * mm, line.meaning[:150])
        if line.image_png:
            try:
                canvas.drawImage(ImageReader(BytesIO(line.image_png)), right - image_w, y,
                                 width=image_w, height=LINE_HEIGHT - 1 * mm, mask="auto",
                                 preserveAspectRatio=True, anchor="e")
            except Exception:  # a damaged drawing must not stop the record printing
                canvas.drawRightString(right, y + 3 * mm, "(drawn signature unreadable)")
