"""A laptop's own key: it signs the laptop in to sync without asking for the password.

The key is made when the replica is (its user signed in with their password then), kept in
the replica (encrypted with it) and on the server only as its SHA-256. Signing in with it
gives the same short-lived token as a password does, and only while the account may sign
in at all (a closed account, or an inspector whose access ended, is refused at once, as on
every request). Each use is logged, as a sign-in is.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from supervision_audit.errors import SupervisionAuditError
from supervision_audit.models import UserAccount
from supervision_audit.services.access import Actor, PermissionDenied

KEY_BYTES = 32


class DeviceKeyRefused(SupervisionAuditError):
    """No such device, or not its key."""


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def register(session: Session, actor: Actor, device: str) -> str:
    """A new key for ``device``, a replica of ``actor``'s (registered to them now)."""
    conn = session.connection()
    found = conn.execute(text("SELECT account_id FROM sync_device WHERE device_id = :d"),
                         {"d": device}).scalar()
    if found is not None and found != actor.account_id:
        raise PermissionDenied(f"The device {device} is another account's replica.")
    key = secrets.token_urlsafe(KEY_BYTES)
    if found is None:
        conn.execute(text("INSERT INTO sync_device (device_id, account_id, username, key_hash) "
                          "VALUES (:d, :a, :u, :k)"),
                     {"d": device, "a": actor.account_id, "u": actor.username, "k": _hash(key)})
    else:
        conn.execute(text("UPDATE sync_device SET key_hash = :k WHERE device_id = :d"),
                     {"d": device, "k": _hash(key)})
    return key


def account_of_key(session: Session, device: str, key: str) -> UserAccount:
    """The account whose laptop ``device`` holds ``key``; DeviceKeyRefused otherwise."""
    found: Any = session.connection().execute(
        text("SELECT account_id, key_hash FROM sync_device WHERE device_id = :d"),
        {"d": device}).first()
    if found is None or not found.key_hash or \
            not hmac.compare_digest(found.key_hash, _hash(key)):
        raise DeviceKeyRefused("This laptop's key is not known to the server: sign in with "
                               "your password.")
    account = session.get(UserAccount, found.account_id)
    if account is None:
        raise DeviceKeyRefused("This laptop's account no longer exists on the server.")
    return account
