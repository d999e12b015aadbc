"""Layout rules for the grid of a TABLE field and the tick list of a TAGS field.

Nothing here draws text itself: ``exports.pdf`` builds the cells in its own styles and
hands them over, so these helpers hold only the measurements and the choice of lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Table, TableStyle

from supervision_audit.forms.base import Field, Kind

BLANK_ROWS = 3  # rows to write in by hand when a table has none
BLANK_ROW_HEIGHT = 24
MANY_CHOICES = 6  # longer lists print only the chosen entries and a count of the rest
CHECKED, UNCHECKED = "\u2612 ", "\u2610 "
CELL_PADDING = 5  # left and right, as in exports.pdf's boxes
SPLIT_MIN = 30  # a row taller than the room left splits, keeping this much on each side

# The share of the width each kind of column asks for; dates and times stay narrow.
_WEIGHTS = {Kind.DATE: 1.0, Kind.TIME: 0.75, Kind.INTEGER: 0.75, Kind.BOOL: 0.6,
            Kind.CHOICE: 1.3, Kind.TEXT: 1.6, Kind.MULTILINE: 3.0}
# What must fit on one line in a cell of each kind.
_SAMPLES = {Kind.DATE: "00/00/0000", Kind.TIME: "00:00", Kind.INTEGER: "0000", Kind.BOOL: "Yes"}


def column_widths(columns: Sequence[Field], width: float, *, header_font: str,
                  header_size: float, body_font: str, body_size: float) -> list[float]:
    """Widths summing to ``width``: shared by kind, but never so narrow that a date or the
    longest word of a column's heading has to break."""
    padding = 2 * CELL_PADDING + 1
    least = []
    for c in columns:
        words = c.label.split() or [""]
        heading = max(pdfmetrics.stringWidth(w, header_font, header_size) for w in words)
        sample = pdfmetrics.stringWidth(_SAMPLES.get(c.kind, "Wwwwww"), body_font, body_size)
        least.append(max(heading, sample) + padding)
    weights = [_WEIGHTS.get(c.kind, 1.6) for c in columns]
    fixed: dict[int, float] = {}  # columns their share cannot hold get their least width
    while len(fixed) < len(columns):
        free = [i for i in range(len(columns)) if i not in fixed]
        room = width - sum(fixed.values())
        total = sum(weights[i] for i in free)
        short = {i: least[i] for i in free if room * weights[i] / total < least[i]}
        if not short:
            break
        fixed |= short
    room = width - sum(fixed.values())
    total = sum(w for i, w in enumerate(weights) if i not in fixed) or 1.0
    widths = [fixed.get(i, room * weights[i] / total) for i in range(len(columns))]
    return [w * width / sum(widths) for w in widths]  # exact, even if the least overflow


def grid_table(header: list[Flowable], rows: list[list[Any]], widths: list[float], *,
               rule: Color, shade: Color, font: str, blank: bool = False,
               none_row: bool = False) -> Table:
    """A boxed grid: a shaded heading row repeated on every page it runs onto, then ``rows``.
    ``blank`` rows get writing height; a ``none_row`` spans every column."""
    heights: list[float | None] = [None] + [BLANK_ROW_HEIGHT if blank else None] * len(rows)
    cmds: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), font), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("GRID", (0, 0), (-1, -1), 0.6, rule), ("BACKGROUND", (0, 0), (-1, 0), shade),
    ]
    if none_row:
        cmds.append(("SPAN", (0, 1), (-1, 1)))
    return Table([header, *rows], colWidths=widths, rowHeights=heights, repeatRows=1,
                 splitInRow=SPLIT_MIN, style=TableStyle(cmds))


def tag_lines(f: Field, value: Any) -> tuple[list[str], str]:
    """The lines a TAGS field prints ("☒ label" / "☐ label") and a closing note, or "".

    With no value at all (a blank form) every choice is offered to tick by hand. Otherwise
    the chosen entries print, with the unchosen ones of a short list of choices; a long list
    is summed up in the note instead."""
    chosen = list(value) if isinstance(value, (list, tuple)) else []
    offered = [v for v, _ in f.choices]
    others = [CHECKED + f.choice_label(v) for v in chosen if v not in offered]
    if value is None or len(f.choices) <= MANY_CHOICES:
        return [(CHECKED if v in chosen else UNCHECKED) + label
                for v, label in f.choices] + others, ""
    picked = [CHECKED + label for v, label in f.choices if v in chosen]
    rest = len(f.choices) - len(picked)
    if not picked:
        return others, f"(none of the {rest} statements tagged)"
    return picked + others, f"({rest} other statement{'s' if rest != 1 else ''} not tagged)"
