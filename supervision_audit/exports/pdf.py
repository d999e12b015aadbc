"""The printable copy of a form, laid out like the paper appendix (reportlab platypus)."""

from __future__ import annotations

import contextlib
import functools
import io
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import KeepTogether, PageBreakIfNotEmpty

from supervision_audit import paths
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.exports.atomic import atomic_output
from supervision_audit.exports.pdf_canvas import FRONT, CountingCanvas, NumberedCanvas
from supervision_audit.exports.pdf_tables import (
    BLANK_ROWS,
    CHECKED,
    column_widths,
    grid_table,
    tag_lines,
)
from supervision_audit.exports.pdfa import EmbeddedFont
from supervision_audit.exports.signature_strip import Seal
from supervision_audit.exports.signature_strip import draw as draw_seal
from supervision_audit.forms import Field, FormDef, Kind, Section, display_value, is_empty
from supervision_audit.forms.base import parse_iso_date, table_rows

FONT, BOLD, ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
PAGE_W, PAGE_H = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 18 * mm, 21 * mm, 22 * mm
CONTENT_X = MARGIN_X + 6  # the frame's own padding: tables and rules line up with the text
WIDTH = PAGE_W - 2 * CONTENT_X
INK, RULE, MUTED = colors.black, colors.HexColor("#404040"), colors.HexColor("#505050")
SHADE = colors.HexColor("#E6E6E6")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_fonts_registered = False


def register_fonts() -> None:
    """Register the shipped DejaVu fonts with reportlab (once per process)."""
    global _fonts_registered
    if _fonts_registered:
        return
    try:
        for name in (FONT, BOLD, ITALIC):
            pdfmetrics.registerFont(EmbeddedFont(name, str(paths.font_path(f"{name}.ttf"))))
    except Exception as exc:  # reportlab raises its own TTFError as well as OSError
        raise SupervisionAuditError(f"The fonts needed to print are missing or damaged ({exc}). "
                                    "Please reinstall Supervision Audit.") from exc
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD)
    _fonts_registered = True


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12.2, textColor=INK,
                          spaceAfter=4)
    tick = pdfmetrics.stringWidth(CHECKED, FONT, body.fontSize)  # wrapped tags align after it
    return {
        "body": body,
        "reference": ParagraphStyle("reference", body, fontSize=8.5, alignment=TA_RIGHT,
                                    textColor=MUTED, spaceAfter=2),
        "org": ParagraphStyle("org", body, fontName=BOLD, fontSize=13, leading=16,
                              alignment=TA_CENTER, spaceAfter=5),
        "title": ParagraphStyle("title", body, fontName=BOLD, fontSize=15, leading=19,
                                alignment=TA_CENTER, spaceAfter=3),
        "subtitle": ParagraphStyle("subtitle", body, fontName=ITALIC, alignment=TA_CENTER,
                                   textColor=MUTED),
        "heading": ParagraphStyle("heading", body, fontName=BOLD, fontSize=10.5, leading=13,
                                  spaceBefore=9, spaceAfter=4, keepWithNext=1),
        "guidance": ParagraphStyle("guidance", body, fontName=ITALIC, fontSize=8.5,
                                   textColor=MUTED, keepWithNext=1),
        "static_label": ParagraphStyle("static_label", body, fontName=BOLD, spaceAfter=2),
        "bullet": ParagraphStyle("bullet", body, leftIndent=16, bulletIndent=5,
                                 bulletFontName=FONT, spaceAfter=2),
        "label": ParagraphStyle("label", body, fontName=BOLD, fontSize=8.5, leading=11.2,
                                spaceAfter=0),
        "cell": ParagraphStyle("cell", body, spaceAfter=0),
        "table_label": ParagraphStyle("table_label", body, fontName=BOLD, fontSize=8.5,
                                      leading=11.2, spaceBefore=2, spaceAfter=3, keepWithNext=1),
        "note": ParagraphStyle("note", body, fontSize=7.5, leading=10, textColor=MUTED,
                               spaceAfter=0),
        "tag": ParagraphStyle("tag", body, spaceAfter=0, leftIndent=tick, firstLineIndent=-tick),
    }


