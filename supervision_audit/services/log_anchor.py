"""The event log's anchor: checkpoints of the chain's head that someone with the store alone
cannot make.

The hash chain shows an entry changed on its own, but not a log rewritten from an entry on
with every hash recomputed, nor its last entries cut off: the chain has no secret. So the
head of the chain is checkpointed, every ``CHECKPOINT_EVERY`` entries and after every
export and backup: a ``log.checkpoint`` entry holds the sequence number and hash of the
entry before it with an HMAC-SHA256 of both, keyed by an *anchor key* that is not in the
store (it is in the keyring file beside it, wrapped with the store key). The latest
checkpoint is also written to a small file beside the store (``NAME.sqlite.anchor``), so
that cutting off the end of the log, checkpoints and all, is seen too.

``verify_log`` walks the chain, checks every checkpoint and the anchor file, and reports
the first entry after the last checkpoint that still holds.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlmodel import Session, col, func, select

from supervision_audit.models import EventLog
from supervision_audit.services.events import (
    ANCHOR_INFO,
    CHECKPOINT,
    SYSTEM,
    ChainReport,
    log_event,
    verify_chain,
)

ANCHOR_FORMAT = "supervision-audit-log-anchor"


def anchor_path(db_path: Path) -> Path:
    """The anchor file beside the store at ``db_path``."""
    return Path(str(db_path) + ".anchor")


def _mac(key: bytes, seq: int, head: str) -> str:
    return hmac.new(key, f"{seq}:{head}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    seq: int  # the entry vouched for
    head: str  # its hash
    kid: str  # which anchor key signed it
    mac: str

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "head": self.head, "kid": self.kid, "mac": self.mac}

    @classmethod
    def parse(cls, data: Any) -> Checkpoint | None:
        try:
            return cls(int(data["seq"]), str(data["head"]), str(data["kid"]), str(data["mac"]))
        except (TypeError, KeyError, ValueError):
            return None


@dataclass
class LogAnchor:
    """The anchor keys of one store (by id; ``current`` signs new checkpoints) and its
    anchor file. A signed-in store carries one (``Store.log_anchor``)."""

    keys: dict[str, bytes]
    current: str
    path: Path
    # set once the anchor file is found not to fit the log: no checkpoint is written then,
    # so that the evidence stays as it was found
    refused: bool = field(default=False)

    def signs(self, checkpoint: Checkpoint) -> bool:
        key = self.keys.get(checkpoint.kid)
        return key is not None and hmac.compare_digest(
            _mac(key, checkpoint.seq, checkpoint.head), checkpoint.mac)

    def sign(self, seq: int, head: str) -> Checkpoint:
        return Checkpoint(seq, head, self.current, _mac(self.keys[self.current], seq, head))

    def read_file(self) -> Checkpoint | None:
        """The checkpoint in the anchor file (None when there is none or it is unreadable)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != ANCHOR_FORMAT:
            return None
        return Checkpoint.parse(data)

    def fits(self, session: Session) -> bool:
        """Whether the anchor file fits the log (the entry it names is there, unchanged)."""
        return self._fits(session, self.read_file())

    def _fits(self, session: Session, checkpoint: Checkpoint | None) -> bool:
        if checkpoint is None:
            return not self.path.exists()
        entry = session.get(EventLog, checkpoint.seq)
        return self.signs(checkpoint) and entry is not None and entry.hash == checkpoint.head

    def checkpoint(self, session: Session, entry: EventLog) -> EventLog | None:
        """Vouch for ``entry`` (the newest) with a checkpoint entry after it, and for that
        checkpoint in the anchor file once the transaction commits. Nothing is written when
        the anchor file does not fit the log (it was rewritten or cut short)."""
        if self.refused or self.current not in self.keys or entry.seq is None:
            return None
        if not self._fits(session, self.read_file()):
            self.refused = True
            return None
        signed = self.sign(entry.seq, entry.hash)
        made = log_event(session, SYSTEM, CHECKPOINT, subject_kind="log",
                         subject_id=str(entry.seq), detail=json.dumps(signed.as_json()))
        assert made.seq is not None
        latest = self.sign(made.seq, made.hash)
        event.listen(session, "after_commit", lambda _s: self._write(latest), once=True)
        return made

    def _write(self, checkpoint: Checkpoint) -> None:
        """Write ``checkpoint`` to the anchor file unless it holds a later one already
        (whole or not at all; a failure leaves the file as it was)."""
        earlier = self.read_file()
        if earlier is not None and earlier.seq >= checkpoint.seq:
            return
        # a name of its own for each writer: server processes (and their threads) share
        # the file, and two writing one temporary file at once could leave it half written
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
        try:
            with tmp.open("w", encoding="utf-8") as fh:
                json.dump({"format": ANCHOR_FORMAT, **checkpoint.as_json()}, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except OSError:
            tmp.unlink(missing_ok=True)  # the next checkpoint writes it again


def checkpoint_now(session: Session) -> EventLog | None:
    """A checkpoint of the log as it is (before a backup), when the session's store has an
    anchor."""
    anchor: LogAnchor | None = session.info.get(ANCHOR_INFO)
    last = session.exec(select(EventLog).order_by(col(EventLog.seq).desc()).limit(1)).first()
    if anchor is None or last is None or last.action == CHECKPOINT:
        return None
    return anchor.checkpoint(session, last)


@dataclass(frozen=True)
class LogReport:
    """What walking the log found. ``first_break`` is the first entry not vouched for when
    something does not match (None when all is well); ``anchored_to`` the last entry a
    checkpoint still vouches for."""

    entries: int
    first_break: int | None
    reason: str
    anchored_to: int | None
    anchored: bool  # the store has anchor keys at all

    @property
    def intact(self) -> bool:
        return self.first_break is None


def verify_log(session: Session, anchor: LogAnchor | None) -> LogReport:
    """The chain (each entry linked to the one before), then every checkpoint in it, then
    the anchor file beside the store: the first thing that does not match is reported with
    the first entry after the last checkpoint that still holds."""
    chain: ChainReport = verify_chain(session)
    count = chain.entries if chain.intact else int(session.exec(
        select(func.count()).select_from(EventLog)).one())
    if not chain.intact:
        return LogReport(count, chain.first_break, chain.reason, None, anchor is not None)
    if anchor is None or not anchor.keys:
        return LogReport(count, None, "", None, False)
    last_good: int | None = None
    for entry in session.exec(select(EventLog).where(EventLog.action == CHECKPOINT)
                              .order_by(col(EventLog.seq))):
        try:
            checkpoint = Checkpoint.parse(json.loads(entry.detail))
        except ValueError:
            checkpoint = None
        covered = session.get(EventLog, checkpoint.seq) if checkpoint else None
        if checkpoint is None or not anchor.signs(checkpoint):
            return _broken(count, last_good, f"the checkpoint at entry {entry.seq} was not "
                                             "made with the store's anchor key (forged)")
        if covered is None or covered.hash != checkpoint.head:
            return _broken(count, last_good, f"the checkpoint at entry {entry.seq} vouched "
                                             f"for entry {checkpoint.seq}, which has since "
                                             "been rewritten (an entry from "
                                             f"{(last_good or 0) + 1} to {checkpoint.seq} "
                                             "was changed)")
        last_good = entry.seq
    return _check_file(session, anchor, count, last_good)


def _check_file(session: Session, anchor: LogAnchor, count: int, last_good: int | None
                ) -> LogReport:
    latest = anchor.read_file()
    if latest is None:
        if last_good is None:
            return LogReport(count, None, "", None, True)
        return _broken(count, last_good, f"the anchor file {anchor.path.name} beside the "
                                         "store is missing or unreadable, so the end of the "
                                         "log cannot be vouched for")
    if not anchor.signs(latest):
        return _broken(count, last_good, f"the anchor file {anchor.path.name} was not made "
                                         "with the store's anchor key")
    entry = session.get(EventLog, latest.seq)
    if entry is None:
        last = session.exec(select(func.max(EventLog.seq))).one() or 0
        return _broken(count, last_good, f"the log was cut short: entry {latest.seq}, "
                                         f"anchored beside the store, is missing (the log "
                                         f"now ends at entry {last})")
    if entry.hash != latest.head:
        return _broken(count, last_good, f"entry {latest.seq}, anchored beside the store, "
                                         "has since been rewritten")
    return LogReport(count, None, "", max(last_good or 0, latest.seq), True)


def _broken(count: int, last_good: int | None, reason: str) -> LogReport:
    return LogReport(count, (last_good or 0) + 1, reason, last_good, True)
