"""What can be checked of PDF/A-2b without veraPDF (which needs a download from outside the
package registries): a written PDF read back with pypdf, rule by rule. Each check returns
the problems found, so a failing test says which rule and where."""

from __future__ import annotations

import re
import struct
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from defusedxml.ElementTree import fromstring
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DictionaryObject,
    IndirectObject,
    StreamObject,
)

NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "pdfaid": "http://www.aiim.org/pdfa/ns/id/", "dc": "http://purl.org/dc/elements/1.1/",
      "xmp": "http://ns.adobe.com/xap/1.0/", "pdf": "http://ns.adobe.com/pdf/1.3/"}
STANDARD_14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")
# annotation flags: Print must be set; Hidden, Invisible, NoView and ToggleNoView clear
PRINT, FORBIDDEN_FLAGS = 4, 1 | 2 | 32 | 256
_STRING = re.compile(rb"\((?:\\.|[^\\)])*\)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(\s+0\s+R)?")
_CMYK = re.compile(rb"(?<![\w/])(k|K)(?=\s|$)")


def _obj(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def xmp_properties(reader: PdfReader) -> dict[str, str]:
    """The XMP's simple properties and first list items, as 'prefix:Name' -> text (a
    property may be written as an attribute or as an element; both are read)."""
    stream = _obj(reader.trailer["/Root"]["/Metadata"])
    root = fromstring(stream.get_data())
    found: dict[str, str] = {}
    prefixes = {uri: prefix for prefix, uri in NS.items()}

    def short(tag: str) -> str | None:
        uri, _, name = tag[1:].partition("}")
        return f"{prefixes[uri]}:{name}" if uri in prefixes else None

    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        for key, value in description.attrib.items():
            name = short(key)
            if name and not name.startswith("rdf:"):
                found[name] = value
        for child in description:
            name = short(child.tag)
            if name is None:
                continue
            items = list(child.iter(f"{{{NS['rdf']}}}li"))
            found[name] = (items[0].text if items else child.text) or ""
    return found


def _info_date(text: str) -> datetime:
    text = text[2:] if text.startswith("D:") else text
    stamp, zone = text[:14], text[14:].replace("'", "")
    if zone in ("", "Z"):
        zone = "+0000"
    return datetime.strptime(stamp + zone, "%Y%m%d%H%M%S%z")


def metadata_problems(reader: PdfReader) -> list[str]:
    """XMP present, parseable, PDF/A-2b, unfiltered, and saying what the information
    dictionary says (PDF/A-2 6.6.2)."""
    root = reader.trailer["/Root"]
    if "/Metadata" not in root:
        return ["no XMP metadata in the catalogue"]
    stream = _obj(root["/Metadata"])
    problems = []
    if stream.get("/Type") != "/Metadata" or stream.get("/Subtype") != "/XML":
        problems.append("the metadata stream is not /Type /Metadata /Subtype /XML")
    if "/Filter" in stream:
        problems.append("the metadata stream is filtered")
    head = stream.get_data()[:120]
    if not head.startswith(b"<?xpacket begin=") or b"bytes=" in head or b"encoding=" in head:
        problems.append(f"the XMP packet header is not as PDF/A asks: {head[:60]!r}")
    try:
        props = xmp_properties(reader)
    except ElementTree.ParseError as exc:
        return [*problems, f"the XMP does not parse: {exc}"]
    if props.get("pdfaid:part") != "2" or props.get("pdfaid:conformance") != "B":
        problems.append(f"pdfaid is {props.get('pdfaid:part')}/"
                        f"{props.get('pdfaid:conformance')}, not 2/B")
    info = _obj(reader.trailer.get("/Info")) or {}
    texts = {"/Title": "dc:title", "/Author": "dc:creator", "/Subject": "dc:description",
             "/Creator": "xmp:CreatorTool", "/Producer": "pdf:Producer",
             "/Keywords": "pdf:Keywords"}
    for key, prop in texts.items():
        if key in info and str(info[key]) != props.get(prop):
            problems.append(f"Info {key} {str(info[key])!r} but XMP {prop} "
                            f"{props.get(prop)!r}")
    dates = {"/CreationDate": "xmp:CreateDate", "/ModDate": "xmp:ModifyDate"}
    for key, prop in dates.items():
        if key not in info:
            continue
        if prop not in props:
            problems.append(f"Info {key} but no XMP {prop}")
        elif _info_date(str(info[key])) != datetime.fromisoformat(props[prop]):
            problems.append(f"Info {key} {info[key]} but XMP {prop} {props[prop]}")
    return problems


def _icc_header(data: bytes) -> tuple[int, bytes]:
    return data[8], data[16:20]


def output_intent_problems(reader: PdfReader) -> list[str]:
    """One PDF/A output intent with an RGB ICC profile of version 2 or 4 (6.2.3)."""
    intents = _obj(reader.trailer["/Root"].get("/OutputIntents"))
    if not intents:
        return ["no /OutputIntents"]
    problems, profiles = [], set()
    for intent in map(_obj, intents):
        if intent.get("/S") != "/GTS_PDFA1":
            problems.append(f"an output intent is {intent.get('/S')}, not /GTS_PDFA1")
        if "/OutputConditionIdentifier" not in intent:
            problems.append("an output intent has no /OutputConditionIdentifier")
        ref = intent.get("/DestOutputProfile")
        if ref is None:
            problems.append("an output intent has no /DestOutputProfile")
            continue
        profile = _obj(ref)
        profiles.add(getattr(ref, "idnum", id(profile)))
        version, space = _icc_header(profile.get_data())
        if space != b"RGB " or profile.get("/N") != 3:
            problems.append(f"the profile is {space!r} with N={profile.get('/N')}, not RGB/3")
        if version not in (2, 4):
            problems.append(f"the ICC profile is version {version}")
    if len(profiles) > 1:
        problems.append("output intents name different profiles")
    return problems


def _truetype_cmaps(program: bytes) -> list[tuple[int, int]]:
    """The (platform, encoding) pairs of a TrueType program's cmap table."""
    tables = struct.unpack(">H", program[4:6])[0]
    for n in range(tables):
        tag, _sum, offset, _length = struct.unpack(">4sIII", program[12 + 16 * n:28 + 16 * n])
        if tag == b"cmap":
            count = struct.unpack(">H", program[offset + 2:offset + 4])[0]
            return [struct.unpack(">HH", program[offset + 4 + 8 * i:offset + 8 + 8 * i])
                    for i in range(count)]
    return []


def _glyph_ids(program: bytes) -> dict[int, int] | None:
    """Code -> glyph of a TrueType program's first cmap subtable when it is of format 6
    (as reportlab writes its subsets) or 0; None for other formats."""
    tables = struct.unpack(">H", program[4:6])[0]
    for n in range(tables):
        tag, _sum, offset, _length = struct.unpack(">4sIII", program[12 + 16 * n:28 + 16 * n])
        if tag != b"cmap":
            continue
        sub = offset + struct.unpack(">I", program[offset + 8:offset + 12])[0]
        kind = struct.unpack(">H", program[sub:sub + 2])[0]
        if kind == 0:
            return dict(enumerate(program[sub + 6:sub + 262]))
        if kind == 6:
            first, count = struct.unpack(">HH", program[sub + 6:sub + 10])
            glyphs = struct.unpack(f">{count}H", program[sub + 10:sub + 10 + 2 * count])
            return {first + i: g for i, g in enumerate(glyphs)}
    return None


def _shown_bytes(operands: list[Any], operator: bytes) -> list[bytes]:
    """The strings a text-showing operator draws, as the bytes in the content stream."""
    if operator == b"TJ":
        items = [x for x in operands[0] if not isinstance(x, (int, float))]
    elif operator in (b"Tj", b"'", b'"'):
        items = [operands[-1]]
    else:
        return []
    return [x.get_original_bytes() if hasattr(x, "get_original_bytes") else bytes(x)
            for x in items]


def notdef_problems(reader: PdfReader) -> list[str]:
    """Text drawn with glyph 0 (.notdef) of an embedded TrueType font, e.g. a character the
    font does not have (6.2.11.4.1, 6.2.11.8): each code shown, looked up in the font
    program's own cmap."""
    problems = []
    for number, page in enumerate(reader.pages, start=1):
        fonts = _obj(_obj(page.get("/Resources") or {}).get("/Font")) or {}
        glyphs: dict[str, dict[int, int] | None] = {}
        for name, font in fonts.items():
            descriptor = _obj(_obj(font).get("/FontDescriptor")) or {}
            program = _obj(descriptor.get("/FontFile2"))
            glyphs[name] = _glyph_ids(program.get_data()) if program is not None else None
        current: dict[int, int] | None = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = glyphs.get(operands[0])
                continue
            if current is None:
                continue
            for shown in _shown_bytes(operands, operator):
                drawn = [code for code in shown if current.get(code, 0) == 0]
                if drawn:
                    problems.append(f"page {number}: text drawn with .notdef (codes {drawn})")
    return problems


def _table(program: bytes, wanted: bytes) -> bytes:
    tables = struct.unpack(">H", program[4:6])[0]
    for n in range(tables):
        tag, _sum, offset, length = struct.unpack(">4sIII", program[12 + 16 * n:28 + 16 * n])
        if tag == wanted:
            return program[offset:offset + length]
    return b""


def width_problems(font: DictionaryObject, program: bytes) -> list[str]:
    """/Widths of each code that draws a glyph within 1 unit of the glyph's advance in the
    embedded program (6.2.11.5)."""
    glyphs = _glyph_ids(program)
    if glyphs is None:
        return []
    units = struct.unpack(">H", _table(program, b"head")[18:20])[0]
    metrics = struct.unpack(">H", _table(program, b"hhea")[34:36])[0]
    hmtx = _table(program, b"hmtx")
    first, widths = int(font["/FirstChar"]), list(_obj(font["/Widths"]))
    problems = []
    for index, width in enumerate(widths):
        glyph = glyphs.get(first + index, 0)
        if glyph == 0:
            continue
        at = 4 * min(glyph, metrics - 1)
        advance = struct.unpack(">H", hmtx[at:at + 2])[0] * 1000 / units
        if abs(advance - float(width)) > 1:
            problems.append(f"font {font.get('/BaseFont')} code {first + index}: width "
                            f"{width}, glyph {advance:.1f}")
    return problems


def _resources(page: DictionaryObject) -> list[DictionaryObject]:
    """A page's resources and those of the forms and annotation appearances it draws."""
    out, todo, seen = [], [_obj(page.get("/Resources"))], set()
    for annot in map(_obj, _obj(page.get("/Annots")) or []):
        appearance = _obj(_obj(annot.get("/AP") or {}).get("/N"))
        if isinstance(appearance, StreamObject):
            todo.append(_obj(appearance.get("/Resources")))
    while todo:
        res = todo.pop()
        if not isinstance(res, DictionaryObject) or id(res) in seen:
            continue
        seen.add(id(res))
        out.append(res)
        for xobject in map(_obj, (_obj(res.get("/XObject")) or {}).values()):
            if xobject.get("/Subtype") == "/Form":
                todo.append(_obj(xobject.get("/Resources")))
    return out


def font_problems(reader: PdfReader) -> tuple[list[str], set[str]]:
    """Every font of every page embedded (FontFile2/FontFile3), none of the standard 14,
    symbolic TrueType without /Encoding and with one cmap subtable or (3,0) (6.2.11);
    returns the problems and the fonts' names."""
    problems: list[str] = []
    names: set[str] = set()
    for number, page in enumerate(reader.pages, start=1):
        for res in _resources(page):
            for font in map(_obj, (_obj(res.get("/Font")) or {}).values()):
                name = str(font.get("/BaseFont", ""))
                names.add(name)
                if any(name.lstrip("/").split("+")[-1].startswith(s) for s in STANDARD_14):
                    problems.append(f"page {number}: standard font {name}")
                target = font
                if font.get("/Subtype") == "/Type0":
                    target = _obj(_obj(font["/DescendantFonts"])[0])
                descriptor = _obj(target.get("/FontDescriptor"))
                if descriptor is None or not ({"/FontFile2", "/FontFile3"} & set(descriptor)):
                    problems.append(f"page {number}: font {name} is not embedded")
                    continue
                if font.get("/Subtype") == "/TrueType" and "/FontFile2" in descriptor:
                    symbolic = int(descriptor.get("/Flags", 0)) & 4
                    cmaps = _truetype_cmaps(_obj(descriptor["/FontFile2"]).get_data())
                    if symbolic and "/Encoding" in font:
                        problems.append(f"symbolic font {name} has an /Encoding")
                    if symbolic and len(cmaps) != 1 and (3, 0) not in cmaps:
                        problems.append(f"symbolic font {name} has cmaps {cmaps}")
                    problems += width_problems(font, _obj(descriptor["/FontFile2"]).get_data())
                    widths = _obj(font.get("/Widths")) or []
                    if len(widths) != int(font["/LastChar"]) - int(font["/FirstChar"]) + 1:
                        problems.append(f"font {name} has {len(widths)} widths")
    return problems, names


def _streams(reader: PdfReader) -> list[StreamObject]:
    """Every stream of the file, in every revision's cross-reference."""
    numbers = {number for table in reader.xref.values() for number in table}
    numbers |= set(reader.xref_objStm)
    found = (reader.get_object(IndirectObject(n, 0, reader)) for n in sorted(numbers))
    return [obj for obj in found if isinstance(obj, StreamObject)]


def stream_layout_problems(reader: PdfReader, data: bytes) -> list[str]:
    """Each stream's /Length is the bytes between the EOL after 'stream' and the EOL that
    must come before 'endstream' (6.1.7.1); nothing follows the last %%EOF (6.1.3)."""
    problems = []
    offsets = {number: offset for table in reader.xref.values()
               for number, offset in table.items()}
    for number, offset in sorted(offsets.items()):
        obj = reader.get_object(IndirectObject(number, 0, reader))
        if not isinstance(obj, StreamObject):
            continue
        keyword = data.find(b"stream", offset)
        found = _LENGTH.search(data, offset, keyword)
        if found is None:
            problems.append(f"object {number}: no /Length")
            continue
        length = int(found[1]) if found[2] is None else int(
            reader.get_object(IndirectObject(int(found[1]), 0, reader)))
        start = keyword + 6 + (2 if data[keyword + 6:keyword + 8] == b"\r\n" else 1)
        tail = data[start + length:start + length + 11]
        if not tail.startswith((b"\r\nendstream", b"\nendstream", b"\rendstream")):
            problems.append(f"object {number}: no EOL between its {length} bytes "
                            f"and endstream ({tail!r})")
    for found in re.finditer(rb"(?<![a-z])xref", data):
        if not re.match(rb"xref(\r\n|\r|\n)\d+ \d+", data[found.start():found.start() + 30]):
            problems.append(f"the xref at {found.start()} is not followed by one EOL")
    if not data.rstrip(b"\r\n").endswith(b"%%EOF") or \
            len(data) - len(data.rstrip(b"\r\n")) > 2:
        problems.append("something follows the last %%EOF")
    return problems


def structure_problems(reader: PdfReader, data: bytes) -> list[str]:
    """Header, trailer ID, no encryption, no external or forbidden streams, no JavaScript
    or embedded files, annotations printable (6.1, 6.3, 6.5, 6.8), transparency groups
    with a colour space."""
    problems = []
    if not data.startswith(b"%PDF-1.") or sum(b > 127 for b in data.split(b"\n")[1][:5]) < 4:
        problems.append("the header is not %PDF-1.n and a binary comment line")
    if "/Encrypt" in reader.trailer:
        problems.append("the file is encrypted")
    ids = reader.trailer.get("/ID")
    if not isinstance(ids, ArrayObject) or len(ids) != 2:
        problems.append("the trailer has no document /ID")
    root = reader.trailer["/Root"]
    names = _obj(root.get("/Names")) or {}
    for key in ("/JavaScript", "/EmbeddedFiles"):
        if key in names:
            problems.append(f"the catalogue's names hold {key}")
    if "/AA" in root or "/OpenAction" in root and "/JS" in str(root["/OpenAction"]):
        problems.append("the catalogue has actions")
    form = _obj(root.get("/AcroForm")) or {}
    if form.get("/NeedAppearances"):
        problems.append("the form asks readers to make appearances")
    for stream in _streams(reader):
        for key in ("/F", "/FFilter", "/FDecodeParms"):
            if key in stream:
                problems.append(f"a stream has {key} (external content)")
        filters = stream.get("/Filter")
        if filters is not None and "/LZWDecode" in str(filters):
            problems.append("a stream is LZW-compressed")
        if stream.get("/Subtype") == "/Image":
            if stream.get("/Interpolate"):
                problems.append("an image asks for interpolation")
            if "/Alternates" in stream or "/OPI" in stream:
                problems.append("an image has alternates or OPI")
    for number, page in enumerate(reader.pages, start=1):
        content = _STRING.sub(b"()", page.get_contents().get_data())
        if _CMYK.search(content) or b"DeviceCMYK" in content:
            problems.append(f"page {number} paints in CMYK, not the output intent's RGB")
        group = _obj(page.get("/Group"))
        if group is not None and group.get("/S") == "/Transparency" and "/CS" not in group:
            problems.append(f"page {number} has a transparency group without a colour space")
        for annot in map(_obj, _obj(page.get("/Annots")) or []):
            flags = int(annot.get("/F", 0))
            if not flags & PRINT or flags & FORBIDDEN_FLAGS:
                problems.append(f"page {number}: annotation {annot.get('/Subtype')} "
                                f"flags {flags}")
            rect = [float(v) for v in _obj(annot.get("/Rect", [0, 0, 0, 0]))]
            if rect[0] != rect[2] and rect[1] != rect[3]:
                appearance = _obj(annot.get("/AP"))
                if appearance is None or set(appearance) != {"/N"}:
                    problems.append(f"page {number}: annotation without an /N appearance")
    return problems


def signature_problems(reader: PdfReader, data: bytes) -> list[str]:
    """Each signature covers the whole file but its own value, and is a CMS object with
    exactly one SignerInfo and the signer's certificate (6.4.3)."""
    from asn1crypto import cms

    problems = []
    form = _obj(reader.trailer["/Root"].get("/AcroForm")) or {}
    for field in map(_obj, _obj(form.get("/Fields")) or []):
        if field.get("/FT") != "/Sig" or "/V" not in field:
            continue
        value = _obj(field["/V"])
        start, before, after, rest = (int(x) for x in value["/ByteRange"])
        gap = data[start + before:after]
        if start != 0 or after + rest != len(data) or not (gap.startswith(b"<")
                                                           and gap.endswith(b">")):
            problems.append(f"the signature in {field.get('/T')} does not cover the file")
        signed = cms.ContentInfo.load(bytes(value["/Contents"]))["content"]  # padding ignored
        infos = signed["signer_infos"]
        if len(infos) != 1:
            problems.append(f"the signature has {len(infos)} SignerInfos")
            continue
        sid = infos[0]["sid"]
        certificates = [c.chosen for c in signed["certificates"]]
        if sid.name == "issuer_and_serial_number":
            wanted = (sid.chosen["issuer"], sid.chosen["serial_number"].native)
            carried = any((c.issuer, c.serial_number) == wanted for c in certificates)
        else:
            carried = any(c.key_identifier == sid.chosen.native for c in certificates)
        if not carried:
            problems.append("the signature does not carry its signer's certificate")
    return problems


def all_font_names(reader: PdfReader) -> set[str]:
    """Every font dictionary anywhere in the file (pages, forms, the AcroForm's defaults)."""
    numbers = {number for table in reader.xref.values() for number in table}
    numbers |= set(reader.xref_objStm)
    names = set()
    for number in numbers:
        obj = reader.get_object(IndirectObject(number, 0, reader))
        if isinstance(obj, DictionaryObject) and obj.get("/Type") == "/Font":
            names.add(str(obj.get("/BaseFont", "")))
    return names


def pdfa_problems(path: Path) -> list[str]:
    """Everything above for the PDF at ``path``; empty when all is as PDF/A-2b asks."""
    data = Path(path).read_bytes()
    reader = PdfReader(path)
    fonts, _names = font_problems(reader)
    fonts += notdef_problems(reader)
    return (structure_problems(reader, data) + stream_layout_problems(reader, data)
            + metadata_problems(reader)
            + output_intent_problems(reader) + signature_problems(reader, data) + fonts)
