"""Signatures and addenda: once written, never changed (the store refuses, see migration 0005)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, Index, LargeBinary
from sqlmodel import Field

from supervision_audit.models.base import Record, utcnow


class Signature(Record, table=True):
    """Who signed which content, in what role, meaning what, when."""

    __tablename__ = "signature"
    __table_args__ = (Index("ix_signature_record", "record_kind", "record_id"),
                      Index("ix_signature_signer", "signer_staff_id"))

    record_kind: str = Field(max_length=20, nullable=False)  # contract | record | addendum
    record_id: uuid.UUID = Field(nullable=False)
    signer_staff_id: uuid.UUID = Field(foreign_key="staff.id", nullable=False)
    role: str = Field(max_length=20, nullable=False)  # supervisor | supervisee | attendee | author
    typed_name: str = Field(max_length=200, nullable=False)
    meaning: str = Field(nullable=False)
    signed_at: datetime = Field(default_factory=utcnow, nullable=False)
    content_hash: str = Field(max_length=64, nullable=False)
    image_png: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    account_username: str = Field(default="", max_length=100, nullable=False)
    in_person: bool = Field(default=False, nullable=False)  # signed on the supervisor's machine
    witnessed_by: uuid.UUID | None = Field(default=None, foreign_key="staff.id")


class Addendum(Record, table=True):
    """A dated correction to a final record, with its reason; itself signed by its author."""

    __tablename__ = "addendum"
    __table_args__ = (Index("ix_addendum_record", "record_kind", "record_id"),)

    record_kind: str = Field(max_length=20, nullable=False)
    record_id: uuid.UUID = Field(nullable=False)
    author_staff_id: uuid.UUID = Field(foreign_key="staff.id", nullable=False)
    written_on: date = Field(nullable=False)
    reason: str = Field(nullable=False)
    text: str = Field(nullable=False)
