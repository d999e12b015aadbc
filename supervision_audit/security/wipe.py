"""Wiping a store's files from a machine, and saying afterwards that it was done.

``shred`` overwrites a file with random bytes, flushes it to the disk and removes it. On a
solid-state disk or a copy-on-write file system the old blocks may survive an overwrite,
so for an encrypted store the overwrite is not what protects the data: the store's key
exists only wrapped in the keyring beside it, and the keyring is shredded first, after which
no password and no copy of the store file opens the store (the recovery key, kept off the
machine, still would: a replica's recovery key is never shown, so none exists).

A note is left beside the wiped store (``NAME.sqlite.wiped``, no personal data: when and
why), so that signing in to it says what happened instead of offering to make a new store.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

CHUNK = 1 << 20
NOTE_SUFFIX = ".wiped"


def shred(path: Path) -> bool:
    """Overwrite ``path`` with random bytes, flush it to the disk and remove it; False when
    there was no such file."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return False
    with open(path, "r+b", buffering=0) as out:
        left = size
        while left > 0:
            step = min(left, CHUNK)
            out.write(secrets.token_bytes(step))
            left -= step
        os.fsync(out.fileno())
    path.unlink()
    return True


def shred_all(paths: Iterable[Path]) -> list[Path]:
    """Shred each of ``paths`` that exists, in the order given; those shredded."""
    return [p for p in paths if shred(p)]


def note_path(db_path: Path) -> Path:
    return Path(f"{db_path}{NOTE_SUFFIX}")


def write_note(db_path: Path, reason: str, when: datetime | None = None) -> None:
    """Say beside ``db_path`` that its store was wiped, when and why."""
    at = (when or datetime.now(UTC)).isoformat(timespec="seconds")
    note_path(db_path).write_text(json.dumps({"wiped_at": at, "reason": reason}),
                                  encoding="utf-8")


def read_note(db_path: Path) -> str | None:
    """What a wiped store's note says, as a sentence (None: no note)."""
    try:
        found = json.loads(note_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    try:
        at = datetime.fromisoformat(str(found["wiped_at"])).astimezone()
        when = f"{at:%d/%m/%Y %H:%M}"
    except (KeyError, ValueError):
        when = "an earlier date"
    return (f"The store {Path(db_path).name} was wiped from this machine on {when}: "
            f"{found.get('reason', '')}").strip()
