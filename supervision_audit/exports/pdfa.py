"""PDF/A-2b for every exported PDF: records are kept for years, so each PDF carries what an
archive needs to show it the same way later, added as reportlab writes it.

- XMP metadata (``pdfaid:part`` 2, ``pdfaid:conformance`` B) that says the same as the
  document information dictionary: title, author, subject, creator and creation date, from
  one timestamp. The information dictionary has no ``Producer`` or ``ModDate``: when the
  seal is added pyHanko writes its own producer into both, and its modification date into
  the XMP alone, so the two still agree after sealing (it would otherwise append itself to
  one producer and replace the other, and read the clock twice).
- An sRGB output intent (``/GTS_PDFA1``) with the ICC profile shipped in resources/color.
- Every font embedded: the document may use only the shipped TrueType fonts; a PDF that
  would name one of the standard 14 fonts (Helvetica, Times...), which are never embedded,
  is refused rather than written. The shipped fonts are registered as ``EmbeddedFont``,
  which draws a character they lack as U+FFFD instead of the forbidden .notdef glyph.
- Every stream's data followed by an end of line before ``endstream`` (reportlab omits it).
- The language (en-GB) in the catalogue, for readers and screen readers.

reportlab itself writes the trailer's document ID and embeds each TrueType font as
symbolic subsets (``FontFile2``, no ``/Encoding``, one ``cmap`` subtable), as PDF/A-2
asks; it neither encrypts nor makes transparency groups here. The tests read every one of
these back (tests/pdfa_checks.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFCatalog,
    PDFDictionary,
    PDFInfo,
    PDFName,
    PDFStream,
    PDFString,
    PDFZCompress,
)
from reportlab.pdfbase.pdfdoc import format as pdf_format
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from supervision_audit import paths
from supervision_audit.errors import SupervisionAuditError

PART, CONFORMANCE = 2, "B"
LANGUAGE = "en-GB"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def icc_profile_path() -> Path:
    """The sRGB profile embedded as every PDF's output intent."""
    return paths.resources_dir() / "color" / "sRGB.icc"


@cache
def _icc_profile() -> bytes:
    try:
        data = icc_profile_path().read_bytes()
    except OSError as exc:
        raise SupervisionAuditError(f"The colour profile needed to write PDFs is missing "
                                    f"({exc}). Please reinstall Supervision Audit.") from exc
    if len(data) < 132 or data[36:40] != b"acsp" or data[16:20] != b"RGB ":
        raise SupervisionAuditError("The colour profile needed to write PDFs is damaged. "
                                    "Please reinstall Supervision Audit.")
    return data


def _xml_text(text: str) -> str:
    return escape(_NOT_XML.sub("", text))


def _pdf_text(text: str) -> str:
    """What the information dictionary holds for ``text``: the same characters as the XMP."""
    return _NOT_XML.sub("", text)


def created_at(canvas: Canvas) -> datetime:
    """The moment reportlab stamped the document with, with its real offset from UTC (in
    UTC when reportlab is told to write reproducible files)."""
    stamp = canvas._doc._timeStamp
    if stamp.dhh == 0 and stamp.dmm == 0 and getattr(stamp, "tzname", "") == "UTC":
        return datetime.fromtimestamp(int(stamp.t), UTC)
    return datetime.fromtimestamp(int(stamp.t)).astimezone()


