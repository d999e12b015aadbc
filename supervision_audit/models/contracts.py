"""The supervision contract (Appendix 1): one row per version, its fields as form values."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field

from supervision_audit.models.base import Record


class Contract(Record, table=True):
    __tablename__ = "contract"
    __table_args__ = (Index("ix_contract_supervisee_version", "supervisee_id", "version"),)

    supervisee_id: uuid.UUID = Field(foreign_key="staff.id", nullable=False)
    supervisor_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id")
    version: int = Field(default=1, nullable=False)
    date_agreed: date | None = Field(default=None)
    # frequency in days when an agreed interval more frequent than the policy applies
    agreed_interval_days: int | None = Field(default=None)
    values: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    superseded_by_id: uuid.UUID | None = Field(default=None, foreign_key="contract.id")
    locked_at: datetime | None = Field(default=None)  # final: signed by both parties
