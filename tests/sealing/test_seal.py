"""Sealing exported PDFs (PAdES B-B) and verifying them, including tampered and foreign files."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from sealing_helpers import ORG, PASSPHRASE, RECORD_TEXT, make_p12

from supervision_audit.errors import SupervisionAuditError
from supervision_audit.sealing.certificate import WrongPassphraseError, load_certificate
from supervision_audit.sealing.seal import seal_pdf, verify_pdf


@pytest.fixture
def org_cert(seal_p12: Path):
    return load_certificate(seal_p12, PASSPHRASE)


def pyhanko_status(data: bytes):
    """What pyHanko alone says about the (first) signature in ``data``."""
    sig = PdfFileReader(BytesIO(data)).embedded_regular_signatures[0]
    return validate_pdf_signature(sig, ValidationContext(trust_roots=[]))


def assert_not_intact(report) -> None:
    assert report.sealed
    assert not report.intact
    assert not report.trusted
    assert report.summary.startswith("NOT intact: the file was changed after it was sealed")


def test_sealed_record_is_intact_and_trusted(sealed_pdf: Path, org_cert) -> None:
    before = datetime.now(UTC)
    report = verify_pdf(sealed_pdf, [org_cert])
    assert report.sealed and report.intact and report.covers_whole_file and report.trusted
    assert report.signer == ORG
    assert report.signed_at is not None
    assert before - timedelta(minutes=2) <= report.signed_at <= before + timedelta(seconds=5)
    assert report.summary == (
        f"Sealed by {ORG} on {report.signed_at.astimezone():%d/%m/%Y %H:%M}; intact."
    )
    # PAdES B-B in an invisible field named Seal, added as an update to the original file.
    sig = PdfFileReader(BytesIO(sealed_pdf.read_bytes())).embedded_regular_signatures[0]
    assert sig.field_name == "Seal"
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert [float(x) for x in sig.sig_field["/Rect"]] == [0, 0, 0, 0]
    assert RECORD_TEXT in sealed_pdf.read_bytes()


def test_seal_is_intact_but_untrusted_without_the_organisation_certificate(
    sealed_pdf: Path, tmp_path: Path
) -> None:
    stranger = load_certificate(make_p12(tmp_path / "other.p12", PASSPHRASE), PASSPHRASE)
    for trust in (None, [], [stranger]):
        report = verify_pdf(sealed_pdf, trust)
        assert report.sealed and report.intact and report.covers_whole_file
        assert not report.trusted
        assert not report.genuine
        assert ("NOT the organisation's seal" if trust else
                "NOT shown to be the organisation's seal") in report.summary


def test_flipped_byte_in_signed_content_is_not_intact(sealed_pdf: Path, org_cert) -> None:
    data = sealed_pdf.read_bytes()
    at = data.index(RECORD_TEXT) + len(RECORD_TEXT) - 3  # the "k" of "Worker"
    sig = PdfFileReader(BytesIO(data)).embedded_regular_signatures[0]
    assert at < sig.byte_range[1]  # inside the signed bytes, before the signature's /Contents
    tampered = data[:at] + b"l" + data[at + 1 :]
    assert len(tampered) == len(data) and b"Pat Worler" in tampered
    sealed_pdf.write_bytes(tampered)

    report = verify_pdf(sealed_pdf, [org_cert])
    assert_not_intact(report)
    assert report.summary == "NOT intact: the file was changed after it was sealed."
    assert report.covers_whole_file  # same length: only the hash gives it away


@pytest.mark.parametrize("kind", ["garbage", "trailer copy"])
def test_bytes_appended_after_the_seal_are_not_intact(
    sealed_pdf: Path, org_cert, kind: str
) -> None:
    data = sealed_pdf.read_bytes()
    extra = b"\n%garbage\n" if kind == "garbage" else data[data.rindex(b"trailer") :]
    sealed_pdf.write_bytes(data + extra)

    # pyHanko on its own calls this signature intact and valid, only with lesser coverage.
    status = pyhanko_status(data + extra)
    assert status.intact and status.valid
    assert status.coverage != SignatureCoverageLevel.ENTIRE_FILE

    report = verify_pdf(sealed_pdf, [org_cert])
    assert_not_intact(report)
    assert not report.covers_whole_file
    assert report.signer == ORG


def _add_text(writer: IncrementalPdfFileWriter) -> None:
    ref = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 700 Td (Amended later) Tj ET")
    )
    writer.add_stream_to_page(0, ref)


def _change_title(writer: IncrementalPdfFileWriter) -> None:
    info_ref = writer.trailer.raw_get("/Info")
    info_ref.get_object()["/Title"] = generic.TextStringObject("Altered")
    writer.mark_update(info_ref)


@pytest.mark.parametrize("change", [_add_text, _change_title], ids=["page text", "doc info"])
def test_incremental_update_after_the_seal_is_not_intact(
    sealed_pdf: Path, org_cert, change
) -> None:
    data = sealed_pdf.read_bytes()
    writer = IncrementalPdfFileWriter(BytesIO(data))
    change(writer)
    out = BytesIO()
    writer.write(out)
    updated = out.getvalue()
    assert updated.startswith(data) and len(updated) > len(data)
    sealed_pdf.write_bytes(updated)

    status = pyhanko_status(updated)
    assert status.intact and status.valid
    assert status.coverage == SignatureCoverageLevel.ENTIRE_REVISION

    report = verify_pdf(sealed_pdf, [org_cert])
    assert_not_intact(report)
    assert not report.covers_whole_file


def test_files_without_a_seal_give_a_report_not_an_error(
    tmp_path: Path, record_pdf: Path, sealed_pdf: Path
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a pdf at all")
    report = verify_pdf(text)
    assert not report.sealed and not report.intact
    assert report.summary == "This file is not a PDF, so it carries no seal."

    report = verify_pdf(record_pdf)
    assert not report.sealed and not report.intact
    assert report.summary == "This PDF is not sealed."

    report = verify_pdf(tmp_path / "missing.pdf")
    assert not report.sealed and "could not be read" in report.summary

    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    report = verify_pdf(junk)
    assert not report.sealed and not report.intact and "damaged" in report.summary

    data = sealed_pdf.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: data.index(b"/ByteRange") + 200])  # seal present, rest lost
    report = verify_pdf(cut)
    assert not report.intact and not report.trusted
    assert "damaged" in report.summary and "NOT intact" in report.summary


def test_wrong_passphrase_refuses_and_writes_nothing(
    tmp_path: Path, record_pdf: Path, seal_p12: Path
) -> None:
    out = tmp_path / "out" / "sealed.pdf"
    out.parent.mkdir()
    with pytest.raises(WrongPassphraseError, match="passphrase does not open"):
        seal_pdf(record_pdf, out, seal_p12, "not the passphrase")
    assert list(out.parent.iterdir()) == []

    out.write_bytes(b"earlier export")  # an existing file is left exactly as it was
    with pytest.raises(SupervisionAuditError):
        seal_pdf(record_pdf, out, seal_p12, "not the passphrase")
    assert out.read_bytes() == b"earlier export"
    assert [p.name for p in out.parent.iterdir()] == ["sealed.pdf"]


def test_sealing_refuses_foreign_input_and_expired_certificate(
    tmp_path: Path, record_pdf: Path, seal_p12: Path
) -> None:
    out = tmp_path / "out" / "sealed.pdf"
    out.parent.mkdir()
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(SupervisionAuditError, match="is not a PDF file"):
        seal_pdf(text, out, seal_p12, PASSPHRASE)
    with pytest.raises(SupervisionAuditError, match="not a certificate file"):
        seal_pdf(record_pdf, out, text, PASSPHRASE)
    past = datetime.now(UTC) - timedelta(days=400)
    expired = make_p12(
        tmp_path / "old.p12", PASSPHRASE, not_before=past, not_after=past + timedelta(days=30)
    )
    with pytest.raises(SupervisionAuditError, match="expired on"):
        seal_pdf(record_pdf, out, expired, PASSPHRASE)
    assert list(out.parent.iterdir()) == []


def test_reason_and_location_are_recorded(tmp_path: Path, record_pdf: Path, seal_p12: Path) -> None:
    out = seal_pdf(
        record_pdf, tmp_path / "s.pdf", seal_p12, PASSPHRASE, reason="Audit", location="Leeds"
    )
    sig = PdfFileReader(BytesIO(out.read_bytes())).embedded_regular_signatures[0]
    assert sig.sig_object["/Reason"] == "Audit"
    assert sig.sig_object["/Location"] == "Leeds"


PDFSIG = shutil.which("pdfsig")


@pytest.mark.skipif(PDFSIG is None, reason="poppler's pdfsig is not installed")
def test_poppler_pdfsig_agrees_the_seal_is_valid(sealed_pdf: Path) -> None:
    result = subprocess.run(
        [str(PDFSIG), str(sealed_pdf)], capture_output=True, text=True, timeout=60, check=False
    )
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert result.returncode == 0, result.stderr
    assert "- Signature Field Name: Seal" in lines
    assert f"- Signer Certificate Common Name: {ORG}" in lines
    assert "- Signature Type: ETSI.CAdES.detached" in lines
    assert "- Total document signed" in lines
    assert "- Signature Validation: Signature is Valid." in lines


@pytest.mark.skipif(PDFSIG is None, reason="poppler's pdfsig is not installed")
def test_poppler_pdfsig_rejects_a_flipped_byte(sealed_pdf: Path) -> None:
    data = sealed_pdf.read_bytes()
    sealed_pdf.write_bytes(data.replace(RECORD_TEXT, RECORD_TEXT.replace(b"Pat", b"Pam")))
    result = subprocess.run(
        [str(PDFSIG), str(sealed_pdf)], capture_output=True, text=True, timeout=60, check=False
    )
    assert "Signature Validation: Signature is Valid." not in result.stdout
    assert "Signature Validation:" in result.stdout
