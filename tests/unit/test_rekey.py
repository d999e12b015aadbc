"""Closing an account, or an administrator's password reset, re-keys the store: an old copy
of the keyring (with the old password) and the old recovery key no longer open it; the
remaining accounts and the new recovery key do."""

from __future__ import annotations

import shutil

import pytest

from supervision_audit.errors import WrongKeyError
from supervision_audit.security.keyring import keyring_path, load_keyring
from supervision_audit.services.accounts import create_account
from supervision_audit.services.events import events
from supervision_audit.services.log_anchor import verify_log
from supervision_audit.services.signin import (
    FirstRun,
    first_run,
    open_with_recovery_key,
    sign_in,
)
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from supervision_audit.services.store_keys import close_account, reset_password_and_rekey

ADMIN_PW, PAT_PW, MIA_PW = "admin password 1", "pat password 1", "mia password 1"


@pytest.fixture
def org(tmp_path):
    opened, recovery = first_run(tmp_path / "org.sqlite",
                                 FirstRun("Org", "Ada Admin", "AD1", "ada", ADMIN_PW))
    with opened.store.write() as s:
        for staff_id, name in (("P1", "Pat Worker"), ("M1", "Mia Manager")):
            save_staff(s, opened.actor, StaffInput(staff_id, name))
        create_account(s, opened.actor, opened.vault, get_by_staff_id(s, "P1").id, "pat",
                       PAT_PW)
        create_account(s, opened.actor, opened.vault, get_by_staff_id(s, "M1").id, "mia",
                       MIA_PW)
    yield opened, recovery
    opened.store.close()


def _signs_in(path, user: str, password: str) -> bool:
    try:
        opened = sign_in(path, user, password)
    except WrongKeyError:
        return False
    opened.store.close()
    return True


def test_an_old_keyring_copy_no_longer_opens_the_store_after_an_account_is_closed(
        org, tmp_path) -> None:
    opened, old_recovery = org
    path = opened.store.path
    kept = tmp_path / "kept-keyring"
    shutil.copy2(keyring_path(path), kept)  # what Pat takes home before leaving
    done = close_account(opened.store, opened.actor, opened.vault, "pat")
    assert done is not None and done.dropped == () and done.recovery_key != old_recovery
    with opened.store.write() as s:  # the window goes on working with the new key
        save_staff(s, opened.actor, StaffInput("P2", "Later Person"))
        assert events(s, limit=1)[0].action == "staff.create"
        assert any(e.action == "store.rekey" for e in events(s, limit=5))
    opened.store.close()
    assert _signs_in(path, "mia", MIA_PW) and _signs_in(path, "ada", ADMIN_PW)
    assert not _signs_in(path, "pat", PAT_PW)  # closed: no slot
    current = keyring_path(path).read_bytes()
    shutil.copy2(kept, keyring_path(path))  # the old keyring copy put back
    for user, password in (("pat", PAT_PW), ("mia", MIA_PW), ("ada", ADMIN_PW)):
        with pytest.raises(WrongKeyError):
            sign_in(path, user, password)
    keyring_path(path).write_bytes(current)
    with pytest.raises(WrongKeyError):
        open_with_recovery_key(path, old_recovery)
    store = open_with_recovery_key(path, done.recovery_key)
    store.close()


def test_an_administrators_password_reset_re_keys_the_store(org, tmp_path) -> None:
    opened, _recovery = org
    path = opened.store.path
    kept = tmp_path / "kept-keyring"
    shutil.copy2(keyring_path(path), kept)
    done = reset_password_and_rekey(opened.store, opened.actor, opened.vault, "mia",
                                    "mia new password")
    assert done is not None
    opened.store.close()
    assert _signs_in(path, "mia", "mia new password") and _signs_in(path, "pat", PAT_PW)
    shutil.copy2(kept, keyring_path(path))
    with pytest.raises(WrongKeyError):
        sign_in(path, "mia", MIA_PW)  # the old password with the old keyring copy


def test_the_log_stays_anchored_across_a_re_key(org) -> None:
    opened, _recovery = org
    close_account(opened.store, opened.actor, opened.vault, "pat")
    path = opened.store.path
    opened.store.close()
    again = sign_in(path, "ada", ADMIN_PW)
    try:
        with again.store.read() as s:
            report = verify_log(s, again.store.log_anchor)
        assert report.intact and report.anchored_to is not None
        assert len(again.store.log_anchor.keys) == 2  # the old anchor key kept for checking
    finally:
        again.store.close()


def test_a_re_key_stopped_half_way_is_finished_at_the_next_sign_in(org, monkeypatch) -> None:
    """The store took the new key but the keyring was not yet updated (the program
    stopped): the keyring still offers both keys, and signing in finishes the change."""
    from supervision_audit.security import keyring as keyring_module

    opened, _recovery = org
    path = opened.store.path
    monkeypatch.setattr(keyring_module.Keyring, "finish_rekey",
                        lambda self: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        close_account(opened.store, opened.actor, opened.vault, "pat")
    opened.store.close()
    monkeypatch.undo()
    assert load_keyring(path).pending is not None
    assert _signs_in(path, "mia", MIA_PW)
    assert load_keyring(path).pending is None
    assert _signs_in(path, "ada", ADMIN_PW)


def test_a_slot_from_an_earlier_version_becomes_a_key_pair_at_sign_in(org) -> None:
    """A slot of the earlier kind (the store key wrapped with the password) cannot be given
    a new key without the password: signing in turns it into a key-pair slot."""
    import base64
    import secrets

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from supervision_audit.security.keyring import _kek, save_keyring
    from supervision_audit.security.passwords import Costs

    opened, _recovery = org
    path, key = opened.store.path, opened.store.key
    opened.store.close()
    ring = load_keyring(path)
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    kdf = Costs.kdf
    ring.slots["mia"] = {  # as an earlier version wrote it
        "salt": base64.b64encode(salt).decode(), "nonce": base64.b64encode(nonce).decode(),
        "wrapped": base64.b64encode(AESGCM(_kek(MIA_PW, salt, kdf)).encrypt(
            nonce, key, b"mia")).decode(),
        "kdf": {"name": "argon2id", "time_cost": kdf.time_cost,
                "memory_cost": kdf.memory_cost, "parallelism": kdf.parallelism}}
    save_keyring(path, ring)
    assert load_keyring(path).is_old_slot("mia")
    assert _signs_in(path, "mia", MIA_PW)
    assert not load_keyring(path).is_old_slot("mia")
