"""Signing in to a replica that has been away from the server too long.

Called by ``services.signin`` once the password has opened the store, before anything is
shown: a standalone store, or a replica that reached the server within the organisation's
``offline_sign_in_days`` (``trust``), signs in as ever. Past that, the laptop tries the server
with its own key (a short wait): reached, the sign-in goes on (and the window syncs on
start); told the account is closed, the replica is wiped (``AccountClosed``); not reached,
the sign-in is refused with the reason and what to do (``OfflineTooLong``).
"""

from __future__ import annotations

from datetime import date

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.sync.client import ServerLink
from supervision_audit.sync.replica import read_state
from supervision_audit.sync.replica_schema import is_replica
from supervision_audit.sync.trust import (
    AccountClosed,
    OfflineTooLong,
    last_contact_day,
    offline_days_allowed,
    record_contact,
    wipe_replica,
)

CONTACT_SECONDS = 15.0


def check_offline_sign_in(store: Store, today: date) -> None:
    """Refuse an offline sign-in to a replica past its organisation's limit (see above)."""
    with store.read() as session:
        conn = session.connection()
        if not is_replica(conn):
            return
        state = read_state(conn)
        allowed = offline_days_allowed(session)
    last = last_contact_day(state.last_contact or state.last_synced_at)
    if last is None or (today - last).days <= allowed:
        return
    days = (today - last).days
    link = ServerLink(state.server, state.device, timeout=CONTACT_SECONDS)
    try:
        if not state.device_key:
            raise SupervisionAuditError("this laptop has no key of its own to sign in with")
        link.sign_in_device(state.device_key)
    except AccountClosed as exc:
        raise AccountClosed(wipe_replica(store, str(exc))) from exc
    except SupervisionAuditError as exc:
        raise OfflineTooLong(
            f"This laptop has not reached the organisation's server since "
            f"{last:%d/%m/%Y} ({days} days), and your organisation allows signing in "
            f"offline for {allowed} days after that. Connect the laptop to the network you "
            f"sync on and sign in again: it will reach the server first, then open as "
            f"usual. (The server could not be reached just now: {exc})") from exc
    record_contact(store)
