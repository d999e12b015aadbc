"""The signatures of a record, printed on every page above the footer: who signed, in what
role, meaning what, when, their drawn signature, and the content hash they signed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

LINE_HEIGHT = 9 * mm
WARNING_HEIGHT = 5 * mm
WARNING_RED = (0.75, 0.0, 0.0)


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
                + (WARNING_HEIGHT if self.warning else 0))


def draw(canvas: Canvas, seal: Seal, *, left: float, right: float, bottom: float,
         font: str, bold: str, size: float = 7) -> None:
    """Draw the strip with its lowest line at ``bottom``."""
    y = bottom + seal.height() - 4 * mm
    if seal.warning:
        canvas.saveState()
        canvas.setFillColorRGB(*WARNING_RED)
        canvas.setFont(bold, size + 2)
        text = seal.warning if len(seal.warning) <= 130 else seal.warning[:127] + "..."
        canvas.drawString(left, y, text)
        canvas.restoreState()
        y -= WARNING_HEIGHT
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
