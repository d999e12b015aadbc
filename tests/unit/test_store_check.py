"""A large store is checked whole in the background while the app starts; writes wait for
the answer, so a damaged file is still never written."""

from __future__ import annotations

from pathlib import Path

import pytest

from supervision_audit import check_memo, db
from supervision_audit.db import open_store, schema_head
from supervision_audit.errors import DamagedStoreError
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.backups import take_backup
from supervision_audit.services.staff import StaffInput, list_staff, save_staff


def _filled(path: Path, *, upgrade_to: int | None = None, key: bytes | None = None,
            remembered: bool = False) -> None:
    """A store of 300 people; its check memo dropped (as if changed since its last check)
    unless ``remembered``."""
    store = open_store(path, upgrade_to=upgrade_to, key=key)
    with store.write() as session:
        for i in range(300):
            save_staff(session, SYS, StaffInput(f"S{i}", f"Person number {i} " + "x" * 150,
                                                job_title="y" * 150))
    store.close()
    if not remembered:
        check_memo.forget(path)


def _damage(path: Path, last: int | None = None) -> bytes:
    """Scribble over the b-tree page headers of the later pages (or the ``last`` few)."""
    data = bytearray(path.read_bytes())
    page = 4096
    pages = len(data) // page
    for number in range(2 if last is None else pages - last, pages):
        for offset in range(number * page, number * page + 12):
            data[offset] = 0xA5
    path.write_bytes(bytes(data))
    return bytes(data)


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every store counts as large: checked in the background, not before opening."""
    monkeypatch.setattr(db, "INLINE_CHECK_BYTES", 0)


def test_a_large_sound_store_opens_at_once_and_is_written_after_its_check(
        tmp_path: Path, large: None) -> None:
    path = tmp_path / "big.sqlite"
    _filled(path)
    store = open_store(path)
    try:
        assert store.checked_in_background, "a large store is checked in the background"
        with store.write() as session:  # waits for the check, then writes
            save_staff(session, SYS, StaffInput("NEW", "Newly Added"))
        assert not store.checking
        assert store.wait_for_check() is None
        with store.read() as session:
            assert "Newly Added" in {s.name for s in list_staff(session, SYS)}
    finally:
        store.close()


def test_a_large_damaged_store_is_never_written(tmp_path: Path, large: None) -> None:
    path = tmp_path / "big.sqlite"
    _filled(path)
    damaged = _damage(path, last=4)  # the schema reads; the staff table's pages do not
    store = open_store(path)  # opens: the check runs in the background
    try:
        with pytest.raises(DamagedStoreError, match="damaged"):
            with store.write() as session:
                save_staff(session, SYS, StaffInput("NEW", "Never Saved"))
        assert "damaged" in (store.wait_for_check() or "")
    finally:
        store.close()
    assert path.read_bytes() == damaged


def test_a_large_damaged_store_is_not_backed_up_over_good_backups(
        tmp_path: Path, large: None) -> None:
    path = tmp_path / "big.sqlite"
    _filled(path)
    store = open_store(path)
    good = take_backup(store, tmp_path / "backups", keep=1)
    store.close()
    _damage(path, last=4)
    store = open_store(path)
    try:
        with pytest.raises(DamagedStoreError, match="No backup was taken"):
            take_backup(store, tmp_path / "backups", keep=1)
    finally:
        store.close()
    assert list((tmp_path / "backups").glob("*.sqlite")) == [good]


def test_a_large_store_is_checked_before_an_upgrade(tmp_path: Path, large: None) -> None:
    path = tmp_path / "old.sqlite"
    _filled(path, upgrade_to=schema_head() - 1)
    damaged = _damage(path)
    with pytest.raises(DamagedStoreError, match="damaged"):
        open_store(path)
    assert path.read_bytes() == damaged
    assert not list(tmp_path.glob("*before-upgrade*")), "no upgrade was started"


def test_a_small_store_is_checked_before_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "small.sqlite"
    _filled(path)
    store = open_store(path)
    assert not store.checked_in_background
    store.close()
    damaged = _damage(path)
    with pytest.raises(DamagedStoreError):
        open_store(path)
    assert path.read_bytes() == damaged


def test_closing_abandons_a_running_check(tmp_path: Path, large: None) -> None:
    path = tmp_path / "big.sqlite"
    _filled(path)
    store = open_store(path)
    store.close()  # returns whether or not the check had finished; nothing is left running
    assert not store.checking


def test_bookkeeping_waits_for_the_check_and_is_dropped_on_a_damaged_store(
        tmp_path: Path, large: None) -> None:
    sound, broken = tmp_path / "sound.sqlite", tmp_path / "broken.sqlite"
    _filled(sound)
    _filled(broken)
    damaged = _damage(broken, last=4)
    for path in (sound, broken):
        store = open_store(path)
        store.write_after_check(
            lambda session: save_staff(session, SYS, StaffInput("LATE", "Written Later")))
        store.wait_for_check()
        store.close()  # waits for bookkeeping still to be written
    store = open_store(sound)
    with store.read() as session:
        assert "Written Later" in {s.name for s in list_staff(session, SYS)}
    store.close()
    assert broken.read_bytes() == damaged
