"""What the app remembers of a store it has checked whole, so that an unchanged file is not
checked again (``PRAGMA quick_check`` reads and, for an encrypted store, decrypts every
page: seconds for a large organisation, on every command).

The memo is a small file beside the store (``NAME.sqlite.checked``, beside the keyring)
holding the file's fingerprint when it was last known sound and when it was last checked
whole. It holds no personal data: a size, times, an inode number and two digests.

What counts as *unchanged*:

* the same size, modification time, inode and device;
* the same status-change time (``st_ctime`` on Linux and macOS). The kernel sets it on
  every write and on every change of the other times, and no program can set it back
  without changing the clock (root): a file edited in place with its size kept and its
  modification time put back still shows. (Windows reports the creation time there,
  which an edit does not move; the digest below and the weekly check still stand.)
* the same first page (SHA-256 of the bytes on disk): SQLite's header, with its file
  change counter, and the schema's root;
* no write-ahead log holding frames: while one exists the file alone is not the store's
  content (another program has it open, or one ended without closing it).

SQLite's change counter alone would not do: a store in WAL mode does not count every
commit, and bytes changed in a page other than the first touch no counter at all.

The memo is written when a whole-file check passes, and again when the app closes a
store it knew sound and had the last connection to it (its final checkpoint has emptied
the log), so that the app's own writes do not count as a change: those are SQLite's
writes to a file found sound. Anything else that writes the file changes its
fingerprint, and the next opening checks it whole before anything is written. A store in
which SQLite met damage while it was open is not remembered. However unchanged, a store
is checked whole again once a week (silent damage by the disk does not show in any
time).

For an encrypted store the memo is signed (HMAC-SHA-256) with a key derived from the
store's key, so a memo cannot be forged to vouch for a changed file; for a plain store,
which anyone able to change it can read and rewrite at will, the signature only
catches accidental edits.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

MEMO_SUFFIX = ".checked"
MEMO_FORMAT = 1
MAX_AGE = timedelta(days=7)  # an unchanged store is still checked whole this often
HEAD_BYTES = 4096  # the first page (SQLite's and SQLCipher's default page size)
_PLAIN_SECRET = b"supervision-audit plain store check memo"


@dataclass(frozen=True)
class Fingerprint:
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    device: int
    head: str  # SHA-256 of the first page on disk


@dataclass(frozen=True)
class Memo:
    fingerprint: Fingerprint
    checked_at: datetime  # when the file was last checked whole (quick_check)


def memo_path(path: Path) -> Path:
    return Path(f"{path}{MEMO_SUFFIX}")


def fingerprint(path: Path) -> Fingerprint | None:
    """The file as it lies on disk; None when it cannot be read or when its write-ahead log
    holds frames (the file alone is then not the store)."""
    try:
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            return None
        with Path(path).open("rb") as fh:
            st = os.fstat(fh.fileno())
            head = fh.read(HEAD_BYTES)
    except OSError:
        return None
    return Fingerprint(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev,
                       hashlib.sha256(head).hexdigest())


def _secret(key: bytes | None) -> bytes:
    if key is None:
        return _PLAIN_SECRET
    return hmac.new(key, b"supervision-audit check memo v1", hashlib.sha256).digest()


def _body(fp: Fingerprint, checked_at: datetime) -> dict[str, object]:
    return {"format": MEMO_FORMAT, **asdict(fp), "checked_at": checked_at.isoformat()}


def _tag(key: bytes | None, body: dict[str, object]) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(_secret(key), text, hashlib.sha256).hexdigest()


def read_memo(path: Path, key: bytes | None) -> Memo | None:
    """The memo beside ``path`` if it is there, whole and signed with ``key``'s secret."""
    try:
        data = json.loads(memo_path(path).read_text(encoding="utf-8"))
        tag = data.pop("tag")
        if data.get("format") != MEMO_FORMAT:
            return None
        fp = Fingerprint(**{name: data[name] for name in Fingerprint.__dataclass_fields__})
        checked_at = datetime.fromisoformat(data["checked_at"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not isinstance(tag, str) or not hmac.compare_digest(tag, _tag(key, _body(fp, checked_at))):
        return None
    return Memo(fp, checked_at)


def unchanged_since_check(path: Path, key: bytes | None, now: datetime | None = None
                          ) -> Memo | None:
    """The memo when ``path`` is exactly as it was when last known sound, and was checked
    whole within ``MAX_AGE``; None when it must be checked again."""
    memo = read_memo(path, key)
    if memo is None:
        return None
    now = now or datetime.now(UTC)
    if not (now - MAX_AGE <= memo.checked_at <= now + timedelta(minutes=5)):
        return None
    current = fingerprint(path)
    return memo if current is not None and current == memo.fingerprint else None


def remember(path: Path, key: bytes | None, fp: Fingerprint, checked_at: datetime) -> None:
    """Write the memo (whole or not at all); a folder that cannot be written is left as it
    is: the store is then checked at every opening, as it was before memos."""
    body = _body(fp, checked_at)
    text = json.dumps({**body, "tag": _tag(key, body)}, indent=1)
    target = memo_path(path)
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def forget(path: Path) -> None:
    with contextlib.suppress(OSError):
        memo_path(path).unlink(missing_ok=True)
