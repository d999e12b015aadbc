"""Wrong passwords: an increasing delay per user name, and every failed attempt logged.

A failed sign-in cannot be written to the event log at once (an encrypted store does not
open without a right password), so it is kept in a small file beside the store,
``NAME.sqlite.signin``, and written to the log at the next sign-in that succeeds. The file
holds no password and no name that is not already beside the store: a user name that has
no account there is kept as "an unknown user name", and the counts are kept under a
SHA-256 of the name. After ``FREE_FAILURES`` wrong passwords in a row a user name waits
``FIRST_DELAY``, doubled at each further failure up to ``LONGEST_DELAY``; a sign-in that
succeeds clears its count. Someone who can delete the file can reset the counts: the
delay slows guessing through the app, not an attack on a copy of the keyring (Argon2id
does that).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from supervision_audit.errors import LockedOutError

FREE_FAILURES = 3
FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(minutes=15)
UNKNOWN = "an unknown user name"
Clock = Callable[[], datetime]


def guard_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".signin")


def _slot(username: str) -> str:
    return hashlib.sha256(username.strip().casefold().encode("utf-8")).hexdigest()


def delay_after(failures: int) -> timedelta:
    """How long a user name waits after ``failures`` wrong passwords in a row."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** (failures - FREE_FAILURES), LONGEST_DELAY)


@dataclass(frozen=True)
class Attempt:
    """A failed sign-in waiting to be written to the event log."""

    id: str
    username: str  # as typed when it names an account, else UNKNOWN
    at: datetime
    reason: str


class SignInGuard:
    """The wrong-password counts and the failed attempts not yet logged, of one store."""

    def __init__(self, db_path: Path) -> None:
        self.path = guard_path(db_path)
        self.data = self._load()

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"counts": {}, "pending": []}
        if not isinstance(data, dict):
            return {"counts": {}, "pending": []}
        data.setdefault("counts", {})
        data.setdefault("pending", [])
        return data

    def _save(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            with tmp.open("w", encoding="utf-8") as fh:
                json.dump(self.data, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except OSError:
            tmp.unlink(missing_ok=True)  # a count not kept: the password is still checked

    def locked_until(self, username: str, now: datetime) -> datetime | None:
        """When ``username`` may try again (None: now)."""
        count = self.data["counts"].get(_slot(username), {})
        until = count.get("until")
        if not until:
            return None
        moment = datetime.fromisoformat(until)
        return moment if moment > now else None

    def refuse_if_locked(self, username: str, now: datetime, known: bool) -> None:
        """LockedOutError (and the attempt kept for the log) while ``username`` waits."""
        until = self.locked_until(username, now)
        if until is None:
            return
        self._pending(username if known else UNKNOWN, now,
                      f"refused: too many wrong passwords, locked until {until:%H:%M:%S} UTC")
        self._save()
        seconds = math.ceil((until - now).total_seconds())
        raise LockedOutError(
            f"Too many wrong passwords for this user name. Wait {seconds} seconds, then try "
            "again.", until)

    def failed(self, username: str, now: datetime, reason: str, known: bool
               ) -> datetime | None:
        """Count a wrong password for ``username`` and keep the attempt for the log; when
        it must now wait, until when."""
        slot = self.data["counts"].setdefault(_slot(username), {"failures": 0})
        slot["failures"] = int(slot.get("failures", 0)) + 1
        wait = delay_after(slot["failures"])
        slot["until"] = (now + wait).isoformat() if wait else ""
        self._pending(username if known else UNKNOWN, now, reason)
        self._save()
        return now + wait if wait else None

    def succeeded(self, username: str) -> None:
        if self.data["counts"].pop(_slot(username), None) is not None:
            self._save()

    def _pending(self, username: str, now: datetime, reason: str) -> None:
        self.data["pending"].append({"id": uuid.uuid4().hex, "user": username,
                                     "at": now.isoformat(), "reason": reason})

    def pending(self) -> list[Attempt]:
        out = []
        for item in self.data["pending"]:
            try:
                out.append(Attempt(str(item["id"]), str(item["user"]),
                                   datetime.fromisoformat(item["at"]), str(item["reason"])))
            except (KeyError, TypeError, ValueError):
                continue
        return out

    def logged(self, ids: set[str]) -> None:
        """The attempts ``ids`` are in the event log now: no longer kept here."""
        self.data = self._load()  # another sign-in may have added some meanwhile
        self.data["pending"] = [p for p in self.data["pending"] if p.get("id") not in ids]
        self._save()
