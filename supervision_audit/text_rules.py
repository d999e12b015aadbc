"""Text that people type or import: no control characters, and shown safely if some are stored.

A control character (BEL, ESC and the like) has no place in a name or a note: in a terminal it
rings bells or rewrites the screen, and in a workbook it is not allowed at all. Free text may
hold tabs and line breaks; a one-line field (a name, an id) holds none.
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls; a one-line field refuses tab and line breaks too
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
FREE_TEXT_CONTROL = re.compile(f"[{_CONTROLS}]")
LINE_CONTROL = re.compile(f"[{_CONTROLS}\t\n\r]")
REPLACEMENT = "\ufffd"  # what a control character already stored is shown as


def printable(text: str, *, multiline: bool = True) -> str:
    """``text`` with each control character shown as U+FFFD: safe for a terminal, a
    workbook or a PDF. ``multiline`` keeps tabs and line breaks."""
    return (FREE_TEXT_CONTROL if multiline else LINE_CONTROL).sub(REPLACEMENT, text)
