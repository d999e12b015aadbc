"""What goes over the wire: pydantic models for every request and answer of the API."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Health(BaseModel):
    status: str
    schema_version: int


class SignIn(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1024)


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    must_change_password: bool


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class Problem(BaseModel):
    field: str
    message: str
    row: int | None = None


class ErrorOut(BaseModel):
    detail: str
    problems: list[Problem] = []


class StaffOut(BaseModel):
    staff_id: str
    name: str
    job_title: str
    team: str
    role: str
    supervisor: str
    active: bool


class Signed(BaseModel):
    name: str
    role: str
    signed_at: str = ""


class ToSign(BaseModel):
    name: str
    role: str


class RecordSummary(BaseModel):
    id: uuid.UUID
    form: str
    held_on: date
    status: str
    signed: list[Signed]
    to_sign: list[ToSign]


class RecordOut(RecordSummary):
    supervisee: str | None  # staff ids, as the organisation knows its people
    supervisor: str
    start_time: time | None
    end_time: time | None
    values: dict[str, Any]
    final: bool
    copy_given_on: date | None


class ComplianceOut(BaseModel):
    """One supervisee's figures, as ``compliance --json`` gives them (fields the
    computation adds later pass through)."""

    model_config = ConfigDict(extra="allow")

    staff_id: str
    name: str
    supervisor_id: str | None
    cadence: str
    last_completed: str | None
    next_due: str | None
    overdue: bool
    days_overdue: int
    contract_status: str
