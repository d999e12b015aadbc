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
from supervision_audit.forms import (
    ALL_FORMS,
    AUDIT,
    CONTRACT,
    GROUP,
    INDIVIDUAL,
    MANAGER,
    Field,
    FormDef,
    Kind,
    Section,
    validate,
)

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
    if f.kind is Kind.TAGS:
        return [f"\u2612 {f.choice_label(v)}" for v in value]
    if f.kind is Kind.TABLE:
        return [text for row in value for c in f.columns
                for text in printed_strings(c, row[c.key])]
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
    assert has_label(form.title.upper(), flat) and form.reference in text
    assert ORG.upper() in text
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
    assert ws.title == form.title[:31].strip()
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
        if f.kind is Kind.TABLE:
            assert_table_rows(ws, f, value)
            continue
        row = next(r for r in rows.values() if r[0].value and f.label in str(r[0].value)
                   and _matches(f, value, r))
        assert row[1].alignment.wrap_text


def assert_table_rows(ws: Any, f: Field, value: list[dict[str, Any]]) -> None:
    """The field's label in column A; under it the column labels in bold from column B, then
    a row per entry with each cell in its proper Excel type."""
    width = len(f.columns)

    def heading(row: int) -> list[Any]:
        return [ws.cell(row, 2 + i) for i in range(width)]

    label_row = next(r for r in range(1, ws.max_row) if ws.cell(r, 1).value == f.label and
                     [c.value for c in heading(r + 1)] == [c.label for c in f.columns])
    assert all(c.font.bold for c in heading(label_row + 1))
    for n, entry in enumerate(value, start=2):
        for i, column in enumerate(f.columns):
            cell = ws.cell(label_row + n, 2 + i)
            assert _holds(column, entry[column.key], cell), (f.key, n - 1, column.key)
            assert cell.alignment.wrap_text


def _matches(f: Field, value: Any, row: tuple[Any, ...]) -> bool:
    """Whether this row holds the field's value in its proper Excel type."""
    b, c = row[1], row[2]
    if f.kind is Kind.SIGNATURE:
        return (b.value == value["name"] and c.value == datetime.fromisoformat(value["date"])
                and c.number_format == "DD/MM/YYYY")
    return _holds(f, value, b)


def _holds(f: Field, value: Any, b: Any) -> bool:
    """Whether this cell holds the value in its proper Excel type."""
    if f.kind is Kind.DATE:
        return b.value == datetime.fromisoformat(value) and b.number_format == "DD/MM/YYYY"
    if f.kind is Kind.INTEGER:
        return b.value == value and isinstance(b.value, int)
    if f.kind is Kind.TIME:
        return b.value is not None and b.value.strftime("%H:%M") == value
    if f.kind is Kind.TAGS:
        return b.value == "; ".join(f.choice_label(v) for v in value)
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

    monkeypatch.setattr("supervision_audit.exports.pdf._FormDoc.build", broken_build)
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


# -- tables and tags ------------------------------------------------------------------------

def action_rows(count: int) -> list[dict[str, str]]:
    return [{"action": f"Action {i:02d}: ring the school about attendance and agree a plan",
             "due": f"2024-06-{i % 28 + 1:02d}", "owner": "Søren Ølstad"} for i in range(count)]


def test_long_action_table_runs_over_pages_under_a_repeated_heading(tmp_path: Path) -> None:
    values = sample_values(INDIVIDUAL) | {"actions": action_rows(30)}
    reader = pdf(INDIVIDUAL, values, tmp_path / "many.pdf")
    heading = squash("Action Timescale By whom")
    pages_with_rows = 0
    for page in reader.pages:
        body = squash(page.extract_text().rsplit(ORG, 1)[0])
        first = re.search(r"Action(\d\d):", body)
        if first is None:
            continue
        pages_with_rows += 1
        # the heading row sits straight above the first action on every page the table is on
        assert heading + first.group(0) in body, f"no heading above action {first.group(1)}"
    assert pages_with_rows >= 2
    flat = squash(pdf_text(reader))
    places = [flat.index(squash(row["action"])) for row in values["actions"]]
    assert places == sorted(places)  # every action, in order
    assert squash("01/06/2024Søren Ølstad") in flat  # dates as dd/mm/yyyy beside their action


