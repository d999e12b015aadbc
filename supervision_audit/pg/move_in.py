"""Moving a standalone store into the organisation's database: every row of every table,
keys kept, in one transaction that lands whole or not at all.

What the server already holds is respected: a team of the same name is the same team; a
setting the server has is kept (the store's value is reported when it differs). A person
(by staff id) or an account (by user name) the server already holds refuses the whole
store, naming them: people's keys are part of what was signed, so merging two stores'
copies of one person would break their signatures (not supported yet).

Rows whose finality is guarded by the locks are written unlocked first and locked last
(``locked_at``), as the app itself locks them, so that their actions and attendees can be
written; rows that point at rows of their own table are linked once all are written. The
event log's entries are appended to the organisation's log with their own times, actors and
details, re-chained there; an entry names the store moved in and the head of its own chain
(which must be intact). Every signature is checked against the content as it now stands on
the server.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, update
from sqlmodel import Session, SQLModel, col, select

import supervision_audit.models  # noqa: F401  (registers the tables)
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.models import EventLog, Signature, Staff, Team, UserAccount
from supervision_audit.services.events import Who, _digest, log_event, verify_chain
from supervision_audit.services.signatures import content_hash_of

BATCH = 1000
SKIPPED = {"event_log", "alembic_version"}


class MoveInRefused(SupervisionAuditError):
    """The store cannot be moved in as it is; nothing was written."""


@dataclass
class MoveReport:
    source: str
    rows: dict[str, int] = field(default_factory=dict)
    teams_matched: list[str] = field(default_factory=list)
    settings_kept: list[str] = field(default_factory=list)  # the server's value kept
    log_entries: int = 0
    signatures_checked: int = 0
    signatures_not_matching: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.source}: moved in"]
        out += [f"  {table}: {count}" for table, count in self.rows.items() if count]
        out.append(f"  event log entries appended: {self.log_entries}")
        out.append(f"  signatures checked against their content: {self.signatures_checked}")
        if self.teams_matched:
            out.append("  teams already on the server, joined: " + ", ".join(self.teams_matched))
        if self.settings_kept:
            out.append("  settings the server had, kept: " + ", ".join(self.settings_kept))
        for problem in self.signatures_not_matching:
            out.append(f"  already changed after signing in the store: {problem}")
        return out


def _tables() -> list[Table]:
    return [t for t in SQLModel.metadata.sorted_tables if t.name not in SKIPPED]


def _rows(source: Session, table: Table) -> Iterator[list[dict[str, Any]]]:
    result = source.connection().execute(table.select())
    while batch := result.mappings().fetchmany(BATCH):
        yield [dict(row) for row in batch]


def _check_people(source: Session, target: Session) -> None:
    """Refuse a store whose people or accounts the server already holds."""
    people = dict(source.exec(select(Staff.staff_id, Staff.id)).all())
    held = dict(target.exec(select(Staff.staff_id, Staff.id)).all())
    same = sorted(sid for sid in people if sid in held)
    names = set(source.exec(select(UserAccount.username)).all())
    taken = sorted(names & set(target.exec(select(UserAccount.username)).all()))
    problems = []
    if same and all(people[s] == held[s] for s in same):
        raise MoveInRefused("This store is on the server already (its people are there "
                            "under the same keys). Nothing was written.")
    if same:
        problems.append("staff ids already on the server: " + ", ".join(same[:20])
                        + (" …" if len(same) > 20 else ""))
    if taken:
        problems.append("user names already on the server: " + ", ".join(taken[:20]))
    if problems:
        raise MoveInRefused("This store shares people with the organisation's database, "
                            "and merging two stores' records of one person is not supported "
                            "yet (their keys are part of what was signed). Nothing was "
                            "written. " + "; ".join(problems) + ".")


def _team_map(source: Session, target: Session, report: MoveReport) -> dict[uuid.UUID, uuid.UUID]:
    held = {t.name: t.id for t in target.exec(select(Team))}
    out = {}
    for team in source.exec(select(Team)):
        if team.name in held:
            out[team.id] = held[team.name]
            report.teams_matched.append(team.name)
    return out


def move_in(source: Session, target: Session, name: str, who: Who) -> MoveReport:
    """Copy everything in ``source`` (a standalone store's read session) into ``target``
    (a write session on the organisation's database, committed by the caller)."""
    report = MoveReport(name)
    chain = verify_chain(source)
    if not chain.intact:
        raise MoveInRefused(f"{name}'s event log is broken at entry {chain.first_break} "
                            f"({chain.reason}); it was not moved in. Nothing was written.")
    _check_people(source, target)
    teams = _team_map(source, target, report)
    settings = {key: value for key, value in target.connection().execute(
        SQLModel.metadata.tables["setting"].select())}
    conn = target.connection()
    later: list[tuple[Table, str, list[dict[str, Any]]]] = []  # links and locks, set last
    for table in _tables():
        self_links = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
        team_columns = [fk.parent.name for fk in table.foreign_keys
                        if fk.column.table.name == "team"]
        deferred = self_links + (["locked_at"] if "locked_at" in table.c else [])
        count = 0
        for batch in _rows(source, table):
            if table.name == "team":
                batch = [row for row in batch if row["id"] not in teams]
            if table.name == "setting":
                for row in batch:
                    if row["key"] in settings and settings[row["key"]] != row["value"]:
                        report.settings_kept.append(row["key"])
                batch = [row for row in batch if row["key"] not in settings]
            for row in batch:
                for column in team_columns:
                    row[column] = teams.get(row[column], row[column])
            for column in deferred:
                keep = [{"_id": row["id"], "_v": row[column]} for row in batch
                        if row[column] is not None]
                if keep:
                    later.append((table, column, keep))
                for row in batch:
                    row[column] = None
            if batch:
                conn.execute(table.insert(), batch)
                count += len(batch)
        report.rows[table.name] = count
    # links first (a contract superseded by a later version), then the locks
    for table, column, values in sorted(later, key=lambda item: item[1] == "locked_at"):
        conn.execute(update(table).where(table.c.id == bindparam("_id"))
                     .values({column: bindparam("_v")}), values)
    report.log_entries = _append_log(source, target, name, who)
    _check_signatures(source, target, report)
    return report


def _append_log(source: Session, target: Session, name: str, who: Who) -> int:
    """The store's log entries, appended to the organisation's chain as they were."""
    last = target.exec(select(EventLog).order_by(col(EventLog.seq).desc()).limit(1)).first()
    seq, prev = (last.seq or 0, last.hash) if last is not None else (0, "")
    count, head = 0, ""
    for entry in source.exec(select(EventLog).order_by(col(EventLog.seq))):
        head = entry.hash
        seq += 1
        copy = EventLog(seq=seq, id=entry.id, at=entry.at, actor_username=entry.actor_username,
                        actor_staff_id=entry.actor_staff_id, action=entry.action,
                        subject_kind=entry.subject_kind, subject_id=entry.subject_id,
                        about_staff_id=entry.about_staff_id, detail=entry.detail,
                        prev_hash=prev, hash="")
        copy.hash = prev = _digest(prev, copy)
        target.add(copy)
        count += 1
        if count % BATCH == 0:
            target.flush()
    target.flush()
    log_event(target, who, "store.moved_in", subject_kind="store",
              detail=f"{name}: {count} log entries (its chain intact, head {head or 'none'})")
    return count


def _check_signatures(source: Session, target: Session, report: MoveReport) -> None:
    """Every signature against its content as it now stands on the server; one that no
    longer fits is refused unless it already did not fit in the store."""
    changed = []
    for signature in target.exec(select(Signature)):
        report.signatures_checked += 1
        if content_hash_of(target, signature.record_kind, signature.record_id) == \
                signature.content_hash:
            continue
        what = f"{signature.record_kind} {signature.record_id} ({signature.typed_name})"
        if content_hash_of(source, signature.record_kind, signature.record_id) != \
                signature.content_hash:
            report.signatures_not_matching.append(what)
        else:
            changed.append(what)
    if changed:
        raise MoveInRefused("Moving in would change what was signed: " + ", ".join(changed[:10])
                            + ". Nothing was written.")
