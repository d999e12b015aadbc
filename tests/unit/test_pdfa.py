"""Every exported PDF is PDF/A-2b (XMP, sRGB output intent, every font embedded, document
ID, no encryption), read back rule by rule (tests/pdfa_checks.py), and stays so once the
organisation's seal is added, which still validates over it."""

from __future__ import annotations

import io
import shutil
import subprocess
import time
from datetime import date, datetime

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from supervision_audit.demo import acting_as
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.exports.pdf import render_form_pdf
from supervision_audit.exports.pdf_canvas import NumberedCanvas
from supervision_audit.exports.pdfa import icc_profile_path
from supervision_audit.exports.signature_strip import Seal, SignatureLine
from supervision_audit.forms import INDIVIDUAL
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import Actor
from supervision_audit.services.audit_outputs import export_whole_file
from supervision_audit.services.record_export import export_record_pdf
from supervision_audit.services.seal_setup import set_up_seal, verify
from supervision_audit.services.signatures import sign
from supervision_audit.services.staff import get_staff
from supervision_audit.services.subject_access import export_subject_access
from tests.pdfa_checks import (
    all_font_names,
    font_problems,
    metadata_problems,
    output_intent_problems,
    pdfa_problems,
    signature_problems,
    stream_layout_problems,
    structure_problems,
    xmp_properties,
)
from tests.record_helpers import completed_record, signed_contract, signed_record


