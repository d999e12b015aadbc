"""The keys of an encrypted store beside its database: opening it with a person's keyring
slot, the event log's anchor keys, and re-keying the store when an account is closed or a
password reset by an administrator (so that an old copy of the keyring, or an old recovery
key, no longer opens it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supervision_audit.db import Store, open_store
from supervision_audit.errors import StoreError, WrongKeyError
from supervision_audit.security.keyring import (
    Keyring,
    format_recovery_key,
    load_keyring,
    new_store_key,
    save_keyring,
)
from supervision_audit.security.passwords import Costs
from supervision_audit.services.access import Actor
from supervision_audit.services.accounts import Vault, deactivate_account, reset_password
from supervision_audit.services.events import Who, log_event
from supervision_audit.services.log_anchor import LogAnchor, anchor_path


def open_with_slot(db_path: Path, username: str, password: str, **kwargs: Any
                   ) -> tuple[Store, Keyring | None]:
    """Open the store with the key ``username``'s keyring slot gives (a plain store: with
    none). A re-key that stopped half way (the store has the new key, the keyring still
    offers both) is finished here."""
    keyring = load_keyring(db_path)
    if keyring is None:
        return open_store(db_path, key=None, create=False, **kwargs), None
    keys = keyring.unlock_keys(username, password)
    for number, key in enumerate(keys):
        try:
            store = open_store(db_path, key=key, create=False, **kwargs)
        except WrongKeyError:
            if number == len(keys) - 1:
                raise
            continue
        if number > 0:
            keyring.finish_rekey()
            save_keyring(db_path, keyring)
        return store, keyring
    raise WrongKeyError("The user name or password is not right.")  # no keys: unreachable


def settle_slot(store: Store, keyring: Keyring | None, username: str, password: str) -> None:
    """After ``username`` signed in: their slot becomes a key-pair slot if it was of the
    earlier kind, the store gets anchor keys if it has none, and ``store.log_anchor`` is
    set so that the event log is checkpointed."""
    if keyring is None or store.key is None:
        return
    changed = False
    if keyring.is_old_slot(username):
        keyring.add(username, password, store.key, Costs.kdf)
        changed = True
    if not keyring.anchors:
        keyring.add_anchor(store.key)
        changed = True
    if changed:
        save_keyring(store.path, keyring)
        keyring = load_keyring(store.path) or keyring  # another sign-in may have won
    attach_anchor(store, keyring)


def attach_anchor(store: Store, keyring: Keyring) -> None:
    """Give ``store`` its log anchor from ``keyring`` (opened with the store's key)."""
    if store.key is None:
        return
    keys, current = keyring.anchor_keys(store.key)
    store.log_anchor = LogAnchor(keys, current, anchor_path(store.path)) if keys else None


def start_anchoring(store: Store) -> None:
    """A new encrypted store's first anchor key (its keyring has just been written). An
    anchor file left beside the name by an earlier store is not this store's: removed."""
    anchor_path(store.path).unlink(missing_ok=True)
    keyring = load_keyring(store.path)
    if keyring is None or store.key is None:
        return
    keyring.add_anchor(store.key)
    save_keyring(store.path, keyring)
    attach_anchor(store, keyring)


@dataclass(frozen=True)
class Rekeyed:
    """A store given a new key: the new recovery key to show the administrator (the old
    one no longer opens it), and the accounts whose slot, written by an earlier version,
    could not be given the new key (they need a new password from an administrator)."""

    recovery_key: str
    dropped: tuple[str, ...]


def rekey_store(store: Store, who: Who, reason: str) -> Rekeyed | None:
    """Encrypt the store with a new key and seal it to every remaining keyring slot (no
    password needed: each slot has a key pair), with new anchor keys for the event log;
    an old copy of the keyring, an old password or the old recovery key no longer opens
    it. None for a plain store (there is no key). If it stops half way, the next sign-in
    finishes it (the keyring offers both keys until then)."""
    if store.key is None:
        return None
    keyring = load_keyring(store.path)
    if keyring is None:
        raise StoreError("The store's keyring is missing, so its key cannot be changed. Use "
                         "the recovery key to open the store.")
    new_key = new_store_key()
    dropped = keyring.begin_rekey(store.key, new_key)
    save_keyring(store.path, keyring)
    store.rekey(new_key)
    keyring.finish_rekey()
    save_keyring(store.path, keyring)
    attach_anchor(store, keyring)
    with store.write() as session:
        log_event(session, who, "store.rekey", subject_kind="store",
                  detail=reason + (f"; no longer opened by {', '.join(dropped)} (a new "
                                   "password is needed)" if dropped else ""))
    return Rekeyed(format_recovery_key(new_key), tuple(dropped))


def close_account(store: Store, actor: Actor, vault: Vault, username: str) -> Rekeyed | None:
    """Close ``username``'s account and re-key the store, so that a copy of the keyring
    they may have kept no longer opens it."""
    with store.write() as session:
        deactivate_account(session, actor, vault, username)
    return rekey_store(store, actor.who, f"account {username} closed")


def reset_password_and_rekey(store: Store, actor: Actor, vault: Vault, username: str,
                             new_password: str) -> Rekeyed | None:
    """An administrator gives ``username`` a new password, and the store a new key, so
    that the old password with an old copy of the keyring no longer opens it."""
    with store.write() as session:
        reset_password(session, actor, vault, username, new_password)
    return rekey_store(store, actor.who, f"password of {username} reset")
