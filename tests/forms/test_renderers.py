"""The PDF and Excel copies of every form: labels, values, fonts, footers and safe writing."""

from __future__ import annotations

import errno
import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader
from samples import sample_values

from supervision_audit.errors import SupervisionAuditError
from supervision_audit.exports.atomic import atomic_output
from supervision_audit.exports.pdf import render_form_pdf
from supervision_audit.exports.xlsx import render_form_xlsx
from supervision_audit.forms import ALL_FORMS, CONTRACT, Field, FormDef, Kind, Section, validate

ORG = "Sandwell Children's Trust"
RECORD = "3f2a9c1e-7b4d-4e0a-9d2f-1c5b8a6e4d21"
PRINTED = date(2024, 5, 17)
FORMS = pytest.mark.parametrize("form", list(ALL_FORMS.values()), ids=list(ALL_FORMS))


def squash(text: str) -> str:
    """Text without whitespace, so wrapped lines compare equal to the original."""
    return "".join(text.split())


def has_label(label: str, flat: str) -> bool:
    """Labels may print in capitals (the title does), so they compare case-blind."""
    return squash(label).casefold() in flat.casefold()


def pdf(form: FormDef, values: dict[str, Any], out: Path, **kwargs: Any) -> PdfReader:
    kwargs = {"organisation": ORG, "record_id": RECORD, "printed_on": PRINTED} | kwargs
    assert render_form_pdf(form, values, out, **kwargs) == out
    return PdfReader(out)


def pdf_text(reader: PdfReader) -> str:
    """The form's text across pages, without the page headers and footers between them."""
    bodies = []
    for page in reader.pages:
        body, chrome = page.extract_text().rsplit(ORG, 1)  # the chrome is drawn last
        assert "Page " in chrome
        bodies.append(body)
    return "\n".join(bodies)


