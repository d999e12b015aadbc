"""Teams, staff and the history of who supervised whom."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field

from supervision_audit.models.base import Record
from supervision_audit.text_rules import NAME_MAX, PHONE_MAX, STAFF_ID_MAX


class Role(StrEnum):
    PRACTITIONER = "practitioner"
    ASYE = "asye"
    TEAM_MANAGER = "team_manager"
    SENIOR_MANAGER = "senior_manager"
    FOSTER_CARER = "foster_carer"
    OTHER = "other"


ROLES: tuple[str, ...] = tuple(r.value for r in Role)

ROLE_LABELS: dict[str, str] = {
    "practitioner": "Practitioner",
    "asye": "ASYE (newly qualified)",
    "team_manager": "Team manager",
    "senior_manager": "Senior manager",
    "foster_carer": "Foster carer",
    "other": "Other",
}


class Team(Record, table=True):
    __tablename__ = "team"

    name: str = Field(max_length=NAME_MAX, unique=True, nullable=False)
    service: str = Field(default="", max_length=NAME_MAX, nullable=False)


class Staff(Record, table=True):
    __tablename__ = "staff"
    __table_args__ = (
        CheckConstraint(
            "role IN ('practitioner','asye','team_manager','senior_manager',"
            "'foster_carer','other')",
            name="ck_staff_role",
        ),
        CheckConstraint("supervisor_id IS NULL OR supervisor_id != id", name="ck_staff_not_self"),
        Index("ix_staff_supervisor_active", "supervisor_id", "active"),
        Index("ix_staff_team_name", "team_id", "name"),
    )

    staff_id: str = Field(max_length=STAFF_ID_MAX, unique=True, nullable=False)
    name: str = Field(max_length=NAME_MAX, nullable=False, index=True)
    job_title: str = Field(default="", max_length=NAME_MAX, nullable=False)
    team_id: uuid.UUID | None = Field(default=None, foreign_key="team.id")
    location: str = Field(default="", max_length=NAME_MAX, nullable=False)
    phone: str = Field(default="", max_length=PHONE_MAX, nullable=False)
    email: str = Field(default="", max_length=NAME_MAX, nullable=False)
    role: str = Field(default=Role.PRACTITIONER.value, max_length=20, nullable=False)
    supervisor_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id")
    employment_start: date | None = Field(default=None)
    asye_start: date | None = Field(default=None)
    active: bool = Field(default=True, nullable=False)
    left_on: date | None = Field(default=None)


class SupervisorChange(Record, table=True):
    """One period of supervision: who supervised the supervisee from when to when."""

    __tablename__ = "supervisor_change"
    __table_args__ = (Index("ix_supervisor_change_supervisee", "supervisee_id", "started_on"),)

    supervisee_id: uuid.UUID = Field(foreign_key="staff.id", nullable=False)
    supervisor_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id")
    started_on: date = Field(nullable=False)
    ended_on: date | None = Field(default=None)
    changed_by: str = Field(default="", max_length=200, nullable=False)
