"""The keys of an encrypted store beside its database: opening it with a person's keyring
slot, the event log's anchor keys, and re-keying the store when an account is closed or a
password reset by an administrator (so that an old copy of the keyring, or an old recovery
key, no longer opens it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from supervision_audit.db import Store, open_store
from supervision_audit.errors import WrongKeyError
from supervision_audit.security.keyring import (
    Keyring,
    load_keyring,
    save_keyring,
)
from supervision_audit.security.passwords import Costs
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
    """A new encrypted store's first anchor key (its keyring has just been written)."""
    keyring = load_keyring(store.path)
    if keyring is None or store.key is None:
        return
    keyring.add_anchor(store.key)
    save_keyring(store.path, keyring)
    attach_anchor(store, keyring)
