"""Text that people type or import: no control characters, and shown safely if some are stored.

A control character (BEL, ESC and the like) has no place in a name or a note: in a terminal it
rings bells or rewrites the screen, and in a workbook it is not allowed at all. Free text may
hold tabs and line breaks; a one-line field (a name, an id) holds none.
"""

from __future__ import annotations

import io
import re
from typing import TextIO

# C0 controls, DEL and C1 controls; a one-line field refuses tab and line breaks too
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
FREE_TEXT_CONTROL = re.compile(f"[{_CONTROLS}]")
LINE_CONTROL = re.compile(f"[{_CONTROLS}\t\n\r]")
REPLACEMENT = "\ufffd"  # what a control character already stored is shown as


def printable(text: str, *, multiline: bool = True) -> str:
    """``text`` with each control character shown as U+FFFD: safe for a terminal, a
    workbook or a PDF. ``multiline`` keeps tabs and line breaks."""
    return (FREE_TEXT_CONTROL if multiline else LINE_CONTROL).sub(REPLACEMENT, text)


# The longest each kind of text may be: one table, read by the forms, the importers and the
# store (the people tables take their column lengths from here; the store checks every
# column against its length, and text with no length against FREE_TEXT_MAX).
NAME_MAX = 200  # a person's or team's name, a job title, a place, a service, an e-mail
STAFF_ID_MAX = 50  # a staff id (and a supervisor's)
PHONE_MAX = 50
LINE_MAX = 1_000  # any other one-line answer on a form
FREE_TEXT_MAX = 20_000  # a note, a reason, a record's answer: about 3,000 words

STAFF_TEXT_MAX: dict[str, int] = {  # by the field (and import column) it is named by
    "staff_id": STAFF_ID_MAX, "name": NAME_MAX, "job_title": NAME_MAX, "team": NAME_MAX,
    "service": NAME_MAX, "location": NAME_MAX, "email": NAME_MAX, "phone": PHONE_MAX,
    "supervisor_id": STAFF_ID_MAX,
}

_NAMED = {"\t": "a tab", "\n": "a line break", "\r": "a line break", "\x1b": "an escape",
          "\x07": "a bell", "\x00": "a null", "\x08": "a backspace", "\x7f": "a delete"}


def describe_control(char: str) -> str:
    """E.g. "an escape (U+001B)"; "a control character (U+0001)" for the unnamed."""
    return f"{_NAMED.get(char, 'a control character')} (U+{ord(char):04X})"


def text_problem(text: str, limit: int, *, multiline: bool) -> str | None:
    """What is wrong with ``text`` for a field of at most ``limit`` characters (a one-line
    field unless ``multiline``), or None."""
    bad = (FREE_TEXT_CONTROL if multiline else LINE_CONTROL).search(text)
    if bad is not None:
        return f"has {describe_control(bad[0])} at character {bad.start() + 1}: remove it"
    if len(text) > limit:
        return f"is {len(text):,} characters long; at most {limit:,} are allowed"
    return None


class PrintableStream(io.TextIOBase):
    """A text stream (the terminal) that shows each control character written to it, other
    than tabs and line breaks, as U+FFFD: what a command prints about stored records (a
    name holding ESC [2J, say) cannot ring bells or rewrite the screen."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", None) or "utf-8"

    def writable(self) -> bool:
        return True