def _markup(text: str) -> str:
    """Plain text as Paragraph markup: control characters dropped, & < > escaped."""
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    return escape(text).replace("\n", "<br/>")


def _shown(f: Field, value: Any) -> str:
    if is_empty(f, value):
        return ""
    try:
        return display_value(f, value)
    except (TypeError, ValueError):  # a stored value of the wrong shape still prints
        return str(value)


def _para(text: str, style: str) -> Paragraph:
    return Paragraph(_markup(text), _styles()[style])


def _value_cell(f: Field, value: Any) -> list[Flowable]:
    """The filled-in part of a box; a blank of writing height when empty."""
    if f.kind is Kind.CHOICE:
        return [_para(("\u2612 " if v == value else "\u2610 ") + label, "cell")
                for v, label in f.choices]
    if f.kind is Kind.BOOL and value is None:
        return [_para("\u2610 Yes\u00a0\u00a0\u00a0\u2610 No", "cell")]
    if f.kind is Kind.TAGS:
        lines, note = tag_lines(f, value)
        if not lines and not note:  # names to be written in
            return [Spacer(1, 48)]
        return [_para(line, "tag") for line in lines] + [_para(note, "note")] * bool(note)
    return [_para(_shown(f, value), "cell")] if _shown(f, value) else [Spacer(1, 14)]


def _lines(text: str, limit: int = 500) -> list[str]:
    """Text cut into lines short enough for a table row, so long text splits across pages."""
    out: list[str] = []
    for line in text.splitlines() or [""]:
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            out.append(line[:cut])
            line = line[cut:].lstrip()
        out.append(line or "\u00a0")
    return out