def test_action_longer_than_a_page_splits_inside_its_row(tmp_path: Path) -> None:
    long = " ".join(f"step{i:04d}" for i in range(2500))
    actions = [{"action": long, "due": "2024-06-01", "owner": "Søren Ølstad"},
               {"action": "Afterwards", "due": "2024-06-02", "owner": "Zoë Brontë-O'Neill"}]
    reader = pdf(INDIVIDUAL, sample_values(INDIVIDUAL) | {"actions": actions}, tmp_path / "l.pdf")
    flat = squash(pdf_text(reader))
    assert re.findall(r"step\d{4}", flat) == long.split()  # every word, once, in order
    assert "Afterwards" in flat
    spread = [n for n, page in enumerate(reader.pages) if "step" in page.extract_text()]
    assert len(spread) >= 3
    for n in spread[1:]:
        assert "Timescale" in reader.pages[n].extract_text()


def test_blank_record_has_the_action_columns_and_rows_to_write_in(tmp_path: Path) -> None:
    from reportlab.platypus import Table

    from supervision_audit.exports.pdf import _grid

    text = pdf_text(pdf(INDIVIDUAL, {}, tmp_path / "blank.pdf"))
    actions = squash(text.split("9. Action required from this supervision", 1)[1])
    assert actions.startswith(squash("Actions Action Timescale By whom 10."))
    grid = [x for x in _grid(INDIVIDUAL.field("actions"), {}, "") if isinstance(x, Table)]
    assert len(grid) == 1 and len(grid[0]._cellvalues) == 1 + 3  # heading and 3 blank rows
    assert all(cell == "" for row in grid[0]._cellvalues[1:] for cell in row)


def test_blank_group_record_prints_its_action_columns(tmp_path: Path) -> None:
    flat = squash(pdf_text(pdf(GROUP, {}, tmp_path / "group.pdf")))
    assert squash("Capture Action Points Actions Action Timescale By whom Signatures") in flat


def test_readonly_table_without_rows_says_none(tmp_path: Path) -> None:
    values = sample_values(INDIVIDUAL) | {"actions_reviewed": []}
    text = pdf_text(pdf(INDIVIDUAL, values, tmp_path / "none.pdf"))
    review = text.split("Actions from earlier supervision", 1)[1].split("3. Workload", 1)[0]
    assert squash(review) == squash("Action By whom Timescale Outcome None.")
    out = tmp_path / "none.xlsx"
    render_form_xlsx(INDIVIDUAL, values, out, organisation=ORG, record_id=RECORD)
    ws = openpyxl.load_workbook(out).active
    label = next(r for r in range(1, ws.max_row) if ws.cell(r, 1).value == "Actions from "
                 "earlier supervision")
    assert ws.cell(label + 1, 2).value == "Action" and ws.cell(label + 2, 2).value == "None."


def tag_form(*fields: Field) -> FormDef:
    return FormDef("tags", "Tag Test", "Appendix 0", (Section("s", "Tags", fields),))


