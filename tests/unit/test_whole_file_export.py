"""The whole supervision file as one PDF: every document printed exactly as its own export
prints it (signatures, addenda, content hash, version), after an index whose page numbers
are right (also when the index itself takes two pages); progress reported, cancelling writes
nothing, the export sealed and logged."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import select

from supervision_audit.demo import acting_as
from supervision_audit.services import audit_outputs
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import Actor
from supervision_audit.services.audit_outputs import (
    ExportCancelled,
    export_audit_pdf,
    export_whole_file,
    write_whole_file,
)
from supervision_audit.services.audits import save_audit, start_audit
from supervision_audit.services.contract_export import export_contract_pdf
from supervision_audit.services.record_export import export_monitoring_pdf, export_record_pdf
from supervision_audit.services.records import records_of
from supervision_audit.services.seal_setup import set_up_seal, verify
from supervision_audit.services.signatures import add_addendum, sign
from supervision_audit.services.staff import get_staff
from tests.record_helpers import completed_record, signed_contract

RECORDS = 30  # enough for the index to take a second page
LONG = ("We talked through the week's visits, what went well and what to try next time. "
        * 40)


def _actor(s, staff_uuid: uuid.UUID) -> Actor:
    person = get_staff(s, staff_uuid)
    return Actor(username=person.staff_id.lower(), staff_id=person.id, name=person.name,
                 staff_role=person.role)


@pytest.fixture
def pat(store, people) -> uuid.UUID:
    """Pat Worker's file: a signed contract, thirty monthly records (some long; the first
    signed by both, with an addendum; the second signed by the supervisor only), an
    audit."""
    with store.write() as s:
        pat = get_staff(s, people["P1"])
        signed_contract(s, pat.id, "2024-03-05", "Sam Head")
        day = date(2024, 4, 2)
        for n in range(RECORDS):
            record = completed_record(s, pat, day,
                                      reflective=LONG if n % 7 == 0 else "A hard visit",
                                      kss=["KSS1"], welfare="Leave booked",
                                      performance="Objectives reviewed")
            if n < 2:
                sign(s, acting_as(s, pat.supervisor_id), "record", record.id, password=None)
            if n == 0:
                sign(s, acting_as(s, pat.id), "record", record.id, password=None)
                add_addendum(s, acting_as(s, pat.supervisor_id), "record", record.id,
                             reason="Wrong venue", text="The session was held in Room 2.",
                             password=None, written_on=date(2024, 4, 9))
            day += timedelta(days=28)
        head = _actor(s, people["S1"])
        audit = start_audit(s, head, pat.id, date(2026, 6, 26))
        save_audit(s, head, audit.id, {**audit.values, "judgement": "good",
                                        "judgement_rationale": "Improving"}, complete=True)
    return pat.id


FILE_PAGE = re.compile(r" · file page \d+ of \d+")


def _pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def _own_export(s, actor: Actor, part, out: Path) -> Path:
    """The document of ``part`` exported on its own, as its own export command does."""
    kind = part.form.key
    if kind == "contract":
        return export_contract_pdf(s, actor, uuid.UUID(part.record_id), out)
    if kind == "monitoring":
        return export_monitoring_pdf(s, actor, uuid.UUID(part.record_id.split()[-1]), out)
    if kind == "audit":
        return export_audit_pdf(s, actor, uuid.UUID(part.record_id), out)
    return export_record_pdf(s, actor, uuid.UUID(part.record_id), out)


def _signing_lines(pages: list[str]) -> list[str]:
    """The lines that say who signed what: the form's signature lines, the strip's
    signatures and content hash, "Not yet signed", and the addenda."""
    marks = ("Signed:", "SHA-256", "Not yet signed", "(Supervisor", "(Supervisee",
             "(Auditor", "Addendum of", "Room 2")
    return [line for page in pages for line in page.splitlines()
            if any(mark in line for mark in marks)]


def test_each_document_prints_as_its_own_export_after_a_true_index(store, people, pat,
                                                                     tmp_path) -> None:
    out = tmp_path / "file.pdf"
    seen: list[tuple[int, int, str]] = []
    with store.write() as s:
        manager = _actor(s, people["M1"])
        export_whole_file(s, manager, pat, out,
                          progress=lambda done, total, what: seen.append((done, total, what)))
        found = audit_outputs._file_parts(s, manager, get_staff(s, pat))
        # each document exported on its own, as a user would
        alone = [_pages(_own_export(s, manager, part, tmp_path / f"{n}.pdf"))
                 for n, (_section, _title, part) in enumerate(found)]
    bundle = [FILE_PAGE.sub("", text) for text in _pages(out)]  # each document's own pages

    index_pages = len(bundle) - sum(len(pages) for pages in alone)
    assert index_pages == 2  # 33 entries: the index runs over
    assert [title for _s, title, _p in found][:3] == [
        "Supervision contract, version 1", "Supervision monitoring sheet",
        "Supervision record, 02/04/2024"]
    assert found[-1][1] == "Supervision file audit, 26/06/2026"
    assert bundle[index_pages:] == [text for pages in alone for text in pages]

    # what an auditor reads off the file about signatures is what each export says
    first = index_pages + len(alone[0]) + len(alone[1])  # the contract, the monitoring sheet
    signed_record = bundle[first:first + len(alone[2])]
    assert _signing_lines(signed_record) == _signing_lines(alone[2])
    lines = "\n".join(_signing_lines(signed_record))
    assert "Signed: Mia Manager" in lines and "Signed: Pat Worker" in lines
    assert "Mia Manager (Supervisor) ·" in lines and "Pat Worker (Supervisee) ·" in lines
    assert "Addendum of 09/04/2024 by Mia Manager" in lines and "Room 2" in lines
    assert "Not yet signed" not in lines
    half = bundle[first + len(alone[2]):first + len(alone[2]) + len(alone[3])]
    assert "Mia Manager (Supervisor) ·" in "\n".join(_signing_lines(half))
    assert "Pat Worker (Supervisee)" not in "\n".join(_signing_lines(half))
    contract = "\n".join(_signing_lines(bundle[index_pages:index_pages + len(alone[0])]))
    assert "Version 1 · content SHA-256" in contract and "Not yet signed" not in contract
    assert "Signed: Mia Manager" in contract and "Signed: Pat Worker" in contract

    index = "\n".join(bundle[:index_pages])
    assert "Page 1 of 2" in bundle[0] and "Page 2 of 2" in bundle[1]
    starts = [int(n) for n in re.findall(r"\.\.\.\.\s+page\s+(\d+)", index)]
    expected, page = [], index_pages + 1
    for pages in alone:
        expected.append(page)
        page += len(pages)
    assert starts == expected
    assert any(len(pages) > 1 for pages in alone)  # the long records run over

    total = len(found) + 3
    assert [done for done, _t, _w in seen] == list(range(total + 1))
    assert {t for _d, t, _w in seen[1:]} == {total}
    assert seen[1][2] == "Printing Supervision contract, version 1"
    assert [w for _d, _t, w in seen[-3:]] == ["Writing the index", "Sealing", "Saved"]
    meta = PdfReader(out).metadata
    assert meta is not None and meta.title == "Supervision file Pat Worker"


def test_cancelling_writes_nothing_and_keeps_an_earlier_file(store, people, pat, tmp_path
                                                             ) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "file.pdf"
    out.write_bytes(b"an earlier export")
    for stop_at in (1, 5, RECORDS + 3, RECORDS + 5):  # a document, a record, the index, the seal
        ticks: list[int] = []

        def stop(ticks: list[int] = ticks, at: int = stop_at) -> bool:
            return bool(ticks) and ticks[-1] >= at

        with store.read() as s, pytest.raises(ExportCancelled, match="nothing was written"):
            write_whole_file(s, _actor(s, people["M1"]), pat, out, progress=lambda done,
                             _total, _what, ticks=ticks: ticks.append(done), cancelled=stop)
        assert out.read_bytes() == b"an earlier export"
        assert [p.name for p in folder.iterdir()] == ["file.pdf"]  # no temporary files
        assert ticks[-1] == stop_at


def test_the_file_is_sealed_whole_and_the_export_logged(store, people, pat, tmp_path) -> None:
    from supervision_audit.models import EventLog

    with store.write() as s:
        set_up_seal(s, SYS, "file seal passphrase")
        export_whole_file(s, _actor(s, people["M1"]), pat, tmp_path / "file.pdf")
    with store.read() as s:
        report = verify(s, tmp_path / "file.pdf")
        logged = s.exec(select(EventLog).where(EventLog.action == "file.export")).all()
    assert report.intact and report.covers_whole_file and report.trusted
    assert [(e.about_staff_id, e.detail) for e in logged] == [(pat, f"{RECORDS + 3} documents")]


def test_the_file_numbers_its_pages_whole_and_has_an_outline(store, people, pat,
                                                             tmp_path) -> None:
    out = tmp_path / "file.pdf"
    with store.write() as s:
        export_whole_file(s, _actor(s, people["M1"]), pat, out)
        alone = _pages(export_record_pdf(s, SYS, records_of(s, SYS, pat)[0].id,
                                         tmp_path / "one.pdf"))
    reader = PdfReader(out)
    pages = _pages(out)
    total = len(pages)
    for number, text in enumerate(pages, start=1):  # the file's page, beside the document's
        assert re.search(rf"Page \d+ of \d+ · file page {number} of {total}\b", text), number
    assert not any("file page" in text for text in alone)  # a document alone: its own only
    assert PdfReader(tmp_path / "one.pdf").outline == []

    # the outline: the index, then each section with its documents under it, each landing
    # on the page the index cites
    index = "\n".join(pages[:2])
    cited = [int(n) for n in re.findall(r"\.\.\.\.\s+page\s+(\d+)", index)]
    top = reader.outline
    assert top[0].title == "Supervision file"
    assert reader.get_destination_page_number(top[0]) == 0
    headings = [entry.title for entry in top if not isinstance(entry, list)]
    assert headings[1:4] == ["Contract", "Section 1 – Supervision Monitoring Sheet",
                             "Section 2 – Monthly Supervision Record"]
    documents = [entry for entry in top if isinstance(entry, list)]
    flat = [d for group in documents for d in group]
    assert [d.title for d in flat][:3] == ["Supervision contract, version 1",
                                           "Supervision monitoring sheet",
                                           "Supervision record, 02/04/2024"]
    assert [reader.get_destination_page_number(d) + 1 for d in flat] == cited
