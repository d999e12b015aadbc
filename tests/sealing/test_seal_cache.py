"""Sealing keeps the opened certificate between seals, but never past a change to the file or
with another passphrase; it signs once per seal; checking a seal without the organisation's
certificate says so in the report, not as a pyHanko traceback on stderr."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sealing_helpers import ORG, PASSPHRASE, make_p12

from supervision_audit.sealing import certificate, seal, signer
from supervision_audit.sealing.certificate import WrongPassphraseError, load_certificate
from supervision_audit.sealing.seal import seal_pdf, verify_pdf


@pytest.fixture
def p12(tmp_path: Path, seal_p12: Path) -> Path:
    """A copy of the organisation's seal of this test's own (so at a path not yet opened)."""
    copy = tmp_path / "cert" / "seal.p12"
    copy.parent.mkdir()
    shutil.copyfile(seal_p12, copy)
    return copy


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every time a PKCS#12 file is actually decrypted, its path."""
    calls: list[Path] = []
    real = certificate._open_pkcs12

    def counting(path: Path, data: bytes, passphrase: str):  # type: ignore[no-untyped-def]
        calls.append(path)
        return real(path, data, passphrase)

    monkeypatch.setattr(certificate, "_open_pkcs12", counting)
    return calls


def _intact_by(pdf: Path, who: str) -> None:
    report = verify_pdf(pdf)
    assert report.intact and report.covers_whole_file, report.summary
    assert report.signer == who


def test_the_certificate_is_opened_once_and_each_seal_signs_once(
    tmp_path: Path, record_pdf: Path, p12: Path, opened: list[Path],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    signatures: list[int] = []
    real_sign = signer.KeptKeySigner.sign_raw

    def counting(self, data: bytes, digest_algorithm: str) -> bytes:  # type: ignore[no-untyped-def]
        signatures.append(len(data))
        return real_sign(self, data, digest_algorithm)

    monkeypatch.setattr(signer.KeptKeySigner, "sign_raw", counting)
    for n in range(3):
        _intact_by(seal_pdf(record_pdf, tmp_path / f"s{n}.pdf", p12, PASSPHRASE), ORG)
    assert opened == [p12]
    assert len(signatures) == 3  # no trial signature to size the reserved space
    assert load_certificate(p12, PASSPHRASE).subject == \
        load_certificate(p12, PASSPHRASE).subject and opened == [p12]


def test_a_certificate_file_touched_or_replaced_is_opened_again(
    tmp_path: Path, record_pdf: Path, p12: Path, opened: list[Path]
) -> None:
    seal_pdf(record_pdf, tmp_path / "a.pdf", p12, PASSPHRASE)
    stamp = p12.stat().st_mtime_ns
    os.utime(p12, ns=(stamp + 5_000_000_000, stamp + 5_000_000_000))  # same bytes, new mtime
    _intact_by(seal_pdf(record_pdf, tmp_path / "b.pdf", p12, PASSPHRASE), ORG)
    assert opened == [p12, p12]

    make_p12(p12, PASSPHRASE, name="Elsewhere Council")  # another certificate, same place
    os.utime(p12, ns=(stamp + 9_000_000_000, stamp + 9_000_000_000))
    _intact_by(seal_pdf(record_pdf, tmp_path / "c.pdf", p12, PASSPHRASE), "Elsewhere Council")
    assert len(opened) == 3


def test_another_passphrase_is_never_answered_from_the_kept_certificate(
    tmp_path: Path, record_pdf: Path, p12: Path, opened: list[Path]
) -> None:
    seal_pdf(record_pdf, tmp_path / "a.pdf", p12, PASSPHRASE)
    for _ in range(2):  # a wrong passphrase fails every time; nothing is written
        with pytest.raises(WrongPassphraseError):
            seal_pdf(record_pdf, tmp_path / "b.pdf", p12, PASSPHRASE + "!")
        with pytest.raises(WrongPassphraseError):
            load_certificate(p12, "not the passphrase")
    assert not (tmp_path / "b.pdf").exists()
    assert len(opened) == 5

    # the file re-protected with a new passphrase: the old one no longer opens it
    make_p12(p12, "a new passphrase", name="Elsewhere Council")
    with pytest.raises(WrongPassphraseError):
        seal_pdf(record_pdf, tmp_path / "c.pdf", p12, PASSPHRASE)
    _intact_by(seal_pdf(record_pdf, tmp_path / "d.pdf", p12, "a new passphrase"),
               "Elsewhere Council")


def test_a_short_reserve_falls_back_to_pyhankos_estimate(
    tmp_path: Path, record_pdf: Path, p12: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signer, "reserve_for", lambda *_args: 256)
    _intact_by(seal_pdf(record_pdf, tmp_path / "s.pdf", p12, PASSPHRASE), ORG)


def test_the_reserve_fits_our_seal_with_room(seal_p12: Path) -> None:
    key, cert = certificate.open_pkcs12(seal_p12, PASSPHRASE)
    assert cert is not None
    assert signer.reserve_for(cert, ()) == signer.MIN_RESERVED


def test_checking_without_the_organisation_certificate_logs_no_traceback(
    sealed_pdf: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        report = verify_pdf(sealed_pdf)
    assert report.sealed and report.intact and report.covers_whole_file
    assert not report.trusted and "NOT shown to be the organisation's seal" in report.summary
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert loud == []
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.name.startswith("pyhanko")]
    # what pyHanko said is still there for whoever debugs this module
    assert any(r.name == "supervision_audit.sealing.seal" and "self-signed" in r.getMessage()
               for r in caplog.records)

    # pyHanko outside our checks is left alone
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        logging.getLogger("pyhanko.sign.validation.generic_cms").warning("elsewhere")
    assert [r.getMessage() for r in caplog.records] == ["elsewhere"]


def test_only_the_check_itself_is_quiet(sealed_pdf: Path, caplog: pytest.LogCaptureFixture,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    real = seal._verify
    pyhanko = logging.getLogger("pyhanko.sign.validation.generic_cms")

    def noisy(data: bytes, anchors: list[object]):  # type: ignore[no-untyped-def]
        other = threading.Thread(target=lambda: pyhanko.warning("another thread"))
        other.start()
        other.join()
        pyhanko.warning("during the check")
        return real(data, anchors)

    monkeypatch.setattr(seal, "_verify", noisy)
    with caplog.at_level(logging.WARNING):
        assert verify_pdf(sealed_pdf).intact
    assert [r.getMessage() for r in caplog.records] == ["another thread"]


def test_the_verify_command_prints_no_traceback_on_stderr(sealed_pdf: Path) -> None:
    """Without logging set up (as the command line runs), Python prints warnings on stderr."""
    script = ("import sys; from supervision_audit.sealing.seal import verify_pdf; "
              "r = verify_pdf(sys.argv[1]); print(r.intact, r.trusted)")
    result = subprocess.run([sys.executable, "-c", script, str(sealed_pdf)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]
    assert result.stderr == ""
