"""Shredding a store's files: the bytes on the disk are overwritten before the name goes."""

from __future__ import annotations

import os
from pathlib import Path

from supervision_audit.security.wipe import note_path, read_note, shred, shred_all, write_note


def test_a_shredded_file_is_overwritten_where_it_lay_then_removed(tmp_path: Path) -> None:
    path = tmp_path / "replica.sqlite"
    secret = b"Caseload reviewed with Pat. " * 5000
    path.write_bytes(secret)
    # a descriptor opened before still reads the same blocks after the name is gone
    fd = os.open(path, os.O_RDONLY)
    try:
        assert shred(path)
        assert not path.exists()
        left = os.pread(fd, len(secret) + 10, 0)
    finally:
        os.close(fd)
    assert len(left) == len(secret)
    assert b"Caseload" not in left and left != secret


def test_shredding_what_is_not_there_is_no_error(tmp_path: Path) -> None:
    there = tmp_path / "a"
    there.write_bytes(b"x")
    assert shred(tmp_path / "missing") is False
    assert shred_all([tmp_path / "missing", there]) == [there]


def test_the_note_of_a_wipe_says_when_and_why(tmp_path: Path) -> None:
    db = tmp_path / "laptop.sqlite"
    assert read_note(db) is None
    write_note(db, "This account has been closed.")
    said = read_note(db)
    assert said is not None and said.startswith("The store laptop.sqlite was wiped from")
    assert said.endswith("This account has been closed.")
    note_path(db).write_text("not json", encoding="utf-8")
    assert read_note(db) is None
