"""Opening the protected store: first run, signing in, checking a password again, recovery."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import event
from sqlmodel import Session

from supervision_audit.db import Store, connect_raw, open_store
from supervision_audit.errors import LockedOutError, StoreError, ValidationError, WrongKeyError
from supervision_audit.models import Role, UserAccount, utcnow
from supervision_audit.security.keyring import (
    format_recovery_key,
    keyring_path,
    load_keyring,
    new_store_key,
    parse_recovery_key,
)
from supervision_audit.security.passwords import hash_password, verify_password
from supervision_audit.security.wipe import read_note
from supervision_audit.services.access import SYSTEM_ACTOR, Actor, actor_for
from supervision_audit.services.accounts import (
    Vault,
    account_named,
    add_account,
    check_new_password,
)
from supervision_audit.services.events import SYSTEM, Who, log_event
from supervision_audit.services.log_anchor import anchor_path, checkpoint_now
from supervision_audit.services.settings import set_setting
from supervision_audit.services.signin_guard import UNKNOWN, Clock, SignInGuard
from supervision_audit.services.staff import StaffInput, save_staff
from supervision_audit.services.store_keys import (
    open_with_slot,
    settle_slot,
    start_anchoring,
)

WRONG = "The user name or password is not right."
FAILED_SIGN_IN = "sign_in.failed"


@dataclass
class OpenStore:
    """A store opened by a signed-in person."""

    store: Store
    actor: Actor
    vault: Vault


@dataclass(frozen=True)
class FirstRun:
    organisation: str
    admin_name: str
    admin_staff_id: str
    username: str
    password: str
    admin_job_title: str = "Administrator"
    encrypted: bool = True


def is_new(db_path: Path) -> bool:
    return not db_path.exists() or db_path.stat().st_size == 0


def is_encrypted(db_path: Path) -> bool:
    return keyring_path(db_path).exists()


def first_run(db_path: Path, setup: FirstRun) -> tuple[OpenStore, str | None]:
    """Create the organisation, its first administrator and (by default) the encrypted store.

    Returns the open store and the recovery key to show once (None for a plain store).
    """
    db_path = Path(db_path)
    if not is_new(db_path) or is_encrypted(db_path):
        raise StoreError(f"{db_path.name} already exists; sign in to it instead.")
    if not setup.organisation.strip():
        raise ValidationError([], summary="The organisation needs a name.")
    key = new_store_key() if setup.encrypted else None
    vault = Vault(db_path, key)
    store = open_store(db_path, key=key)
    try:
        with store.write() as session:
            set_setting(session, SYSTEM_ACTOR, "organisation_name", setup.organisation.strip())
            person = save_staff(session, SYSTEM_ACTOR, StaffInput(
                staff_id=setup.admin_staff_id, name=setup.admin_name,
                job_title=setup.admin_job_title, role=Role.OTHER.value))
            account = add_account(session, vault, person.id, setup.username, setup.password,
                                  is_admin=True)
            actor = actor_for(session, account)
            start_anchoring(store)
            log_event(session, actor.who, "store.create", detail=setup.organisation.strip())
        with store.write() as session:
            checkpoint_now(session)  # the anchor file starts with the store
    except Exception:
        store.close()
        for leftover in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm"),
                         keyring_path(db_path), anchor_path(db_path)):
            leftover.unlink(missing_ok=True)
        raise
    return (OpenStore(store, actor, Vault(db_path, key, store)),
            format_recovery_key(key) if key else None)



def sign_in(db_path: Path, username: str, password: str, *, today: date | None = None,
            busy_timeout_ms: int | None = None, clock: Clock | None = None) -> OpenStore:
    """Unlock and open the store as ``username``; WrongKeyError for a bad name or password.

    Each failure is kept for the event log (written at the next sign-in that succeeds);
    after repeated wrong passwords the user name must wait, longer each time
    (LockedOutError, before the password is even tried). ``clock`` gives the time now.
    """
    db_path = Path(db_path)
    if is_new(db_path) and not is_encrypted(db_path):
        wiped = read_note(db_path)
        raise StoreError(wiped or f"There is no database at {db_path}; set up a new one "
                                  "first.")
    name, now = username.strip(), (clock or utcnow)()
    guard = SignInGuard(db_path)
    known = _has_account(db_path, name)
    guard.refuse_if_locked(name, now, known)
    try:
        opened = _sign_in(db_path, name, password, guard, today, busy_timeout_ms)
    except LockedOutError:
        raise
    except WrongKeyError as exc:
        until = guard.failed(name, now, str(exc), known)
        if until is None:
            raise
        raise LockedOutError(f"{exc} After repeated wrong passwords this user name must "
                             f"wait {math.ceil((until - now).total_seconds())} seconds before "
                             "trying again.", until) from exc
    guard.succeeded(name)
    return opened


def _has_account(db_path: Path, username: str) -> bool:
    """Whether ``username`` names an account, as far as can be told without a password (an
    encrypted store: a slot in its keyring)."""
    keyring = load_keyring(db_path)
    if keyring is not None:
        return username in keyring.slots
    try:
        conn = connect_raw(db_path, None, read_only=True)
    except Exception:  # noqa: BLE001 - unreadable: the sign-in says why
        return False
    try:
        return conn.execute("SELECT 1 FROM user_account WHERE username = ?",
                            (username,)).fetchone() is not None
    except Exception:  # noqa: BLE001
        return False
    finally:
        conn.close()


def _log_failures(session: Session, guard: SignInGuard) -> None:
    """The failed sign-ins kept beside the store, into the event log (once)."""
    attempts = guard.pending()
    for attempt in attempts:
        account = account_named(session, attempt.username) if attempt.username != UNKNOWN \
            else None
        staff = account.staff_id if account is not None else None
        log_event(session, Who(attempt.username, staff), FAILED_SIGN_IN,
                  subject_kind="account", subject_id=account.id if account else "",
                  about_staff_id=staff,
                  detail=f"{attempt.at.astimezone():%d/%m/%Y %H:%M:%S}: {attempt.reason}")
    if attempts:
        done = {a.id for a in attempts}
        event.listen(session, "after_commit", lambda _s: guard.logged(done), once=True)


def _sign_in(db_path: Path, username: str, password: str, guard: SignInGuard,
             today: date | None, busy_timeout_ms: int | None) -> OpenStore:
    kwargs = {} if busy_timeout_ms is None else {"busy_timeout_ms": busy_timeout_ms}
    store, keyring = open_with_slot(db_path, username, password, **kwargs)
    key = store.key
    try:
        with store.read() as session:
            account = account_named(session, username)
            # An encrypted store's key came from this person's own keyring slot, which only
            # their password unwraps (Argon2id, as the hash is): asking Argon2id again would
            # prove nothing more and cost as much again. A plain store checks the hash.
            if account is None or (key is None and
                                   not verify_password(account.password_hash, password)):
                raise WrongKeyError(WRONG)
            if not account.active:
                raise WrongKeyError("This account has been closed.")
            if account.is_inspector and (account.inspector_until is None or
                                         (today or date.today()) > account.inspector_until):
                raise WrongKeyError("This inspector's access has ended.")
            actor = actor_for(session, account)
        # a laptop's replica long away from the organisation's server reaches it first
        # (imported here: the sync layer is built on these services)
        from supervision_audit.sync.offline_gate import check_offline_sign_in

        check_offline_sign_in(store, today or date.today())
        account_id, signed_in_at = account.id, utcnow()
        settle_slot(store, keyring, username, password)

        def record_sign_in(session: Session) -> None:
            signed_in = session.get(UserAccount, account_id)
            if signed_in is not None:
                signed_in.last_signed_in_at = signed_in_at
            log_event(session, actor.who, "sign_in", subject_kind="account",
                      subject_id=account_id, about_staff_id=actor.staff_id)
            if store.locks_restored:
                log_event(session, SYSTEM, "store.locks_restored", subject_kind="store",
                          detail="missing or altered, put back: "
                                 + ", ".join(store.locks_restored))
            _log_failures(session, guard)

        # A large store is still being checked in the background: this is written when
        # the check has found it sound (at once for a small store).
        store.write_after_check(record_sign_in)
    except Exception:
        store.close()
        raise
    return OpenStore(store, actor, Vault(db_path, key, store))


def check_password(opened: OpenStore, password: str) -> bool:
    """The signed-in person's password, asked again (after an idle lock, or to sign)."""
    with opened.store.read() as session:
        account: UserAccount | None = account_named(session, opened.actor.username)
        return account is not None and verify_password(account.password_hash, password)


def open_with_recovery_key(db_path: Path, recovery_key: str) -> Store:
    """Open an encrypted store with the recovery key (the keyring may be lost)."""
    return open_store(Path(db_path), key=parse_recovery_key(recovery_key), create=False)


def recover_account(db_path: Path, recovery_key: str, username: str, new_password: str) -> None:
    """Set a new password for ``username`` using the recovery key (e.g. the only admin forgot)."""
    check_new_password(new_password)
    key = parse_recovery_key(recovery_key)
    store = open_store(Path(db_path), key=key, create=False)
    try:
        with store.write() as session:
            account = account_named(session, username)
            if account is None:
                raise WrongKeyError(f"There is no account '{username}'.")
            account.password_hash = hash_password(new_password)
            account.must_change_password = True
            Vault(Path(db_path), key).set_password(username, new_password)
            log_event(session, Who("recovery-key"), "account.recover", subject_kind="account",
                      subject_id=account.id, about_staff_id=account.staff_id)
    finally:
        store.close()


__all__ = ["SYSTEM", "FirstRun", "OpenStore", "check_password", "first_run", "is_encrypted",
           "is_new", "open_with_recovery_key", "recover_account", "sign_in"]