def dmy(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def printed_strings(f: Field, value: Any) -> list[str]:
    """What a printed copy must show for one filled field."""
    if f.kind is Kind.SIGNATURE:
        return [value["name"], dmy(value["date"])]
    if f.kind is Kind.MULTILINE:
        return value.splitlines()
    if f.kind is Kind.DATE:
        return [dmy(value)]
    if f.kind is Kind.CHOICE:
        return [f.choice_label(value)]
    if f.kind is Kind.BOOL:
        return ["Yes" if value else "No"]
    return [str(value)]


def no_leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@FORMS
def test_sample_values_are_valid(form: FormDef) -> None:
    values = sample_values(form)
    assert validate(form, values) == []
    assert {f.key for f in form.value_fields()} <= set(values)


@FORMS
def test_pdf_shows_every_label_term_and_value(form: FormDef, tmp_path: Path) -> None:
    values = sample_values(form)
    text = pdf_text(pdf(form, values, tmp_path / "form.pdf"))
    flat = squash(text)
    for label in form.labels():
        assert has_label(label, flat), f"label {label!r} missing"
    assert form.title.upper() in text and form.reference in text and ORG.upper() in text
    for f in form.fields():
        if f.kind is Kind.STATIC:
            assert squash(f.text) in flat
            assert all(squash(b) in flat for b in f.bullets)
        else:
            for expected in printed_strings(f, values[f.key]):
                assert squash(expected) in flat, f"{f.key}: {expected!r} missing"


@FORMS
def test_blank_pdf_prints_every_label_and_empty_signature_lines(
        form: FormDef, tmp_path: Path) -> None:
    text = pdf_text(pdf(form, {}, tmp_path / "blank.pdf"))
    flat = squash(text)
    assert all(has_label(label, flat) for label in form.labels())
    signatures = [f for f in form.fields() if f.kind is Kind.SIGNATURE]
    assert text.count("Signed:") == len(signatures)
    assert "None" not in text


@FORMS
def test_workbook_holds_every_label_and_typed_value(form: FormDef, tmp_path: Path) -> None:
    values = sample_values(form)
    out = tmp_path / "form.xlsx"
    assert render_form_xlsx(form, values, out, organisation=ORG, record_id=RECORD) == out
    ws = openpyxl.load_workbook(out).active
    assert ws.title == form.title[:31]
    assert ws["A1"].value == ORG
    assert form.title in ws["A2"].value and form.reference in ws["A2"].value
    rows = {r[0].row: r for r in ws.iter_rows()}
    texts = [c.value for row in rows.values() for c in row if isinstance(c.value, str)]
    for label in form.labels():
        assert any(label in t for t in texts), f"label {label!r} missing"
    for f in form.fields():
        if f.kind is Kind.STATIC:
            assert any(f.text in t for t in texts)
            continue
        value = values[f.key]
        row = next(r for r in rows.values() if r[0].value and f.label in str(r[0].value)
                   and _matches(f, value, r))
        assert row[1].alignment.wrap_text


def _matches(f: Field, value: Any, row: tuple[Any, ...]) -> bool:
    """Whether this row holds the field's value in its proper Excel type."""
    b, c = row[1], row[2]
    if f.kind is Kind.DATE:
        return b.value == datetime.fromisoformat(value) and b.number_format == "DD/MM/YYYY"
    if f.kind is Kind.INTEGER:
        return b.value == value and isinstance(b.value, int)
    if f.kind is Kind.SIGNATURE:
        return (b.value == value["name"] and c.value == datetime.fromisoformat(value["date"])
                and c.number_format == "DD/MM/YYYY")
    if f.kind is Kind.TIME:
        return b.value is not None and b.value.strftime("%H:%M") == value
    return b.value == printed_strings(f, value)[0] if f.kind is not Kind.MULTILINE \
        else b.value == value


def test_contract_prints_unicode_names_in_embedded_dejavu(tmp_path: Path) -> None:
    values = sample_values(CONTRACT) | {"supervisee_name": "Łucja Żak",
                                        "supervisor_name": "Олена Коваленко"}
    reader = pdf(CONTRACT, values, tmp_path / "c.pdf", record_label="Łucja Żak (S1042)")
    text = pdf_text(reader)
    assert "Łucja Żak" in text and "Олена Коваленко" in text
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert fonts and not any("Helvetica" in name for name in fonts)
    for name, font in fonts.items():
        assert re.fullmatch(r"/[A-Z]{6}\+DejaVuSans(-Bold|-Oblique)?", name), name
        assert "/FontFile2" in font["/FontDescriptor"].get_object()  # embedded, not referenced


def test_every_page_has_header_and_numbered_footer(tmp_path: Path) -> None:
    reader = pdf(CONTRACT, sample_values(CONTRACT), tmp_path / "c.pdf",
                 extra_footer="Copy for the supervisee file")
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {pages}" in text
        assert f"Record {RECORD}" in text and "Printed 17/05/2024" in text
        assert "Copy for the supervisee file" in text
        assert ORG in text and "Supervision Contract (Appendix 1)" in text


def test_printed_date_defaults_to_today(tmp_path: Path) -> None:
    reader = pdf(CONTRACT, {}, tmp_path / "c.pdf", printed_on=None)
    assert f"Printed {date.today():%d/%m/%Y}" in reader.pages[0].extract_text()


def test_long_additions_run_over_several_pages(tmp_path: Path) -> None:
    short = len(pdf(CONTRACT, sample_values(CONTRACT), tmp_path / "short.pdf").pages)
    lines = [f"Addition {i:03d}: an agreed arrangement for this supervisee." for i in range(300)]
    values = sample_values(CONTRACT) | {"additions": "\n".join(lines),
                                        "disagreement_process": "long " * 3000}
    reader = pdf(CONTRACT, values, tmp_path / "long.pdf")
    pages = len(reader.pages)
    assert pages >= short + 4
    flat = squash(pdf_text(reader))
    assert all(squash(line) in flat for line in lines)
    assert f"Page {pages} of {pages}" in reader.pages[-1].extract_text()


def test_markup_characters_print_literally(tmp_path: Path) -> None:
    values = sample_values(CONTRACT) | {"venue": "Room <b>4</b> & Co", "additions": "a < b > c"}
    text = pdf_text(pdf(CONTRACT, values, tmp_path / "c.pdf"))
    assert "Room <b>4</b> & Co" in text and "a < b > c" in text


def test_workbook_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    out = tmp_path / "c.xlsx"
    values = sample_values(CONTRACT) | {"venue": '=HYPERLINK("http://evil","x")'}
    render_form_xlsx(CONTRACT, values, out, organisation=ORG, record_id=RECORD)
    cells = [c for row in openpyxl.load_workbook(out).active.iter_rows() for c in row]
    venue = next(c for c in cells if c.value == values["venue"])
    assert venue.data_type == "s"


def test_workbook_sheet_title_is_legal(tmp_path: Path) -> None:
    form = FormDef("long", "Review/Audit: a very long title [draft] for testing", "Appendix 9",
                   (Section("s", "Only", (Field("x", "X"),)),))
    out = tmp_path / "f.xlsx"
    render_form_xlsx(form, {"x": "y"}, out, organisation=ORG, record_id=RECORD)
    title = openpyxl.load_workbook(out).active.title
    assert len(title) <= 31 and not set(title) & set("[]:*?/\\")


def test_atomic_output_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert no_leftovers(tmp_path) == []
    with atomic_output(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new" and no_leftovers(tmp_path) == []


def test_atomic_output_failure_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    with pytest.raises(ValueError), atomic_output(target):
        raise ValueError("render failed")
    assert list(tmp_path.iterdir()) == []


def test_atomic_output_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(SupervisionAuditError, match="Could not save out.pdf in .*not-a-folder"):
        with atomic_output(blocker / "out.pdf"):
            pytest.fail("the block must not run")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write anywhere")
def test_atomic_output_read_only_folder_is_a_user_error(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(SupervisionAuditError, match="permission"):
            render_form_pdf(CONTRACT, {}, folder / "c.pdf", organisation=ORG, record_id=RECORD)
    finally:
        folder.chmod(0o700)


def test_atomic_output_disk_full_is_a_user_error(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    with pytest.raises(SupervisionAuditError, match="disk is full") as caught:
        with atomic_output(target):
            raise OSError(errno.ENOSPC, "No space left on device")
    assert isinstance(caught.value.__cause__, OSError)
    assert list(tmp_path.iterdir()) == []


def test_renderers_raise_user_error_for_unwritable_target(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(SupervisionAuditError):
        render_form_pdf(CONTRACT, {}, blocker / "c.pdf", organisation=ORG, record_id=RECORD)
    with pytest.raises(SupervisionAuditError):
        render_form_xlsx(CONTRACT, {}, blocker / "c.xlsx", organisation=ORG, record_id=RECORD)


def test_failed_render_keeps_the_previous_file(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "c.pdf"
    out.write_bytes(b"previous copy")

    def broken_build(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("layout failed")

    monkeypatch.setattr("supervision_audit.exports.pdf.SimpleDocTemplate.build", broken_build)
    with pytest.raises(RuntimeError):
        render_form_pdf(CONTRACT, sample_values(CONTRACT), out, organisation=ORG,
                        record_id=RECORD)
    assert out.read_bytes() == b"previous copy"
    assert no_leftovers(tmp_path) == []


def test_permission_denied_is_a_user_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(path: Any, mode: str = "r") -> Any:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr("supervision_audit.exports.atomic.open", denied, raising=False)
    with pytest.raises(SupervisionAuditError, match="permission to write"):
        render_form_xlsx(CONTRACT, {}, tmp_path / "c.xlsx", organisation=ORG, record_id=RECORD)
    assert list(tmp_path.iterdir()) == []


def test_target_held_open_elsewhere_is_a_user_error(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "c.pdf"
    out.write_bytes(b"open in a viewer")

    def locked(src: Any, dst: Any) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(src), None, str(dst))

    monkeypatch.setattr("supervision_audit.exports.atomic.os.replace", locked)
    with pytest.raises(SupervisionAuditError, match="open in another program"):
        render_form_pdf(CONTRACT, {}, out, organisation=ORG, record_id=RECORD)
    assert out.read_bytes() == b"open in a viewer" and no_leftovers(tmp_path) == []


def test_long_content_starts_under_its_heading(tmp_path: Path) -> None:
    intro = Field("intro", "", Kind.STATIC, text="Standard wording. " * 150)
    notes = Field("notes", "Notes", Kind.MULTILINE)
    form = FormDef("t", "Test Form", "Appendix 0", (Section("a", "First", (intro,)),
                                                   Section("b", "Second", (notes,))))
    lines = [f"Note {i:03d}" for i in range(200)]
    reader = pdf(form, {"notes": "\n".join(lines)}, tmp_path / "t.pdf")
    first = reader.pages[0].extract_text()
    assert "Second" in first and "Note 000" in first  # not pushed overleaf, nor orphaned
    assert "Note 199" in reader.pages[-1].extract_text() and len(reader.pages) >= 4
