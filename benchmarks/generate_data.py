"""The large organisation's vocabulary and the bulk writer (see ``generate``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.engine import Connection

from supervision_audit.models import (
    ActionItem,
    ActionReview,
    AsyeTracker,
    AuditAction,
    Case,
    CaseDiscussion,
    Contract,
    DirectObservation,
    FileAudit,
    GroupAttendee,
    Signature,
    Staff,
    SupervisionRecord,
    SupervisionSession,
    SupervisorChange,
    Team,
)

PASSWORD = "benchmark-password"
ORGANISATION = "Northfield Children's Services (benchmark)"
SERVICES = ("Safeguarding", "Children in Care", "Fostering", "Early Help", "Disabled Children")
TEAM_KINDS = {
    "Safeguarding": ("Assessment", "Child Protection", "Court", "MASH"),
    "Children in Care": ("Children in Care", "Care Leavers", "Permanence"),
    "Fostering": ("Fostering", "Kinship", "Recruitment"),
    "Early Help": ("Family Support", "Targeted Youth", "Edge of Care"),
    "Disabled Children": ("Children with Disabilities", "Short Breaks", "Transitions"),
}
AREAS = ("North", "South", "East", "West", "Central", "Riverside", "Hillside", "Parkway",
         "Canal", "Harbour", "Castle", "Market", "Forest", "Bridge", "Station")
FIRST = ("Amira", "Ben", "Chloe", "Daniel", "Ewa", "Farah", "George", "Hannah", "Imran", "Jade",
         "Kwame", "Laura", "Mohammed", "Niamh", "Oliver", "Priya", "Rhys", "Sofia", "Tomasz",
         "Uma", "Victoria", "William", "Yusuf", "Zoë", "Aled", "Bronwen", "Siobhán", "Łucja")
LAST = ("Adeyemi", "Brown", "Chen", "Davies", "Evans", "Fernandes", "Green", "Hughes", "Iqbal",
        "Jones", "Kowalski", "Lewis", "Morgan", "Nowak", "O'Brien", "Patel", "Quinn", "Roberts",
        "Singh", "Thomas", "Usman", "Vaughan", "Williams", "Xu", "Young", "Żak", "Ní Bhriain")
WELCOME = ("Checked in on wellbeing; {name} said the month had been busy but manageable. "
           "Agenda agreed.")
WORKLOAD = ("{n} cases allocated. Discussed priorities for the coming month, two new referrals "
            "and the visits due before the next review.")
CASEWORK = "Casework reviewed against the plans; chronologies up to date on the cases sampled."
REFLECTIVE = ("Reflected on a home visit where the child's voice was hard to hear; explored how "
              "to use direct work tools and what the family's history tells us.")
PERFORMANCE = "Reviewed appraisal objectives; training on {course} booked."
WELFARE = "Annual leave planned; no concerns raised. Reminded of the staff counselling service."
STAFFING = "One vacancy out to advert; agency cover in place until the end of the quarter."
BUDGETS = "Section 17 spend on track; one transport request escalated."
COMPLAINTS = "One stage 1 complaint answered within timescale; learning shared with the team."
COURSES = ("court skills", "Signs of Safety mapping", "chronologies", "trauma-informed practice",
           "neglect toolkit", "contextual safeguarding")
COPY_METHODS = ("printed", "emailed", "handed")
FEEDBACK = ("A thoughtful log: the analysis of the family's history is clear; next time say "
            "more about how the child's wishes shaped the plan.")
MANAGER_ROLES = ("team_manager", "senior_manager")


@dataclass
class Person:
    id: uuid.UUID
    staff_id: str
    name: str
    role: str
    job_title: str
    team: uuid.UUID
    supervisor: uuid.UUID | None
    employment_start: date
    asye_start: date | None = None
    username: str = ""
    earlier_supervisor: uuid.UUID | None = None  # before ``changed_on``
    changed_on: date | None = None

    def supervisor_on(self, day: date) -> uuid.UUID | None:
        if self.changed_on is not None and day < self.changed_on:
            return self.earlier_supervisor
        return self.supervisor


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n


class Writer:
    """Row buffers per table, written with Core ``insert()`` in dependency order.

    Each flush is one transaction. Foreign keys stay checked as rows go in, so parents go
    first (in this chunk or an earlier one). Records go in unlocked and
    are made final (``locked_at``) after their actions and attendees, as in the app: the
    locking triggers refuse an action or an attendee added to a final record.
    """

    ORDER: tuple[type, ...] = (Team, Staff, SupervisorChange, Case, SupervisionSession,
                               SupervisionRecord, ActionItem, ActionReview, GroupAttendee,
                               CaseDiscussion, Contract, AsyeTracker, FileAudit, AuditAction,
                               DirectObservation, Signature)

    def __init__(self, conn: Connection, counts: Counts, chunk: int = 20_000) -> None:
        self.conn = conn
        self.counts = counts
        self.chunk = chunk
        self.buffers: dict[type, list[dict[str, Any]]] = {model: [] for model in self.ORDER}
        self.locks: list[dict[str, Any]] = []
        records = SupervisionRecord.__table__  # type: ignore[attr-defined]
        self.lock_statement = (update(records).where(records.c.id == bindparam("record"))
                               .values(locked_at=bindparam("at")))

    def add(self, model: type, row: dict[str, Any]) -> None:
        self.buffers[model].append(row)

    def lock(self, record_id: uuid.UUID, at: datetime) -> None:
        self.locks.append({"record": record_id, "at": at})

    def maybe_flush(self) -> None:
        if sum(len(rows) for rows in self.buffers.values()) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        # a rescheduled session before the missed one that points at it; a contract's next
        # version before the one it supersedes
        self.buffers[SupervisionSession].sort(key=lambda r: r["rescheduled_session_id"]
                                              is not None)
        self.buffers[Contract].sort(key=lambda r: -r["version"])
        for model in self.ORDER:
            rows = self.buffers[model]
            if rows:
                table: Table = model.__table__  # type: ignore[attr-defined]
                self.conn.execute(insert(table), rows)
                self.counts.add(table.name, len(rows))
                rows.clear()
        if self.locks:
            self.conn.execute(self.lock_statement, self.locks)
            self.locks.clear()
        self.conn.commit()  # each chunk whole: its rows' parents went in before them
