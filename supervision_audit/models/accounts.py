"""User accounts: each belongs to a member of staff; administrators and inspectors are flags."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from supervision_audit.models.base import Record


class UserAccount(Record, table=True):
    __tablename__ = "user_account"

    username: str = Field(max_length=100, unique=True, nullable=False)
    staff_id: uuid.UUID = Field(foreign_key="staff.id", nullable=False, index=True)
    password_hash: str = Field(nullable=False)
    is_admin: bool = Field(default=False, nullable=False)
    is_inspector: bool = Field(default=False, nullable=False)
    # inspector scope: team ids (as strings), or ["*"] for the whole organisation
    inspector_scope: list[Any] = Field(default_factory=list,
                                       sa_column=Column(JSON, nullable=False))
    inspector_until: date | None = Field(default=None)
    active: bool = Field(default=True, nullable=False)
    must_change_password: bool = Field(default=False, nullable=False)
    last_signed_in_at: datetime | None = Field(default=None)
