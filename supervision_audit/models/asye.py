"""The ASYE tracker (Appendix 9): one per newly qualified social worker."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from supervision_audit.models.base import Record


class AsyeTracker(Record, table=True):
    __tablename__ = "asye_tracker"

    supervisee_id: uuid.UUID = Field(foreign_key="staff.id", nullable=False, unique=True)
    values: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    locked_at: datetime | None = Field(default=None)
