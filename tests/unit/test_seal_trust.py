"""Whose seal it is: verify accepts only the organisation's own certificate (not a stranger's
with the same name), works without the store given the organisation's certificate, and
each store has its own seal (setting up another store's does not break this one's)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from supervision_audit.cli import main
from supervision_audit.sealing.certificate import create_self_signed
from supervision_audit.sealing.seal import seal_pdf
from tests.seal_helpers import ORG, PASSWORD, SEAL_PASSPHRASE, USER, small_store


@pytest.fixture
def demo(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", USER)
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", PASSWORD)
    return small_store(tmp_path / "org.sqlite")[0]


def _export_record(db: Path, out: Path, capsys) -> int:
    from supervision_audit.db import open_store
    from supervision_audit.models import SupervisionRecord

    store = open_store(db)
    with store.read() as s:
        record_id = s.exec(select(SupervisionRecord.id)).first()
    store.close()
    capsys.readouterr()
    return main(["--db", str(db), "export-record", "--id", str(record_id), "--out", str(out)])


def test_a_strangers_certificate_with_the_organisations_name_is_refused(
        demo, tmp_path, capsys) -> None:
    genuine = tmp_path / "record.pdf"
    assert _export_record(demo, genuine, capsys) == 0
    capsys.readouterr()
    stranger = create_self_signed(tmp_path / "stranger", ORG, "stranger passphrase")
    forged = seal_pdf(_unsealed_copy(genuine, tmp_path), tmp_path / "forged.pdf", stranger,
                      "stranger passphrase")
    assert main(["--db", str(demo), "verify", str(forged)]) == 1
    out = capsys.readouterr().out
    assert "NOT the organisation's seal" in out and ORG in out
    assert "the organisation's own certificate: NO" in out
    assert main(["--db", str(demo), "verify", str(genuine)]) == 0
    assert "the organisation's own certificate: yes" in capsys.readouterr().out


def _unsealed_copy(sealed: Path, folder: Path) -> Path:
    """The record's PDF as it was before its seal (the stranger seals that)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(sealed).pages:
        writer.add_page(page)
    out = folder / "unsealed.pdf"
    with out.open("wb") as fh:
        writer.write(fh)
    return out


def test_verify_without_the_store_given_the_organisations_certificate(
        demo, tmp_path, capsys, monkeypatch) -> None:
    genuine = tmp_path / "record.pdf"
    assert _export_record(demo, genuine, capsys) == 0
    pem = tmp_path / "org.pem"
    assert main(["--db", str(demo), "certificate", "--export-pem", str(pem)]) == 0
    assert pem.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert "PRIVATE KEY" not in pem.read_text()
    capsys.readouterr()
    monkeypatch.delenv("SUPERVISION_AUDIT_USER")
    monkeypatch.delenv("SUPERVISION_AUDIT_PASSWORD")
    elsewhere = tmp_path / "no-store-here.sqlite"  # an inspector's machine: no store
    assert main(["--db", str(elsewhere), "verify", "--trust", str(pem), str(genuine)]) == 0
    assert f"Sealed by {ORG}" in capsys.readouterr().out
    assert not elsewhere.exists()
    # without the certificate nothing shows whose seal it is
    assert main(["--db", str(elsewhere), "verify", str(genuine)]) == 1
    assert "--trust ORG.pem" in capsys.readouterr().out
    # and a stranger's seal fails against the organisation's certificate
    stranger = create_self_signed(tmp_path / "stranger", ORG, "stranger passphrase")
    forged = seal_pdf(_unsealed_copy(genuine, tmp_path), tmp_path / "forged.pdf", stranger,
                      "stranger passphrase")
    assert main(["--db", str(elsewhere), "verify", "--trust", str(pem), str(forged)]) == 1
    assert "NOT the organisation's seal" in capsys.readouterr().out


def test_verify_refuses_a_trust_file_that_is_not_a_certificate(tmp_path, capsys) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    assert main(["--db", str(tmp_path / "none.sqlite"), "verify", "--trust", str(junk),
                 str(pdf)]) == 1
    assert "junk.pem is not a certificate" in capsys.readouterr().err


def test_each_store_has_its_own_seal(demo, tmp_path, capsys) -> None:
    first = tmp_path / "a.pdf"
    assert _export_record(demo, first, capsys) == 0
    (tmp_path / "other").mkdir()
    small_store(tmp_path / "other" / "org.sqlite")  # store B, its own seal, same OS user
    second = tmp_path / "b.pdf"
    assert _export_record(demo, second, capsys) == 0  # store A still seals, as itself
    capsys.readouterr()
    assert main(["--db", str(demo), "verify", str(first)]) == 0
    assert main(["--db", str(demo), "verify", str(second)]) == 0
    assert main(["--db", str(tmp_path / "other" / "org.sqlite"), "verify",
                 str(second)]) == 1  # B does not take A's seal for its own
    assert "NOT the organisation's seal" in capsys.readouterr().out


def test_a_failed_seal_leaves_nothing_at_out(demo, tmp_path, capsys) -> None:
    from supervision_audit.db import open_store
    from supervision_audit.services.seal_setup import PASSPHRASE_KEY
    from supervision_audit.services.settings import put_setting

    store = open_store(demo)
    with store.write() as s:  # the seal's passphrase no longer opens it
        put_setting(s, PASSPHRASE_KEY, "not the passphrase at all")
    store.close()
    out = tmp_path / "record.pdf"
    assert _export_record(demo, out, capsys) == 1
    assert "passphrase does not open" in capsys.readouterr().err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_store_set_up_by_an_earlier_version_keeps_its_shared_seal(tmp_path, capsys,
                                                                     monkeypatch) -> None:
    """An earlier version kept one seal.p12 in the user data directory: a store whose
    passphrase opens it keeps sealing with it, and takes its own copy in."""
    from supervision_audit.db import open_store
    from supervision_audit.services.seal_setup import (
        PASSPHRASE_KEY,
        SEAL_KEY,
        legacy_certificate_file,
    )
    from supervision_audit.services.settings import get_setting, put_setting

    monkeypatch.setenv("SUPERVISION_AUDIT_USER", USER)
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", PASSWORD)
    db = small_store(tmp_path / "old.sqlite", seal=False)[0]
    store = open_store(db)
    with store.write() as s:
        put_setting(s, PASSPHRASE_KEY, SEAL_PASSPHRASE)
    store.close()
    create_self_signed(legacy_certificate_file().parent, ORG, SEAL_PASSPHRASE)
    out = tmp_path / "record.pdf"
    assert _export_record(db, out, capsys) == 0
    assert "(sealed)" in capsys.readouterr().out
    store = open_store(db)
    with store.read() as s:
        assert get_setting(s, SEAL_KEY)
    store.close()
