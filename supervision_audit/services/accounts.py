"""User accounts: creating them, passwords, inspector grants. Keys follow passwords.

Each account's password also unlocks the store's key (see security/keyring.py), so creating
an account, changing or resetting a password writes the keyring beside the database too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from supervision_audit.errors import NotFoundError, Problem, ValidationError
from supervision_audit.models import Staff, Team, UserAccount, utcnow
from supervision_audit.security.keyring import Keyring, load_keyring, save_keyring
from supervision_audit.security.passwords import Costs, hash_password, password_problem
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.events import log_event


@dataclass(frozen=True)
class Vault:
    """Where the store's key slots live: the keyring beside ``db_path``; None key: plain store.

    With ``store``, the key is the store's own as it is now (it changes when the store is
    re-keyed)."""

    db_path: Path
    key: bytes | None
    store: Any = None

    @property
    def current_key(self) -> bytes | None:
        return self.store.key if self.store is not None else self.key

    def set_password(self, username: str, password: str) -> None:
        key = self.current_key
        if key is None:
            return
        keyring = load_keyring(self.db_path) or Keyring()
        keyring.add(username, password, key, Costs.kdf)
        save_keyring(self.db_path, keyring)

    def remove(self, username: str) -> None:
        if self.current_key is None:
            return
        keyring = load_keyring(self.db_path)
        if keyring is not None:
            keyring.remove(username)
            save_keyring(self.db_path, keyring)


def check_new_password(password: str, field: str = "password") -> None:
    problem = password_problem(password)
    if problem:
        raise ValidationError(Problem(field, problem))


def account_named(session: Session, username: str) -> UserAccount | None:
    return session.exec(select(UserAccount).where(UserAccount.username == username)).first()


def add_account(
    session: Session,
    vault: Vault,
    staff_uuid: uuid.UUID,
    username: str,
    password: str,
    *,
    is_admin: bool = False,
) -> UserAccount:
    """Create an account (no permission check: for first run and callers that checked)."""
    username = username.strip()
    problems = []
    if not username:
        problems.append(Problem("username", "A user name is required"))
    elif account_named(session, username) is not None:
        problems.append(Problem("username", f"The user name '{username}' is taken"))
    if session.get(Staff, staff_uuid) is None:
        problems.append(Problem("staff", "An account must belong to a member of staff"))
    problem = password_problem(password)
    if problem:
        problems.append(Problem("password", problem))
    if problems:
        raise ValidationError(problems)
    account = UserAccount(username=username, staff_id=staff_uuid,
                          password_hash=hash_password(password), is_admin=is_admin)
    session.add(account)
    session.flush()
    vault.set_password(username, password)
    return account


def create_account(
    session: Session,
    actor: Actor,
    vault: Vault,
    staff_uuid: uuid.UUID,
    username: str,
    password: str,
    *,
    is_admin: bool = False,
) -> UserAccount:
    """An administrator creates an account for a member of staff."""
    require(session, actor, Action.MANAGE_ACCOUNTS)
    account = add_account(session, vault, staff_uuid, username, password, is_admin=is_admin)
    log_event(session, actor.who, "account.create", subject_kind="account",
              subject_id=account.id, about_staff_id=staff_uuid, detail=username)
    return account


def grant_inspector(
    session: Session,
    actor: Actor,
    vault: Vault,
    staff_uuid: uuid.UUID,
    username: str,
    password: str,
    *,
    until: date,
    team_names: list[str] | None = None,
    today: date | None = None,
) -> UserAccount:
    """A read-only account for an inspector: the named teams (None: everyone) until a date."""
    require(session, actor, Action.MANAGE_ACCOUNTS)
    if until < (today or date.today()):
        raise ValidationError(Problem("until", "The end of the inspector's access is in the past"))
    scope: list[str] = ["*"]
    if team_names is not None:
        teams = {t.name: t for t in session.exec(select(Team))}
        unknown = [n for n in team_names if n not in teams]
        if unknown:
            raise ValidationError(Problem("scope", "No team named " + ", ".join(unknown)))
        scope = [str(teams[n].id) for n in team_names]
    account = add_account(session, vault, staff_uuid, username, password)
    account.is_inspector = True
    account.inspector_scope = scope
    account.inspector_until = until
    session.flush()
    log_event(session, actor.who, "account.grant_inspector", subject_kind="account",
              subject_id=account.id, about_staff_id=staff_uuid,
              detail=f"until {until.isoformat()}; scope {scope}")
    return account


def change_own_password(session: Session, actor: Actor, vault: Vault, new_password: str) -> None:
    """The signed-in person sets a new password (they proved the old one to sign in)."""
    check_new_password(new_password)
    account = account_named(session, actor.username)
    if account is None:
        raise NotFoundError("Your account is not in the database.")
    account.password_hash = hash_password(new_password)
    account.must_change_password = False
    account.updated_at = utcnow()
    session.flush()
    vault.set_password(actor.username, new_password)
    log_event(session, actor.who, "account.change_password", subject_kind="account",
              subject_id=account.id, about_staff_id=actor.staff_id)


def reset_password(session: Session, actor: Actor, vault: Vault, username: str,
                   new_password: str) -> None:
    """An administrator gives a user a new password; no data is lost (the key is re-wrapped)."""
    require(session, actor, Action.MANAGE_ACCOUNTS)
    check_new_password(new_password)
    account = account_named(session, username)
    if account is None:
        raise NotFoundError(f"There is no account '{username}'.")
    account.password_hash = hash_password(new_password)
    account.must_change_password = True
    account.updated_at = utcnow()
    session.flush()
    vault.set_password(username, new_password)
    log_event(session, actor.who, "account.reset_password", subject_kind="account",
              subject_id=account.id, about_staff_id=account.staff_id)


def deactivate_account(session: Session, actor: Actor, vault: Vault, username: str) -> None:
    require(session, actor, Action.MANAGE_ACCOUNTS)
    account = account_named(session, username)
    if account is None:
        raise NotFoundError(f"There is no account '{username}'.")
    if account.username == actor.username:
        raise ValidationError(Problem("username", "You cannot close your own account"))
    admins = session.exec(select(UserAccount).where(UserAccount.is_admin == True,  # noqa: E712
                                                    UserAccount.active == True)).all()  # noqa: E712
    if account.is_admin and len(admins) <= 1:
        raise ValidationError(Problem("username", "This is the last administrator's account: "
                                                  "make another administrator first"))
    account.active = False
    account.updated_at = utcnow()
    session.flush()
    vault.remove(username)
    log_event(session, actor.who, "account.deactivate", subject_kind="account",
              subject_id=account.id, about_staff_id=account.staff_id)


def list_accounts(session: Session, actor: Actor) -> list[UserAccount]:
    require(session, actor, Action.MANAGE_ACCOUNTS)
    return list(session.exec(select(UserAccount).order_by(UserAccount.username)))