def test_tags_print_ticked_labels_and_sum_up_long_lists(tmp_path: Path) -> None:
    short = Field("short", "Short list", Kind.TAGS, choices=(("x", "Ex"), ("y", "Why"),
                                                             ("z", "Zed")))
    people = Field("people", "Attendees", Kind.TAGS)
    form = tag_form(short, people, INDIVIDUAL.field("kss"))
    values = {"short": ["y"], "people": ["Pat Worker", "Łucja Żak"], "kss": ["KSS3", "KSS9"]}
    text = pdf_text(pdf(form, values, tmp_path / "tags.pdf"))
    lines = [line.strip() for line in text.splitlines()]
    for expected in ("☐ Ex", "☒ Why", "☐ Zed", "☒ Pat Worker", "☒ Łucja Żak",
                     "☒ KSS 3 Child development", "☒ KSS 9 The role of supervision",
                     "(8 other statements not tagged)"):
        assert expected in lines, expected
    assert "KSS 1 " not in text and "☐ KSS" not in text  # unchosen statements left out
    out = tmp_path / "tags.xlsx"
    render_form_xlsx(form, values, out, organisation=ORG, record_id=RECORD)
    cells = {r[0].value: r[1].value for r in openpyxl.load_workbook(out).active.iter_rows()}
    assert cells["Short list"] == "Why" and cells["Attendees"] == "Pat Worker; Łucja Żak"
    assert cells["Knowledge and Skills Statements"] == ("KSS 3 Child development; "
                                                        "KSS 9 The role of supervision")


def test_tags_on_a_blank_form_offer_every_choice_to_tick(tmp_path: Path) -> None:
    form = tag_form(INDIVIDUAL.field("kss"))
    text = pdf_text(pdf(form, {}, tmp_path / "blank.pdf"))
    assert text.count("☐ KSS") == 10 and "☒" not in text and "not tagged" not in text
    text = pdf_text(pdf(form, {"kss": []}, tmp_path / "none.pdf"))
    assert "(none of the 10 statements tagged)" in text and "☐" not in text


def test_table_columns_fill_the_text_width_and_keep_dates_on_one_line() -> None:
    from reportlab.pdfbase import pdfmetrics

    from supervision_audit.exports.pdf import BOLD, FONT, WIDTH, register_fonts
    from supervision_audit.exports.pdf_tables import column_widths

    register_fonts()
    for form in ALL_FORMS.values():
        for f in form.fields():
            if f.kind is not Kind.TABLE:
                continue
            widths = column_widths(f.columns, WIDTH, header_font=BOLD, header_size=8.5,
                                   body_font=FONT, body_size=9)
            assert sum(widths) == pytest.approx(WIDTH)
            for column, width in zip(f.columns, widths, strict=True):
                least = max(pdfmetrics.stringWidth(w, BOLD, 8.5) for w in column.label.split())
                if column.kind is Kind.DATE:
                    least = max(least, pdfmetrics.stringWidth("00/00/0000", FONT, 9))
                assert least + 10 < width, (f.key, column.key)  # 5pt padding either side


def test_audit_prints_appendix_7_frequency_note(tmp_path: Path) -> None:
    from supervision_audit.forms.audit import FREQUENCY_NOTE

    text = squash(pdf_text(pdf(AUDIT, {}, tmp_path / "audit.pdf")))
    assert squash(FREQUENCY_NOTE) in text
    assert squash("to a maximum of 3 audits by the Head of Service and Operations Manager") \
        in text
    # the note comes after the actions and before the auditor's signature, as on paper
    assert text.index(squash("Actions required as a result")) < \
        text.index(squash(FREQUENCY_NOTE)) < text.index("Signatures")


def test_manager_record_prints_the_statements_for_managers_tagged(tmp_path: Path) -> None:
    text = squash(pdf_text(pdf(MANAGER, {**sample_values(MANAGER), "kss": ["PS3", "PL6"]},
                               tmp_path / "manager.pdf")))
    assert squash("\u2612 PS 3 Shaping and influencing the practice system") in text
    assert squash("\u2612 PL 6 Quality assurance and improvement") in text
    assert squash("(12 other statements not tagged)") in text
    blank = squash(pdf_text(pdf(MANAGER, {}, tmp_path / "blank.pdf")))
    assert squash("\u2610 PS 1 Promote and govern excellent practice") in blank  # to tick
    assert squash("\u2610 PL 1 Lead and govern excellent practice") in blank
