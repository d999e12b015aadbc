"""Organisation settings stored in the database."""

from __future__ import annotations

from sqlmodel import Session

from supervision_audit.models import Setting
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.events import log_event

DEFAULTS: dict[str, str] = {
    "organisation_name": "Children's Services",
}


def get_setting(session: Session, key: str) -> str:
    row = session.get(Setting, key)
    return row.value if row is not None else DEFAULTS.get(key, "")


def put_setting(session: Session, key: str, value: str) -> None:
    """Store a setting (no check, not logged: for callers that checked and log themselves)."""
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    session.flush()


def set_setting(session: Session, actor: Actor, key: str, value: str) -> None:
    require(session, actor, Action.MANAGE_SETTINGS)
    put_setting(session, key, value)
    log_event(session, actor.who, "settings.change", subject_kind="setting", subject_id=key,
              detail=value)


def organisation_name(session: Session) -> str:
    return get_setting(session, "organisation_name")