_BOX = [("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]


def _pairs_table(fields: list[Field], values: Mapping[str, Any]) -> Table:
    """Label/value pairs two to a row, as in the parties table of the paper form."""
    rows = []
    for left, right in itertools.zip_longest(fields[::2], fields[1::2]):
        row: list[Any] = []
        for f in (left, right):
            row += [_para(f.label, "label"), _value_cell(f, values.get(f.key))] if f else ["", ""]
        rows.append(row)
    widths = [WIDTH * 0.19, WIDTH * 0.31] * 2
    return Table(rows, colWidths=widths, style=TableStyle(_BOX + [
        ("GRID", (0, 0), (-1, -1), 0.6, RULE),
        ("BACKGROUND", (0, 0), (0, -1), SHADE), ("BACKGROUND", (2, 0), (2, -1), SHADE),
        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
    ]))


def _rows_table(fields: list[Field], values: Mapping[str, Any]) -> Table:
    """One boxed label/value row per field; multi-line text gets a row per line."""
    rows: list[list[Any]] = []
    cmds: list[tuple[Any, ...]] = list(_BOX)
    for f in fields:
        value = values.get(f.key)
        first = len(rows)
        if f.kind is Kind.MULTILINE and _shown(f, value):
            label = _para(f.label, "label")
            label.wrap(WIDTH * 0.32 - 10, PAGE_H)
            head = max(1, len(label.blPara.lines))  # the label's lines sit beside as many
            lines = _lines(_shown(f, value))
            rows.append([label, _para("\n".join(lines[:head]), "cell")])
            rows += [["", _para(line, "cell")] for line in lines[head:]]
        elif f.kind is Kind.MULTILINE:
            rows.append([_para(f.label, "label"), Spacer(1, 48)])
        else:
            rows.append([_para(f.label, "label"), _value_cell(f, value)])
        last = len(rows) - 1
        if last > first:  # rows of one field read as one box: no rules or gaps inside it
            cmds += [("BOTTOMPADDING", (0, first), (-1, last - 1), 0),
                     ("TOPPADDING", (0, first + 1), (-1, last), 0)]
        cmds.append(("LINEBELOW", (0, last), (-1, last), 0.6, RULE))
    cmds += [("BOX", (0, 0), (-1, -1), 0.6, RULE), ("LINEAFTER", (0, 0), (0, -1), 0.6, RULE),
             ("BACKGROUND", (0, 0), (0, -1), SHADE)]
    return Table(rows, colWidths=[WIDTH * 0.32, WIDTH * 0.68], style=TableStyle(cmds))


def _label_width(labels: Sequence[str]) -> float:
    """The signature labels' column: a fifth of the line, or as wide as the longest word of
    a label so none breaks inside a word ("Manager/Supervisor"), up to a third."""
    style = _styles()["label"]
    longest = max((pdfmetrics.stringWidth(word, style.fontName, style.fontSize)
                   for label in labels for word in label.split()), default=0.0)
    return min(max(WIDTH * 0.2, longest + 8), WIDTH * 0.34)


def _signature_table(fields: list[Field], values: Mapping[str, Any]) -> Table:
    """Signature lines: 'Signed: <typed name>' and 'Date: dd/mm/yyyy', blank lines if unsigned."""
    rows = []
    for f in fields:
        value = values.get(f.key)
        name, when = "", ""
        if isinstance(value, Mapping):
            name = str(value.get("name") or "").strip()
            with contextlib.suppress(TypeError, ValueError):
                signed = parse_iso_date(value.get("date"))
                when = signed.strftime("%d/%m/%Y") if signed else ""
        rows.append([_para(f.label, "label"), _para(f"Signed: {name}", "cell"), "",
                     _para(f"Date: {when}", "cell")])
    label = _label_width([f.label for f in fields])
    return Table(rows, colWidths=[label, WIDTH * 0.67 - label, WIDTH * 0.05, WIDTH * 0.28],
                 style=TableStyle(_BOX + [
                     ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("TOPPADDING", (0, 0), (-1, -1), 20),
                     ("BOTTOMPADDING", (0, 0), (-1, -1), 3), ("LEFTPADDING", (0, 0), (0, -1), 0),
                     ("LINEBELOW", (1, 0), (1, -1), 0.6, INK),
                     ("LINEBELOW", (3, 0), (3, -1), 0.6, INK)]))


def _grid(f: Field, values: Mapping[str, Any], title: str) -> list[Flowable]:
    """A TABLE field: its label (unless the section says it), then the rows under a heading
    row of the column labels; blank rows to write in when there are none."""
    value = values.get(f.key)
    rows = table_rows(f, value)
    body: list[list[Any]] = [[_para(_shown(c, row.get(c.key)), "cell") for c in f.columns]
                             for row in rows]
    none = not rows and f.readonly and value is not None  # looked up, and nothing there
    if none:
        body = [[_para("None.", "cell")] + [""] * (len(f.columns) - 1)]
    elif not rows:
        body = [[""] * len(f.columns) for _ in range(BLANK_ROWS)]
    header = [_para(c.label, "label") for c in f.columns]
    widths = column_widths(f.columns, WIDTH, header_font=BOLD, header_size=8.5,
                           body_font=FONT, body_size=9)
    out: list[Flowable] = []
    if f.label and f.label.casefold() != title.casefold():
        out.append(_para(f.label, "table_label"))
    return out + [grid_table(header, body, widths, rule=RULE, shade=SHADE, font=FONT,
                             blank=not rows and not none, none_row=none)]


def _static(f: Field) -> list[Flowable]:
    out: list[Flowable] = [_para(f.label, "static_label")] if f.label else []
    if f.text:
        out.append(_para(f.text, "body"))
    out += [Paragraph(_markup(b), _styles()["bullet"], bulletText="\u2022") for b in f.bullets]
    return out


def _section(section: Section, values: Mapping[str, Any]) -> list[Flowable]:
    out: list[Flowable] = [_para(section.title, "heading")]
    if section.guidance:
        out.append(_para(section.guidance, "guidance"))

    def group(f: Field) -> str:
        if f.kind in (Kind.STATIC, Kind.SIGNATURE, Kind.TABLE):
            return f.kind.value
        return "pairs" if section.columns == 2 and f.kind is not Kind.MULTILINE else "rows"

    for kind, run in itertools.groupby(section.fields, key=group):
        fields = list(run)
        if kind == "static":
            out += [x for f in fields for x in _static(f)]
            continue
        if kind == "table":
            out += [x for f in fields for x in [*_grid(f, values, section.title), Spacer(1, 5)]]
            continue
        maker = {"pairs": _pairs_table, "rows": _rows_table, "signature": _signature_table}
        out += [maker[kind](fields, values), Spacer(1, 5)]
    return out


@dataclass(frozen=True)
class _Chrome:
    """What every page prints around the form: a header line and a footer."""

    organisation: str
    title: str
    record: str
    printed: str
    note: str
    seal: Seal | None = None

    def draw(self, canvas: Canvas, page: int, pages: int,
             file_page: tuple[int, int] | None = None) -> None:
        """The header and footer of a page: page ``page`` of ``pages`` of this document,
        and in a bundle its page of the whole file too (``file_page``, as the index cites)."""
        canvas.saveState()
        canvas.setFillColor(MUTED)
        canvas.setStrokeColor(MUTED)
        canvas.setLineWidth(0.5)
        canvas.setFont(FONT, 7.5)
        left, right, top = CONTENT_X, PAGE_W - CONTENT_X, PAGE_H - 12 * mm
        canvas.drawString(left, top, _fit(self.organisation, WIDTH * 0.55, 7.5))
        canvas.drawRightString(right, top, _fit(self.title, WIDTH * 0.43, 7.5))
        canvas.line(left, top - 2.5 * mm, right, top - 2.5 * mm)
        bottom = 15 * mm
        canvas.line(left, bottom, right, bottom)
        canvas.drawString(left, bottom - 4 * mm, _fit(f"Record {self.record}", WIDTH * 0.4, 7.5))
        canvas.drawCentredString(PAGE_W / 2 + 12 * mm, bottom - 4 * mm, f"Printed {self.printed}")
        numbering = f"Page {page} of {pages}"
        if file_page is not None:
            numbering += f" \u00b7 file page {file_page[0]} of {file_page[1]}"
        canvas.drawRightString(right, bottom - 4 * mm, numbering)
        if self.note:
            canvas.drawString(left, bottom - 7.5 * mm, _fit(self.note, WIDTH, 7.5))
        if self.seal is not None:
            canvas.setFillColor(INK)
            draw_seal(canvas, self.seal, left=left, right=right, bottom=bottom + 1.5 * mm,
                      font=FONT, bold=BOLD)
        canvas.restoreState()


def _fit(text: str, width: float, size: float) -> str:
    text = _CONTROL.sub("", " ".join(text.split()))
    while text and pdfmetrics.stringWidth(text, FONT, size) > width:
        text = text[:-2] + "\u2026"
    return text


class _KeepWithContent(KeepTogether):
    """A heading kept with what follows; long content starts under it rather than overleaf."""

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803 (reportlab's names)
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        body = self._content[-1]
        if self._H > aH and len(self._content) > 1:
            room = aH - (self._H - body.wrap(aW, aH)[1]) - 1
            if room > 0 and body.split(aW, room):
                return list(self._content)
        return super().split(aW, aH)


class _StartPart(ActionFlowable):
    """Where a form of a bundle starts (always at the top of a page)."""

    def __init__(self, number: int, chrome: _Chrome,
                 on_part: Callable[[int], None] | None,
                 outline: tuple[str, str] | None = None) -> None:
        super().__init__()
        self.number, self.chrome, self.on_part = number, chrome, on_part
        self.outline = outline

    def apply(self, doc: Any) -> None:
        if self.on_part is not None:
            self.on_part(self.number)
        doc.canv.start_part(self.number, self.chrome, self.outline)


class _FrontMatter(Flowable):
    """Stands for the bundle's front part until the other parts' page counts are known."""

    def __init__(self, make: Callable[[dict[int, int]], list[Flowable]]) -> None:
        super().__init__()
        self.make = make


@dataclass(frozen=True)
class FormPart:
    """One printed document: a form filled with ``values``, and what its pages state about
    it (``seal``: version, content hash and signatures on every page; ``addenda``: (heading,
    text) pairs printed after the form). Printed alone or in a bundle, it prints the same."""

    form: FormDef
    values: Mapping[str, Any]
    record_id: str
    record_label: str = ""
    seal: Seal | None = None
    addenda: Sequence[tuple[str, str]] = ()
    extra_footer: str = ""


def _story(part: FormPart, organisation: str) -> list[Flowable]:
    form = part.form
    story: list[Flowable] = [_para(form.reference, "reference"),
                             _para(organisation.upper(), "org"), _para(form.title.upper(), "title")]
    if part.record_label:
        story.append(_para(part.record_label, "subtitle"))
    story.append(Spacer(1, 4 * mm))
    for section in form.sections:
        story += _section(section, part.values)
    if part.addenda:
        story.append(_para("Addenda", "heading"))
        for heading, text in part.addenda:
            story += [_para(heading, "label"), _para(text, "body"), Spacer(1, 2 * mm)]
    return story


def _chrome(part: FormPart, organisation: str, printed_on: date | None) -> _Chrome:
    note = " \u00b7 ".join(x for x in (part.record_label, part.extra_footer) if x)
    return _Chrome(organisation, f"{part.form.title} ({part.form.reference})", part.record_id,
                   (printed_on or date.today()).strftime("%d/%m/%Y"), note, part.seal)


def _template(seal: Seal | None) -> str:
    """The page template of a part: its frame ends above its signature strip."""
    return f"above-{seal.height() if seal else 0:.2f}"


class _FormDoc(BaseDocTemplate):
    """A4 pages for ``seals``' parts: one page template per strip height, so each part's
    pages hold as much as they do when it is printed alone."""

    def __init__(self, target: Any, *, seals: Sequence[Seal | None], organisation: str,
                 title: str, subject: str) -> None:
        super().__init__(target, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                         topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
                         initialFontName=FONT, keepTogetherClass=_KeepWithContent,
                         title=title, author=organisation, subject=subject,
                         creator="Supervision Audit")
        made: set[str] = set()
        for seal in [*seals, None]:
            if _template(seal) in made:
                continue
            made.add(_template(seal))
            bottom = MARGIN_BOTTOM + (seal.height() + 2 * mm if seal else 0)
            frame = Frame(MARGIN_X, bottom, PAGE_W - 2 * MARGIN_X,
                          PAGE_H - MARGIN_TOP - bottom, id="normal")
            self.addPageTemplates(PageTemplate(id=_template(seal), frames=[frame],
                                               pagesize=A4))

    def filterFlowables(self, flowables: list[Flowable]) -> None:  # noqa: N802 (reportlab's)
        head = flowables[0] if flowables else None
        if isinstance(head, _FrontMatter):  # every part before it has been laid out
            flowables[0:1] = head.make(self.canv.part_pages())


def _build(parts: Sequence[FormPart], target: Any, canvas_class: type[NumberedCanvas], *,
           organisation: str, title: str, subject: str, printed_on: date | None,
           front: Callable[[list[int]], FormPart] | None = None,
           on_part: Callable[[int], None] | None = None,
           outline: Sequence[tuple[str, str]] = ()) -> dict[int, int]:
    """Lay ``parts`` out one after another (each from the top of a page, on its own page
    template) and the ``front`` part after them; returns the pages of each part.
    ``outline``: each part's (section, title) in the bookmarks (default: its title)."""
    register_fonts()
    story: list[Flowable] = []
    for number, part in enumerate(parts):
        after = parts[number + 1].seal if number + 1 < len(parts) else None
        entry = outline[number] if number < len(outline) else (
            "", f"{part.form.title} {part.record_label}".strip())
        story += [_StartPart(number, _chrome(part, organisation, printed_on), on_part, entry),
                  *_story(part, organisation), PageBreakIfNotEmpty(nextTemplate=_template(after))]

    def front_story(pages: dict[int, int]) -> list[Flowable]:
        assert front is not None
        if on_part is not None:
            on_part(len(parts))
        first = front([pages.get(n, 0) for n in range(len(parts))])
        return [_StartPart(FRONT, _chrome(first, organisation, printed_on), None,
                           ("", first.form.title)),
                *_story(first, organisation)]

    if front is not None:
        story.append(_FrontMatter(front_story))
    made: list[NumberedCanvas] = []

    def canvas(*args: Any, **kwargs: Any) -> NumberedCanvas:
        made.append(canvas_class(*args, **kwargs))
        return made[-1]

    doc = _FormDoc(target, seals=[part.seal for part in parts], organisation=organisation,
                   title=title, subject=subject)
    doc.build(story, canvasmaker=canvas)
    return made[0].part_pages()


def render_part_pdf(part: FormPart, out: Path, *, organisation: str,
                    printed_on: date | None = None) -> Path:
    """Print one document to ``out`` (A4, written whole or not at all)."""
    render_bundle_pdf([part], out, organisation=organisation,
                      title=f"{part.form.title} {part.record_label}".strip(),
                      subject=part.form.reference, printed_on=printed_on)
    return Path(out)


def render_form_pdf(form: FormDef, values: Mapping[str, Any], out: Path, *, organisation: str,
                    record_id: str, record_label: str = "", printed_on: date | None = None,
                    extra_footer: str = "", seal: Seal | None = None,
                    addenda: Sequence[tuple[str, str]] = ()) -> Path:
    """Print ``form`` filled with ``values`` to ``out`` (A4, written whole or not at all).

    ``seal`` puts the version, content hash and signatures on every page; ``addenda`` are
    (heading, text) pairs printed after the form.
    """
    return render_part_pdf(FormPart(form, values, record_id, record_label, seal, addenda,
                                    extra_footer), out, organisation=organisation,
                           printed_on=printed_on)


def count_pages(part: FormPart, *, organisation: str) -> int:
    """How many pages ``part`` takes printed alone (laid out, not written)."""
    pages = _build([part], io.BytesIO(), CountingCanvas, organisation=organisation, title="",
                   subject="", printed_on=None)
    return pages.get(0, 0)


def numbered_front(make: Callable[[list[int]], FormPart], *, organisation: str
                   ) -> Callable[[list[int]], FormPart]:
    """A ``front`` for :func:`render_bundle_pdf` that names the page each part starts on:
    ``make(starts)`` is given those pages (counted after the front part's own pages, which
    it is laid out again to know)."""
    def front(counts: list[int]) -> FormPart:
        own = 1
        for _attempt in range(3):
            starts, page = [], own + 1
            for count in counts:
                starts.append(page)
                page += count
            part = make(starts)
            pages = count_pages(part, organisation=organisation)
            if pages == own:
                break
            own = pages
        return part
    return front


def render_bundle_pdf(parts: Sequence[FormPart], out: Path, *, organisation: str,
                      title: str, subject: str = "",
                      front: Callable[[list[int]], FormPart] | None = None,
                      on_part: Callable[[int], None] | None = None,
                      printed_on: date | None = None,
                      outline: Sequence[tuple[str, str]] = ()) -> list[int]:
    """Print ``parts`` one after another as one PDF at ``out`` (written whole or not at all).

    Each part starts on a new page and prints as it does alone: its own header, footer,
    signature strip and "Page X of Y"; the fonts are embedded once. When every part is laid
    out, ``front(pages)`` is given their page counts and returns a part to print before them
    (e.g. an index). ``on_part(n)`` is called as part ``n`` starts (``len(parts)`` for the
    front part), and may raise to stop: nothing is then written. ``outline`` gives each
    part's (section, title) for the bookmarks. Returns the page counts of the parts, in the
    order printed.
    """
    with atomic_output(Path(out)) as tmp:
        pages = _build(parts, str(tmp), NumberedCanvas, organisation=organisation,
                       title=title, subject=subject, printed_on=printed_on, front=front,
                       on_part=on_part, outline=outline)
    return ([pages[FRONT]] if FRONT in pages else []) + [pages.get(n, 0)
                                                           for n in range(len(parts))]
