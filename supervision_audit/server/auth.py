"""Signing in to the server, and who a request comes from.

Passwords are checked against the account's Argon2id hash on the server. Every failed
attempt is logged (never the password); after ``FREE_FAILURES`` failures in a row an account
waits before its next attempt, the wait doubling with each further failure up to
``MAX_WAIT``. The count is read from the organisation's log, so every server process in
front of the database agrees on it.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from supervision_audit.errors import SupervisionAuditError
from supervision_audit.models import EventLog, UserAccount
from supervision_audit.pg.log_writer import Also, write_now
from supervision_audit.pg.store import PgStore
from supervision_audit.security.passwords import verify_password
from supervision_audit.server.tokens import DEFAULT_LIFETIME, BadToken, TokenClaims, issue
from supervision_audit.services.access import Actor, actor_for
from supervision_audit.services.accounts import Vault, account_named
from supervision_audit.services.events import NewEvent, Who

WRONG = "The user name or password is not right."
FREE_FAILURES = 3
FIRST_WAIT = timedelta(seconds=2)
MAX_WAIT = timedelta(minutes=15)
# the server keeps no store key: accounts' passwords wrap nothing on the server
NO_VAULT = Vault(Path(), None)
# Argon2id takes a processor and (at the app's costs) 64 MiB for each check: as many checks
# at once as there are processors, so that a crowd signing in neither starves the other
# requests nor swells the server's memory
_HASHING = threading.BoundedSemaphore(os.cpu_count() or 2)
AppendLog = Callable[[Sequence[NewEvent], Also | None], None]


def password_matches(stored_hash: str, password: str) -> bool:
    """The server's check of a password, a few at a time (``_HASHING``)."""
    with _HASHING:
        return verify_password(stored_hash, password)


class SignInRefused(SupervisionAuditError):
    """Wrong name or password, a closed account, an inspector whose access has ended."""


class TooSoon(SupervisionAuditError):
    """Too many failed attempts for this account: wait ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"Too many failed sign-ins for this account: try again in "
                         f"{retry_after} seconds.")


@dataclass(frozen=True)
class Caller:
    """Where a request comes from, as the log records it (what the client says of its
    device, and the address the server saw)."""

    device: str = ""
    address: str = ""

    def note(self, extra: str = "") -> str:
        parts = [p for p in (extra, f"device {self.device}" if self.device else "",
                             f"from {self.address}" if self.address else "") if p]
        return "; ".join(parts)


def wait_for(session: Session, account: UserAccount, now: datetime) -> timedelta:
    """How long ``account`` must still wait before its next attempt (zero: none)."""
    recent = session.exec(
        select(EventLog.action, EventLog.at)
        .where(EventLog.actor_staff_id == account.staff_id,
               EventLog.actor_username == account.username,
               col(EventLog.action).in_(("sign_in", "sign_in.failed")))
        .order_by(col(EventLog.seq).desc()).limit(FREE_FAILURES + 20)).all()
    failures, last = 0, None
    for action, at in recent:
        if action == "sign_in":
            break
        failures += 1
        last = last or at
    if failures < FREE_FAILURES or last is None:
        return timedelta(0)
    wait = min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES), MAX_WAIT)
    return max(timedelta(0), last + wait - now)


def sign_in(store: PgStore, key: bytes, username: str, password: str, caller: Caller, *,
            lifetime: timedelta = DEFAULT_LIFETIME, today: date | None = None,
            append: AppendLog | None = None) -> tuple[str, TokenClaims]:
    """A token for ``username`` if the password is right and the account may sign in.

    The attempt is logged through ``append`` (the server's ``LogWriter.append``; by
    default a transaction of its own)."""
    name = username.strip()[:100]
    now = datetime.now(UTC)
    write = append or (lambda batch, also: write_now(store, batch, also))

    def refuse(who: Who, account_id: uuid.UUID | None, why: str,
               action: str = "sign_in.failed") -> None:
        write([NewEvent(who, action, "account", str(account_id or ""), who.staff_id,
                        caller.note(why))], None)

    with store.read() as session:
        account = account_named(session, name)
        wait = wait_for(session, account, now) if account is not None else timedelta(0)
    if account is None:
        refuse(Who(name), None, "no such account")
        raise SignInRefused(WRONG)
    who = Who(account.username, account.staff_id)
    if wait > timedelta(0):
        refuse(who, account.id, "too soon after repeated failures", "sign_in.too_soon")
        raise TooSoon(max(1, int(wait.total_seconds() + 0.999)))
    if not password_matches(account.password_hash, password):
        refuse(who, account.id, "wrong password")
        raise SignInRefused(WRONG)
    problem = account_problem(account, today or date.today())
    if problem:
        refuse(who, account.id, problem)
        raise SignInRefused(problem)

    account_id = account.id

    def stamp(session: Session) -> None:
        signed_in = session.get(UserAccount, account_id)
        if signed_in is not None:
            signed_in.last_signed_in_at = now

    write([NewEvent(who, "sign_in", "account", str(account_id), account.staff_id,
                    caller.note("server"))], stamp)
    claims = TokenClaims(account.id, account.username, now + lifetime,
                         account.must_change_password)
    return issue(key, claims), claims


def account_problem(account: UserAccount, today: date) -> str:
    """Why this account may not be used now ("" when it may)."""
    if not account.active:
        return "This account has been closed."
    if account.is_inspector and (account.inspector_until is None
                                 or today > account.inspector_until):
        return "This inspector's access has ended."
    return ""


def actor_of(session: Session, claims: TokenClaims, today: date) -> Actor:
    """The person a valid token names, as they stand now (the account is read again)."""
    account = session.get(UserAccount, claims.account_id)
    if account is None or account.username != claims.username:
        raise BadToken("the account of this token no longer exists")
    problem = account_problem(account, today)
    if problem:
        raise BadToken(problem)
    return actor_for(session, account)