def pdf_date(moment: datetime) -> str:
    """``moment`` as a PDF date string, D:YYYYMMDDHHmmSS+HH'mm'."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"D:{moment:%Y%m%d%H%M%S}{sign}{hours:02d}'{mins:02d}'"


class _ArchivalInfo(PDFInfo):
    """The document information dictionary: only what the XMP says too, and no producer
    or modification date (see the module's note on sealing)."""

    def __init__(self, entries: dict[str, str], created: datetime) -> None:
        super().__init__()
        self.entries, self.created = entries, created

    def format(self, document: Any) -> bytes:
        values: dict[str, Any] = {key: PDFString(value) for key, value in self.entries.items()}
        values["CreationDate"] = PDFString(pdf_date(self.created))
        return PDFDictionary(values).format(document)


_ENDSTREAM = b"endstream\n"


def _end_streams_on_their_own_line() -> None:
    """PDF/A-2 6.1.7.1: the bytes a stream's /Length counts are followed by an end of line,
    then 'endstream'. reportlab writes 'endstream' straight after the data (its Length is
    right: the data alone), so every stream it writes gets that end of line added, outside
    the Length. Done once, before the first PDF is written, for every PDF this process
    writes (all of them this app's)."""
    if getattr(PDFStream.format, "ends_on_own_line", False):
        return
    written = PDFStream.format

    def format_stream(self: PDFStream, document: Any) -> bytes:
        out = written(self, document)
        if out.endswith(_ENDSTREAM):
            out = out[:-len(_ENDSTREAM)] + b"\n" + _ENDSTREAM
        return out

    format_stream.ends_on_own_line = True  # type: ignore[attr-defined]
    PDFStream.format = format_stream  # type: ignore[method-assign]


class _UnfilteredStream(PDFStream):
    """A stream written as it is, with no ``/Filter`` key (reportlab writes an empty one)."""

    def format(self, document: Any) -> bytes:
        content = document.encrypt.encode(self.content)
        dictionary = PDFDictionary({**self.dictionary.dict, "Length": len(content)})
        return (pdf_format(dictionary, document) + b"\nstream\n"
                + pdf_format(content, document) + b"\n" + _ENDSTREAM)


def xmp_packet(entries: dict[str, str], created: datetime) -> bytes:
    """The XMP metadata of a PDF/A-2b document with these information entries (Title,
    Author, Subject, Creator), created (and last changed) at ``created``."""
    when = created.isoformat()
    props = [f"<pdfaid:part>{PART}</pdfaid:part>",
             f"<pdfaid:conformance>{CONFORMANCE}</pdfaid:conformance>",
             "<dc:format>application/pdf</dc:format>"]
    if "Title" in entries:
        props.append("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">"
                     f"{_xml_text(entries['Title'])}</rdf:li></rdf:Alt></dc:title>")
    if "Author" in entries:
        props.append(f"<dc:creator><rdf:Seq><rdf:li>{_xml_text(entries['Author'])}"
                     "</rdf:li></rdf:Seq></dc:creator>")
    if "Subject" in entries:
        props.append("<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">"
                     f"{_xml_text(entries['Subject'])}</rdf:li></rdf:Alt></dc:description>")
    if "Creator" in entries:
        props.append(f"<xmp:CreatorTool>{_xml_text(entries['Creator'])}</xmp:CreatorTool>")
    props += [f"<xmp:CreateDate>{when}</xmp:CreateDate>",
              f"<xmp:ModifyDate>{when}</xmp:ModifyDate>",
              f"<xmp:MetadataDate>{when}</xmp:MetadataDate>"]
    body = "\n   ".join(props)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"\n'
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/">\n'
        f"   {body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()


def _ranges(codes: Any) -> str:
    """The code points ``codes`` as the inside of a regular expression character class."""
    out, ordered = [], sorted(codes)
    start = previous = ordered[0]
    for code in [*ordered[1:], -1]:
        if code == previous + 1:
            previous = code
            continue
        out.append(re.escape(chr(start)) + ("-" + re.escape(chr(previous))
                                            if previous > start else ""))
        start = previous = code
    return "".join(out)


class EmbeddedFont(TTFont):
    """A shipped TrueType font that draws no character it lacks: such a character (a name
    in a script DejaVu Sans does not cover) is drawn, and measured, as U+FFFD, the
    replacement character, rather than as the font's empty .notdef glyph, which PDF/A-2
    forbids (6.2.11.4.1, 6.2.11.8). Measuring stays reportlab's own (fast) code: only
    the width it gives a missing character changes."""

    REPLACEMENT = "\ufffd"

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        if ord(self.REPLACEMENT) not in self.face.charToGlyph:
            raise SupervisionAuditError(f"The font {name} has no replacement character.")
        self._lacking = re.compile(f"[^{_ranges(self.face.charToGlyph)}]")
        # reportlab measures a character the font lacks at this width: that of the
        # replacement drawn for it, so lines are laid out as they are drawn
        self.face.defaultWidth = self.face.charWidths[ord(self.REPLACEMENT)]

    def drawable(self, text: str | bytes) -> str:
        """``text`` with every character this font lacks replaced."""
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        if self._lacking.search(text) is None:  # nearly always: at the speed of a regex
            return text
        return self._lacking.sub(self.REPLACEMENT, text)

    def splitString(self, text: str | bytes, doc: Any,  # noqa: N802 (reportlab's name)
                    encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        return super().splitString(self.drawable(text), doc, encoding)


def _check_fonts(canvas: Canvas) -> None:
    """Refuse a document that uses a font reportlab would not embed (the standard 14)."""
    for name in canvas._doc.fontMapping:
        if not isinstance(pdfmetrics.getFont(name), TTFont):
            raise SupervisionAuditError(
                f"The PDF would use the font {name}, which cannot be embedded, so it could "
                "not be archived; nothing was written.")


def make_archival(canvas: Canvas) -> None:
    """Make what ``canvas`` is about to write PDF/A-2b (call just before its ``save``)."""
    _check_fonts(canvas)
    _end_streams_on_their_own_line()
    doc = canvas._doc
    info = doc.info
    entries = {key: _pdf_text(str(value)) for key, value in (
        ("Title", info.title), ("Author", info.author), ("Subject", info.subject),
        ("Creator", info.creator)) if value and value not in ("untitled", "anonymous",
                                                                "unspecified")}
    created = created_at(canvas)
    doc.info = _ArchivalInfo(entries, created)
    catalog = doc.Catalog
    metadata = _UnfilteredStream(PDFDictionary({"Type": PDFName("Metadata"),
                                                "Subtype": PDFName("XML")}),
                                 xmp_packet(entries, created))
    catalog.Metadata = doc.Reference(metadata)
    profile = PDFStream(PDFDictionary({"N": 3}), _icc_profile(), filters=[PDFZCompress])
    intent = PDFDictionary({
        "Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
        "OutputConditionIdentifier": PDFString(OUTPUT_CONDITION),
        "Info": PDFString(OUTPUT_CONDITION), "RegistryName": PDFString("http://www.color.org"),
        "DestOutputProfile": doc.Reference(profile)})
    catalog.OutputIntents = PDFArray([intent])
    # reportlab's catalogue writes only the keys it lists; this one also has the intents
    catalog.__NoDefault__ = [*PDFCatalog.__NoDefault__, "OutputIntents"]
    catalog.Lang = PDFString(LANGUAGE)
