"""Exported records sealed with the organisation's certificate, and checked."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from supervision_audit.cli import main
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.seal_setup import set_up_seal, verify

PASS = "organisation seal passphrase"


@pytest.fixture
def demo(tmp_path, monkeypatch):
    from supervision_audit.demo import create_demo

    opened, _ = create_demo(tmp_path / "demo.sqlite", encrypted=False)
    with opened.store.write() as s:
        set_up_seal(s, SYS, PASS)
    opened.store.close()
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "rachel")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", "supervision-demo")
    return tmp_path / "demo.sqlite"


def test_exported_contract_is_sealed_and_verifies(demo, tmp_path, capsys) -> None:
    out = tmp_path / "contract.pdf"
    assert main(["--db", str(demo), "export-contract", "--staff", "P101", "--out",
                 str(out)]) == 0
    assert "sealed" in capsys.readouterr().out
    assert main(["--db", str(demo), "verify", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "intact" in printed and "Riverside Children's Trust" in printed
    data = bytearray(out.read_bytes())
    data[len(data) // 3] ^= 0x01
    (tmp_path / "tampered.pdf").write_bytes(bytes(data))
    assert main(["--db", str(demo), "verify", str(tmp_path / "tampered.pdf")]) == 1
    assert "NOT intact" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler's pdfsig is not installed")
def test_pdfsig_agrees_the_exported_record_seal_is_valid(demo, tmp_path, capsys) -> None:
    assert main(["--db", str(demo), "list-records", "--staff", "P101", "--json"]) == 0
    import json

    record_id = json.loads(capsys.readouterr().out)[0]["id"]
    out = tmp_path / "record.pdf"
    assert main(["--db", str(demo), "export-record", "--id", record_id, "--out", str(out)]) == 0
    result = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True, timeout=60)
    assert "Signature is Valid" in result.stdout
    assert "Total document signed" in result.stdout


def test_verify_a_file_that_is_not_a_pdf(demo, tmp_path, capsys) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_text("hello")
    assert main(["--db", str(demo), "verify", str(junk)]) == 1
    assert capsys.readouterr().out.strip()


def test_verify_in_the_store_trusts_the_organisation_certificate(demo, tmp_path) -> None:
    from supervision_audit.db import open_store
    from supervision_audit.services.record_export import export_monitoring_pdf
    from supervision_audit.services.staff import get_by_staff_id

    store = open_store(demo)
    with store.write() as s:
        out = export_monitoring_pdf(s, SYS, get_by_staff_id(s, "P101").id, tmp_path / "m.pdf")
        report = verify(s, out)
    store.close()
    assert report.sealed and report.intact and report.trusted and report.covers_whole_file
