"""Sealing what a laptop exports offline, against a real ``serve`` process and PostgreSQL:
the replica holds the organisation's certificate but not its key, so a record exported there
says "Not yet sealed" on every page; at the next sync the server prints the record again from
its own copy and seals it, and the sealed copy replaces the file (or, the file having moved,
is what the next export writes). The seal is checked with pyHanko against the organisation's
certificate."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from cryptography import x509
from pypdf import PdfReader

from supervision_audit.cli import main
from supervision_audit.pg.store import open_pg_store
from supervision_audit.sealing.seal import verify_pdf
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.record_export import export_record_pdf
from supervision_audit.services.records import save_draft, start_record
from supervision_audit.services.seal_setup import (
    organisation_certificate,
    seal_ready,
    set_up_seal,
    verify,
)
from supervision_audit.services.signatures import sign
from tests.pg.pg_helpers import create_database, drop_database, running_server
from tests.pg.sync_helpers import PASSWORD, Laptop, completed, seed, server_rows

MARK = "Not yet sealed"


@dataclass
class Org:
    base: str
    db: str
    ids: dict[str, uuid.UUID]
    certificate: x509.Certificate


@pytest.fixture(scope="module")
def org(pg_server: str, pg_template: str) -> Iterator[Org]:
    db = create_database(pg_server, pg_template)
    try:
        ids = seed(db)
        store = open_pg_store(db)
        try:
            with store.write() as session:
                set_up_seal(session, SYSTEM_ACTOR, "the organisation's seal passphrase")
                certificate = organisation_certificate(session)
        finally:
            store.close()
        assert certificate is not None
        with running_server(db) as (base, _process):
            yield Org(base, db, ids, certificate)
    finally:
        drop_database(db)


def page_texts(pdf: Path) -> list[str]:
    """Each page's text as pdftotext reads it."""
    pages = len(PdfReader(pdf).pages)
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for n in range(1, pages + 1)]


def signed_record(laptop: Laptop, org: Org, day: date) -> uuid.UUID:
    with laptop.writing() as (session, actor):
        record_id = completed(session, actor, org.ids["P1"], day,
                              venue="Family centre")
        sign(session, actor, "record", record_id, password=PASSWORD)
    return record_id


def export(laptop: Laptop, record_id: uuid.UUID, out: Path) -> Path:
    with laptop.writing() as (session, actor):
        return export_record_pdf(session, actor, record_id, out)


def test_an_export_offline_says_not_yet_sealed_on_every_page_and_is_sealed_at_sync(
        org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    mia = Laptop(tmp_path / "mia.sqlite", "mia", org.base)
    mia.create()
    with mia.reading() as (session, _actor):  # the certificate came down, the key did not
        assert not seal_ready(session)
        held = organisation_certificate(session)
    assert held is not None and held.fingerprint(held.signature_hash_algorithm) == \
        org.certificate.fingerprint(org.certificate.signature_hash_algorithm)
    record_id = signed_record(mia, org, date(2025, 3, 3))
    out = export(mia, record_id, tmp_path / "record.pdf")
    offline = page_texts(out)
    assert len(offline) >= 2  # a record long enough to need more than one page
    assert all(MARK in page for page in offline)
    with mia.reading() as (session, _actor):
        assert not verify(session, out).sealed
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "mia")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", PASSWORD)
    assert main(["--db", str(mia.path), "sync", "--status"]) == 0
    assert "exports waiting to be sealed by the server: 1" in capsys.readouterr().out

    report = mia.sync()
    assert (report.sealed, report.sealed_kept, report.not_sealed) == (1, 0, [])
    assert any("sealed by the server: 1 export(s)" in line for line in report.lines())
    sealed = page_texts(out)  # the same file, replaced where it was put
    assert not any(MARK in page for page in sealed)
    assert "Mia Manager" in sealed[0] and "Pat Worker, 03/03/2025" in sealed[-1]
    checked = verify_pdf(out, trust=[org.certificate])  # pyHanko, the organisation's cert
    assert checked.genuine, checked.summary
    with mia.reading() as (session, _actor):  # and on the laptop, by the certificate it holds
        assert verify(session, out).genuine
    assert main(["--db", str(mia.path), "verify", str(out)]) == 0
    assert "sealed by:" in capsys.readouterr().out
    # the server sealed it as mia, and says so in the organisation's log
    assert server_rows(org.db, "SELECT 1 FROM event_log WHERE action = 'record.export' AND "
                               "actor_username = 'mia' AND detail LIKE %s",
                       "%(sealed)%")


def test_a_sealed_copy_waits_for_the_next_export_when_the_file_has_moved(
        org: Org, tmp_path: Path) -> None:
    mia = Laptop(tmp_path / "mia.sqlite", "mia", org.base)
    mia.create()
    record_id = signed_record(mia, org, date(2025, 4, 7))
    out = export(mia, record_id, tmp_path / "record.pdf")
    moved = out.rename(tmp_path / "sent to Pat.pdf")
    report = mia.sync()
    assert (report.sealed, report.sealed_kept) == (0, 1)
    assert all(MARK in page for page in page_texts(moved))  # the moved file is not touched
    again = export(mia, record_id, tmp_path / "again.pdf")
    assert not any(MARK in page for page in page_texts(again))
    assert verify_pdf(again, trust=[org.certificate]).genuine


def test_a_draft_changed_after_its_export_is_not_sealed_and_keeps_its_mark(
        org: Org, tmp_path: Path) -> None:
    mia = Laptop(tmp_path / "mia.sqlite", "mia", org.base)
    mia.create()
    with mia.writing() as (session, actor):
        record = start_record(session, actor, form_key="individual", held_on=date(2025, 5, 5),
                              supervisee_uuid=org.ids["P1"])
    out = export(mia, record.id, tmp_path / "draft.pdf")
    pages = page_texts(out)
    assert all(MARK in page for page in pages)  # unsigned: in the footer of every page
    with mia.writing() as (session, actor):  # corrected after it was exported
        save_draft(session, actor, record.id, {**record.values, "venue": "Oldbury office"})
    report = mia.sync()
    assert report.sealed == report.sealed_kept == 0
    assert report.not_sealed == ["draft.pdf was not sealed: The record has changed since it was "
                                 "exported (signed or corrected meanwhile): export it again."]
    assert page_texts(out) == pages and not verify_pdf(out).sealed
    assert mia.sync().not_sealed == []  # said once; exporting again makes a new one
