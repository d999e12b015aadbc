"""What each person has already been reminded of, kept in the (encrypted) store: the keys
of the dashboard items they saw when they last dismissed their reminders. The keys name
people, records and what is due, so they are never kept outside the store."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from sqlmodel import Session

from supervision_audit.services.access import Actor
from supervision_audit.services.settings import get_setting, put_setting

PREFIX = "reminders_seen/"


def _key(actor: Actor) -> str:
    owner = str(actor.account_id) if actor.account_id else \
        hashlib.sha256(actor.username.encode("utf-8")).hexdigest()[:32]
    return PREFIX + owner


def load_seen(session: Session, actor: Actor) -> set[str] | None:
    """The keys recorded at ``actor``'s last dismissal, or None if they never dismissed."""
    value = get_setting(session, _key(actor))
    if not value:
        return None
    try:
        keys = json.loads(value)
    except ValueError:
        return None
    return {str(k) for k in keys} if isinstance(keys, list) else None


def save_seen(session: Session, actor: Actor, keys: Iterable[str]) -> None:
    """Record ``keys`` as what ``actor`` has seen (bookkeeping: not logged)."""
    put_setting(session, _key(actor), json.dumps(sorted(keys)))
