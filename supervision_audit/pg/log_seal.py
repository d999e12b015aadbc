"""The organisation's log on the server, its checkpoints sealed with a key the database does
not hold.

As a standalone store's (``services.log_anchor``): every ``CHECKPOINT_EVERY`` entries, and
after every export and backup, a ``log.checkpoint`` entry vouches for the chain's head with
an HMAC-SHA256 under an anchor key, and the latest checkpoint is written to an anchor file.
A standalone store keeps its anchor key in its keyring; the server keeps it in a key file on
the server machine (``serve --log-key FILE``, readable by the server's account only), so
whoever can change the database (going around the server with SQL) cannot make a
checkpoint, and a log rewritten with its hashes recomputed, or cut short, is reported by
``verify-log --database``. The anchor file is beside the key file (``FILE.anchor``).

Several server processes on one machine share both files; servers on several machines each
need a copy of the key file, and each keeps its own anchor file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
from pathlib import Path

from sqlmodel import select

from supervision_audit.errors import StoreError
from supervision_audit.models import EventLog
from supervision_audit.pg.store import PgStore
from supervision_audit.services.events import CHECKPOINT
from supervision_audit.services.log_anchor import LogAnchor, anchor_path

KEY_FORMAT = "supervision-audit-log-keys"
log = logging.getLogger("supervision_audit.server")


def _kid(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:16]


def read_key_file(path: Path) -> LogAnchor:
    """The anchor keys in ``path`` with the anchor file beside it; StoreError when the file
    is not a key file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        keys = {str(k): bytes.fromhex(v) for k, v in data["keys"].items()}
        current = str(data["current"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StoreError(f"{path} is not the organisation's log key file: {exc}") from exc
    if data.get("format") != KEY_FORMAT or current not in keys:
        raise StoreError(f"{path} is not the organisation's log key file.")
    return LogAnchor(keys, current, anchor_path(path))


def _make_key_file(path: Path) -> None:
    key = secrets.token_bytes(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"format": KEY_FORMAT, "current": _kid(key),
                       "keys": {_kid(key): key.hex()}})
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(body)
        fh.flush()
        os.fsync(fh.fileno())


def seal_log(store: PgStore, key_file: Path) -> LogAnchor:
    """Checkpoint ``store``'s log with the key in ``key_file`` from now on (its writes carry
    the anchor). The key file is made when there is none and the log holds no checkpoint
    yet; a log checkpointed already with no key file is refused, since a new key would make
    every earlier checkpoint look forged."""
    if not key_file.exists():
        with store.read() as session:
            sealed = session.exec(select(EventLog.seq).where(EventLog.action == CHECKPOINT)
                                  .limit(1)).first()
        if sealed is not None:
            raise StoreError(
                f"The organisation's log was sealed with a key that is not at {key_file}. "
                "Put the log key file back there (from the server's backup, or another "
                "server machine), or name it with --log-key.")
        try:
            _make_key_file(key_file)
        except FileExistsError:
            pass  # another server process made it first
        except OSError as exc:
            raise StoreError(f"The log key file {key_file} could not be made: {exc}") from exc
    anchor = read_key_file(key_file)
    with store.read() as session:
        if not anchor.fits(session):
            log.error(json.dumps({
                "event": "log anchor does not fit",
                "detail": f"the anchor file {anchor.path} does not fit the organisation's "
                          "log (rewritten or cut short?): no checkpoint will be written "
                          "over it; run verify-log --database"}))
            anchor.refused = True
    store.log_anchor = anchor
    return anchor
