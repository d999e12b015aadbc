"""Signed content is checked, not only locked: a record edited behind the app's back (a
lock dropped with raw SQL) is shown as changed after signing and never sealed; locks
dropped or altered outside the app come back when the store opens."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from supervision_audit.cli import main
from supervision_audit.db import connect_raw, open_store
from supervision_audit.errors import ChangedAfterSigningError
from supervision_audit.locks import LOCKS, lock_problems
from supervision_audit.models import SupervisionRecord
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.contract_export import export_contract_pdf
from supervision_audit.services.integrity import signature_problems
from supervision_audit.services.record_export import export_record_pdf
from supervision_audit.services.seal_setup import set_up_seal
from tests.record_helpers import signed_contract, signed_record

PASS = "organisation seal passphrase"


def _raw(path: Path, *statements: str) -> None:
    """What someone with the file does: plain SQL, around the app."""
    conn = connect_raw(path, None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def _edit_record_behind_the_app(path: Path, record_id: str, text: str) -> None:
    _raw(path, "DROP TRIGGER record_final_no_update",
         "UPDATE supervision_record SET \"values\" = json_set(\"values\", '$.welcome', "
         f"'{text}') WHERE id = '{record_id.replace('-', '')}'")


@pytest.fixture
def signed(store, people):
    with store.write() as s:
        set_up_seal(s, SYS, PASS)
        record = signed_record(s, "P1", date(2025, 1, 6), welcome="All well.")
        contract = signed_contract(s, people["P1"], "2025-01-06", "Sam Head")
    return store, record.id, contract.id


def test_a_fresh_store_has_every_lock_as_defined() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "fresh.sqlite")
        raw = store.engine.raw_connection()
        try:
            names = {r[0] for r in raw.driver_connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
            assert lock_problems(raw.driver_connection) == []
        finally:
            raw.close()
            store.close()
    assert names == set(LOCKS)


def test_a_record_edited_after_a_lock_was_dropped_is_refused_and_nothing_written(
        signed, tmp_path) -> None:
    store, record_id, _contract = signed
    with store.read() as s:
        assert signature_problems(s, "record", record_id) == []
    _edit_record_behind_the_app(store.path, str(record_id), "Changed later.")
    with store.read() as s:
        problems = signature_problems(s, "record", record_id)
    assert problems == ["Mia Manager (supervisor) signed different content",
                        "Pat Worker (supervisee) signed different content"]
    out = tmp_path / "record.pdf"
    with pytest.raises(ChangedAfterSigningError, match="changed after signing"):
        with store.write() as s:
            export_record_pdf(s, SYS, record_id, out)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".tmp")] == []


def test_a_copy_to_print_says_changed_after_signing_on_every_page(signed, tmp_path) -> None:
    store, record_id, _contract = signed
    _edit_record_behind_the_app(store.path, str(record_id), "Changed later.")
    out = tmp_path / "print.pdf"
    with store.write() as s:
        export_record_pdf(s, SYS, record_id, out, seal=False)
    reader = PdfReader(out)
    assert reader.get_fields() is None or "Seal" not in (reader.get_fields() or {})
    for page in reader.pages:
        text = " ".join(page.extract_text().split())
        assert "CHANGED AFTER SIGNING: Mia Manager (supervisor) signed different" in text


def test_a_contract_with_a_signature_removed_is_not_final_as_signed(signed, tmp_path) -> None:
    store, _record, contract_id = signed
    _raw(store.path, "DROP TRIGGER signature_no_delete",
         f"DELETE FROM signature WHERE record_kind = 'contract' AND record_id = "
         f"'{contract_id.hex}' AND role = 'supervisee'")
    with store.read() as s:
        problems = signature_problems(s, "contract", contract_id)
    assert problems == ["final, but the supervisee's signature (Pat Worker) is missing"]
    with pytest.raises(ChangedAfterSigningError):
        with store.write() as s:
            export_contract_pdf(s, SYS, contract_id, tmp_path / "contract.pdf")
    assert not (tmp_path / "contract.pdf").exists()


def test_an_addendum_changed_after_signing_marks_its_record(signed) -> None:
    from supervision_audit.demo import acting_as
    from supervision_audit.services.signatures import add_addendum

    store, record_id, _contract = signed
    with store.write() as s:
        record = s.get(SupervisionRecord, record_id)
        addendum = add_addendum(s, acting_as(s, record.supervisor_id), "record", record_id,
                                reason="Typo", text="Read 'chronology'.", password=None)
    _raw(store.path, "DROP TRIGGER addendum_no_update",
         f"UPDATE addendum SET text = 'Something else' WHERE id = '{addendum.id.hex}'")
    with store.read() as s:
        problems = signature_problems(s, "record", record_id)
    assert len(problems) == 1 and problems[0].startswith("addendum of ")
    assert "Mia Manager (author) signed different content" in problems[0]


def test_locks_dropped_or_altered_come_back_when_the_store_opens(signed) -> None:
    store, record_id, _contract = signed
    path = store.path
    store.close()
    neutered = LOCKS["signature_no_delete"].replace("BEGIN", "WHEN 0 BEGIN")
    _raw(path, "DROP TRIGGER record_final_no_update", "DROP TRIGGER signature_no_delete",
         neutered)
    reopened = open_store(path)
    try:
        assert sorted(reopened.locks_restored) == ["record_final_no_update",
                                                   "signature_no_delete"]
        raw = reopened.engine.raw_connection()
        try:
            assert lock_problems(raw.driver_connection) == []
        finally:
            raw.close()
        with pytest.raises(Exception, match="final record cannot be changed"):
            with reopened.write() as s:
                record = s.get(SupervisionRecord, record_id)
                record.values = {**record.values, "welcome": "Changed"}
    finally:
        reopened.close()


def test_attack_drop_a_lock_edit_a_signed_record_then_export(tmp_path, capsys,
                                                             monkeypatch) -> None:
    from tests.seal_helpers import PASSWORD, USER, small_store

    monkeypatch.setenv("SUPERVISION_AUDIT_USER", USER)
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", PASSWORD)
    db, record_id = small_store(tmp_path / "org.sqlite")
    _edit_record_behind_the_app(db, str(record_id), "Nothing of concern was discussed.")
    out = tmp_path / "record.pdf"
    assert main(["--db", str(db), "export-record", "--id", str(record_id), "--out",
                 str(out)]) == 1
    err = capsys.readouterr().err
    assert "changed after signing" in err and "It was not exported or sealed" in err
    assert "record_final_no_update" in err  # the lock dropped was put back, and said so
    assert not out.exists()
    assert list(tmp_path.glob(".record.pdf*")) == []


def test_restore_refuses_a_backup_whose_locks_were_removed(tmp_path) -> None:
    from supervision_audit.services.backups import restore_backup, take_backup
    from supervision_audit.services.signin import FirstRun, first_run

    opened, _ = first_run(tmp_path / "org.sqlite",
                          FirstRun("Org", "Ada Admin", "AD1", "ada", "correct horse battery"))
    backup = take_backup(opened.store, tmp_path / "b")
    path, key = opened.store.path, opened.store.key
    opened.store.close()
    conn = connect_raw(backup, key)
    try:
        conn.execute("DROP TRIGGER event_log_no_delete")
    finally:
        conn.close()
    before = path.read_bytes()
    with pytest.raises(Exception, match="locks on final records and the event log removed "
                                        r"or altered \(event_log_no_delete\)"):
        restore_backup(backup, path, key)
    assert path.read_bytes() == before


def test_a_whole_file_holding_a_record_changed_after_signing_is_not_sealed(signed,
                                                                          tmp_path) -> None:
    from supervision_audit.services.audit_outputs import export_whole_file, write_whole_file

    store, record_id, _contract = signed
    _edit_record_behind_the_app(store.path, str(record_id), "Changed later.")
    out = tmp_path / "file.pdf"
    with pytest.raises(ChangedAfterSigningError, match="changed after signing"):
        with store.write() as s:
            export_whole_file(s, SYS, s.get(SupervisionRecord, record_id).supervisee_id, out)
    assert not out.exists()
    printed = tmp_path / "print.pdf"  # a copy to print says so on the record's pages
    with store.read() as s:
        person = s.get(SupervisionRecord, record_id).supervisee_id
        write_whole_file(s, SYS, person, printed, seal=False)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(printed).pages)
    assert "CHANGED AFTER SIGNING: Mia Manager (supervisor) signed different" in text