def _drawn_signature() -> bytes:
    """A drawn signature as the signature pad saves it: ink on a transparent background."""
    image = Image.new("RGBA", (240, 80), (0, 0, 0, 0))
    for x in range(20, 220):
        image.putpixel((x, 40 + (x % 17) - 8), (10, 10, 60, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def lucja(store, people) -> object:
    """Łucja Żak's file: a signed contract, a record both signed (she with a drawn
    signature) and a draft; the organisation's seal set up."""
    with store.write() as s:
        person = get_staff(s, people["P2"])
        signed_contract(s, person.id, "2024-03-05", "Sam Head")
        record = completed_record(s, person, date(2025, 2, 3), welcome="Zoë & <Kasia>")
        sign(s, acting_as(s, person.supervisor_id), "record", record.id, password=None)
        sign(s, acting_as(s, person.id), "record", record.id, password=None,
             image_png=_drawn_signature())
        signed_record(s, "P2", date(2025, 3, 3))
        set_up_seal(s, SYS, "organisation seal passphrase")
    return record.id


def test_a_sealed_record_is_pdfa_2b_and_its_seal_validates(store, people, lucja,
                                                            tmp_path) -> None:
    with store.write() as s:
        sealed = export_record_pdf(s, SYS, lucja, tmp_path / "sealed.pdf")
        unsealed = export_record_pdf(s, SYS, lucja, tmp_path / "copy.pdf", seal=False)
        report = verify(s, sealed)
    assert report.genuine, report.summary
    for path in (unsealed, sealed):
        reader = PdfReader(path)
        assert xmp_properties(reader)["pdfaid:part"] == "2"
        assert xmp_properties(reader)["pdfaid:conformance"] == "B"
        intent = reader.trailer["/Root"]["/OutputIntents"][0].get_object()
        assert intent["/S"] == "/GTS_PDFA1"
        assert intent["/DestOutputProfile"].get_object().get_data() == \
            icc_profile_path().read_bytes()
        problems, fonts = font_problems(reader)
        assert problems == []
        assert {name.split("+")[1] for name in fonts} == {
            "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"}
        assert "/Encrypt" not in reader.trailer and len(reader.trailer["/ID"]) == 2
        assert metadata_problems(reader) == []
        assert output_intent_problems(reader) == []
        assert structure_problems(reader, path.read_bytes()) == []
        assert stream_layout_problems(reader, path.read_bytes()) == []
        assert reader.trailer["/Root"]["/Lang"] == "en-GB"
        # nowhere in the file, the seal's form included, a font that is not embedded
        assert all_font_names(reader) == fonts
    assert signature_problems(PdfReader(sealed), sealed.read_bytes()) == []
    assert "/AcroForm" in PdfReader(sealed).trailer["/Root"]  # the check saw the seal
    # the drawn signature (with its transparent background) is on the page
    images = [x for page in PdfReader(sealed).pages for x in page.images]
    assert images


def test_sealing_keeps_the_metadata_in_step(store, people, lucja, tmp_path) -> None:
    """The seal's incremental update changes the producer and modification date; the
    information dictionary and the XMP must still say the same (PDF/A-2 6.6.2)."""
    with store.write() as s:
        sealed = export_record_pdf(s, SYS, lucja, tmp_path / "sealed.pdf")
    reader = PdfReader(sealed)
    info, props = reader.trailer["/Info"].get_object(), xmp_properties(reader)
    assert info["/Producer"] == props["pdf:Producer"]
    assert "/ModDate" not in info
    assert props["pdfaid:part"] == "2"
    assert datetime.fromisoformat(props["xmp:ModifyDate"]) >= \
        datetime.fromisoformat(props["xmp:CreateDate"])
    assert info["/Title"] == props["dc:title"]
    assert metadata_problems(reader) == []


def test_the_whole_file_and_subject_access_pdf_are_pdfa_2b(store, people, lucja,
                                                            tmp_path) -> None:
    with store.write() as s:
        whole = export_whole_file(s, SYS, people["P2"], tmp_path / "file.pdf")
        report = verify(s, whole)
        subject = export_subject_access(s, SYS, "P2", tmp_path / "sar")[1]
    assert report.genuine, report.summary
    assert pdfa_problems(whole) == []
    assert pdfa_problems(subject) == []
    assert PdfReader(whole).outline  # the bookmarks are kept


def test_every_kind_of_export_is_pdfa_2b_and_sealed(store, people, lucja, tmp_path) -> None:
    """The contract, an audit, the ASYE tracker and the monitoring sheet, each sealed."""
    from supervision_audit.services.asye_export import export_asye_pdf
    from supervision_audit.services.audit_outputs import export_audit_pdf
    from supervision_audit.services.audits import save_audit, start_audit
    from supervision_audit.services.contract_export import export_contract_pdf
    from supervision_audit.services.contracts import contract_versions
    from supervision_audit.services.record_export import export_monitoring_pdf

    with store.write() as s:
        head = get_staff(s, people["S1"])
        auditor = Actor(username="s1", staff_id=head.id, name=head.name, staff_role=head.role)
        audit = start_audit(s, auditor, people["P2"], date(2025, 6, 26))
        save_audit(s, auditor, audit.id, {**audit.values, "judgement": "good",
                                          "judgement_rationale": "Improving"}, complete=True)
        made = [
            export_contract_pdf(s, SYS, contract_versions(s, people["P2"])[0].id,
                                tmp_path / "contract.pdf"),
            export_audit_pdf(s, SYS, audit.id, tmp_path / "audit.pdf"),
            export_asye_pdf(s, SYS, people["P3"], tmp_path / "asye.pdf"),
            export_monitoring_pdf(s, SYS, people["P2"], tmp_path / "monitoring.pdf"),
        ]
        reports = [verify(s, path) for path in made]
    for path, report in zip(made, reports, strict=True):
        assert report.genuine, (path.name, report.summary)
        assert pdfa_problems(path) == [], path.name


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
def test_qpdf_finds_the_sealed_file_sound(store, people, lucja, tmp_path) -> None:
    with store.write() as s:
        sealed = export_record_pdf(s, SYS, lucja, tmp_path / "sealed.pdf")
    result = subprocess.run(["qpdf", "--check", str(sealed)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_awkward_text_and_a_changed_warning_keep_the_pdf_archival(tmp_path) -> None:
    """Markup and control characters in a name, Polish letters beyond the first font
    subset, characters the shipped font does not have (drawn as the replacement character,
    never as the empty .notdef glyph), and the red warning of a record changed after
    signing (in its own font)."""
    form = INDIVIDUAL
    seal = Seal("3", "ab" * 32, (SignatureLine("Łucja Żak 王", "Supervisee", "I agree",
                                               "03/02/2025 10:00", _drawn_signature()),),
                warning="CHANGED AFTER SIGNING: this copy is not what was signed.")
    out = render_form_pdf(form, {"welcome": "ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż " * 20 + "王小明"},
                          tmp_path / "r.pdf", organisation="Zoë & <Sons>\x07 Trust",
                          record_id="R-1", record_label="Łucja Żak \x01& <b> 王", seal=seal)
    assert pdfa_problems(out) == []
    props = xmp_properties(PdfReader(out))
    assert props["dc:creator"] == "Zoë & <Sons> Trust"
    assert props["dc:title"].endswith("Łucja Żak & <b> 王")  # the metadata keeps it
    first = PdfReader(out).pages[0].extract_text()
    assert "\ufffd\ufffd\ufffd" in first and "Łucja Żak \ufffd" in first
    # laid out as drawn: a missing character is measured as its replacement
    assert pdfmetrics.stringWidth("王a", "DejaVuSans", 10) == \
        pdfmetrics.stringWidth("\ufffda", "DejaVuSans", 10)


def test_dates_keep_a_half_hour_time_zone(tmp_path, monkeypatch) -> None:
    """The creation date in the information dictionary and in the XMP name the same moment,
    with the true offset (reportlab's own date would drop the half hour of +05:30)."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    try:
        before = datetime.now().astimezone().replace(microsecond=0)
        out = render_form_pdf(INDIVIDUAL, {}, tmp_path / "r.pdf",
                              organisation="Trust", record_id="R-1")
    finally:
        monkeypatch.undo()
        time.tzset()
    reader = PdfReader(out)
    info = reader.trailer["/Info"].get_object()
    assert info["/CreationDate"].endswith("+05'30'")
    created = datetime.fromisoformat(xmp_properties(reader)["xmp:CreateDate"])
    assert created.utcoffset().total_seconds() == 5.5 * 3600
    assert created >= before
    assert metadata_problems(reader) == []


def test_a_pdf_that_would_use_a_standard_font_is_refused(tmp_path) -> None:
    """A canvas left on reportlab's default font (Helvetica, never embedded) is not
    written: nothing reaches the page as a standard font by accident."""

    class NoChrome:
        def draw(self, canvas: object, page: int, pages: int,
                 file_page: tuple[int, int] | None = None) -> None:
            pass

    out = tmp_path / "helvetica.pdf"
    canvas = NumberedCanvas(str(out), chrome=NoChrome())
    canvas.drawString(72, 720, "Supervision record")
    canvas.showPage()
    with pytest.raises(SupervisionAuditError, match="Helvetica"):
        canvas.save()
    assert not out.exists()


def test_the_shipped_colour_profile_is_srgb_version_2() -> None:
    data = icc_profile_path().read_bytes()
    assert data[36:40] == b"acsp" and data[12:16] == b"mntr" and data[16:20] == b"RGB "
    assert data[8] == 2
    assert b"sRGB" in data
