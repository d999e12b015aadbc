"""A backup never deletes or overwrites what is not this store's own finished backup."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from supervision_audit.cli import main
from supervision_audit.db import open_store
from supervision_audit.security.keyring import keyring_path
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.backups import check_backup, list_backups, take_backup
from supervision_audit.services.signin import FirstRun, first_run, sign_in
from supervision_audit.services.staff import StaffInput, list_staff, save_staff

PASSWORD = "correct horse battery"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _init(db: Path, organisation: str = "Org") -> None:
    opened, _ = first_run(db, FirstRun(organisation, "Ada Admin", "AD1", "ada", PASSWORD))
    opened.store.close()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "org.sqlite"
    _init(path)
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "ada")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", PASSWORD)
    return path


def _backup(db: Path, out: Path, *extra: str) -> int:
    return main(["--db", str(db), "backup", "--out", str(out), *extra])


def _add(db: Path, staff_id: str) -> None:
    opened = sign_in(db, "ada", PASSWORD)
    with opened.store.write() as session:
        save_staff(session, SYS, StaffInput(staff_id, f"Person {staff_id}"))
    opened.store.close()


def _staff_ids(path: Path, key: bytes | None) -> set[str]:
    store = open_store(path, key=key, create=False)
    try:
        with store.read() as session:
            return {r.staff_id for r in list_staff(session, SYS)}
    finally:
        store.close()


def test_an_existing_file_that_is_not_a_backup_is_left_alone(db, tmp_path, capsys) -> None:
    report = tmp_path / "report.txt"
    report.write_text("the quarterly report\n")
    assert _backup(db, report) == 1
    err = capsys.readouterr().err
    assert "already exists and is not a backup of this database" in err
    assert "--force" in err and "Traceback" not in err
    assert report.read_text() == "the quarterly report\n"
    assert not keyring_path(report).exists()
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("org.sqlite")] == [
        "report.txt"]  # nothing written beside it either


def test_another_organisations_store_is_not_overwritten(db, tmp_path, capsys) -> None:
    other = tmp_path / "other" / "their.sqlite"
    other.parent.mkdir()
    _init(other, "Another organisation")
    before = (_digest(other), _digest(keyring_path(other)))
    assert _backup(db, other) == 1
    assert "is not a backup of this database" in capsys.readouterr().err
    assert (_digest(other), _digest(keyring_path(other))) == before
    assert sign_in(other, "ada", PASSWORD).store.close() is None  # still opens as it was


@pytest.mark.parametrize("own", ["org.sqlite", "org.sqlite.keys", "org.sqlite-wal"])
def test_the_live_store_and_its_files_are_refused_plainly(db, own, capsys) -> None:
    target = db.with_name(own)
    assert _backup(db, target) == 1
    err = capsys.readouterr().err
    assert "is the database itself" in err and "Traceback" not in err
    opened = sign_in(db, "ada", PASSWORD)  # the store and its keyring still open it
    opened.store.close()
    assert _staff_ids(db, opened.store.key) == {"AD1"}


def test_an_earlier_backup_of_this_store_is_replaced_whole(db, tmp_path) -> None:
    out = tmp_path / "nightly.sqlite"
    assert _backup(db, out) == 0
    _add(db, "LATER")
    assert _backup(db, out) == 0
    key = sign_in(db, "ada", PASSWORD)
    key.store.close()
    assert check_backup(out, key.store.key).staff == 2
    assert "LATER" in _staff_ids(out, key.store.key)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_force_replaces_a_file_that_is_not_a_backup(db, tmp_path) -> None:
    report = tmp_path / "report.txt"
    report.write_text("old\n")
    assert _backup(db, report, "--force") == 0
    opened = sign_in(db, "ada", PASSWORD)
    opened.store.close()
    assert check_backup(report, opened.store.key).staff == 1


def test_a_folder_gets_a_newly_named_backup(db, tmp_path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    assert _backup(db, folder) == 0
    assert len(list_backups(folder, db)) == 1


def test_a_failed_backup_leaves_the_earlier_one_as_it_was(db, tmp_path, monkeypatch,
                                                          capsys) -> None:
    from supervision_audit.db import Store

    out = tmp_path / "nightly.sqlite"
    assert _backup(db, out) == 0
    before = (_digest(out), _digest(keyring_path(out)))
    real = Store.backup_to

    def half_then_fail(self, dest):  # writes part of the copy, then the disk fills
        real(self, dest)
        Path(dest).write_bytes(Path(dest).read_bytes()[:5000])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Store, "backup_to", half_then_fail)
    assert _backup(db, out) == 1
    assert "Nothing there was changed" in capsys.readouterr().err
    assert (_digest(out), _digest(keyring_path(out))) == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no leftovers


def test_pruning_keeps_to_this_stores_own_backups(db, tmp_path) -> None:
    folder = tmp_path / "backups"
    twin = tmp_path / "elsewhere" / "org.sqlite"  # another store with the same file name
    twin.parent.mkdir()
    _init(twin, "Twin")
    theirs = sign_in(twin, "ada", PASSWORD)
    their_backups = [take_backup(theirs.store, folder, keep=5) for _ in range(2)]
    theirs.store.close()
    lookalike = folder / "org.backup-19990101-000000-000000.sqlite"
    lookalike.write_text("not a backup at all\n")
    ours = sign_in(db, "ada", PASSWORD)
    made = [take_backup(ours.store, folder, keep=2) for _ in range(4)]
    ours.store.close()
    assert all(p.exists() for p in their_backups) and lookalike.exists()
    assert [p for p in made if p.exists()] == made[-2:]
