"""Organisation-wide settings as key/value pairs."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Setting(SQLModel, table=True):
    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(default="", nullable=False)
