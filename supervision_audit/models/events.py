"""The append-only event log: who did what, when, to which record; each entry hash-chained."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from supervision_audit.models.base import new_id, utcnow


class EventLog(SQLModel, table=True):
    __tablename__ = "event_log"
    __table_args__ = (
        Index("ix_event_log_about_at", "about_staff_id", "at"),
        Index("ix_event_log_actor_at", "actor_staff_id", "at"),
    )

    seq: int | None = Field(default=None, primary_key=True)  # the chain's order
    id: uuid.UUID = Field(default_factory=new_id, unique=True, nullable=False)
    at: datetime = Field(default_factory=utcnow, nullable=False, index=True)
    actor_username: str = Field(default="", max_length=100, nullable=False)
    actor_staff_id: uuid.UUID | None = Field(default=None)
    action: str = Field(max_length=50, nullable=False)
    subject_kind: str = Field(default="", max_length=50, nullable=False)
    subject_id: str = Field(default="", max_length=64, nullable=False)
    about_staff_id: uuid.UUID | None = Field(default=None)
    detail: str = Field(default="", nullable=False)
    prev_hash: str = Field(default="", max_length=64, nullable=False)
    hash: str = Field(max_length=64, nullable=False)
