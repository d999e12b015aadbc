"""The store key and its slots.

An encrypted store has one random 32-byte key. It is never written in the clear: beside the
database a small keyring file holds one *slot* per user: a key pair whose private half is
wrapped (AES-256-GCM) with a key derived from that user's password by Argon2id, and the
store key sealed to its public half. The recovery key shown at set-up (and again after each
re-key) is the store key itself, written as groups of letters, so it opens the store even
when the keyring file is lost.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from supervision_audit.errors import StoreError, WrongKeyError

FORMAT = "supervision-audit-keyring"
KEY_BYTES = 32


@dataclass(frozen=True)
class KdfParams:
    time_cost: int = 3
    memory_cost: int = 64 * 1024  # KiB
    parallelism: int = 2


DEFAULT_KDF = KdfParams()


def keyring_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".keys")


def new_store_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def format_recovery_key(key: bytes) -> str:
    """The store key as 13 groups of 4 letters and digits (base32), to write down."""
    text = base64.b32encode(key).decode().rstrip("=")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    try:
        key = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (ValueError, base64.binascii.Error) as exc:  # type: ignore[attr-defined]
        raise WrongKeyError("That is not a recovery key (it should be 13 groups of four "
                            "letters and digits).") from exc
    if len(key) != KEY_BYTES:
        raise WrongKeyError("That recovery key is incomplete: it should be 13 groups of four "
                            "letters and digits.")
    return key


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode())


def _kek(password: str, salt: bytes, kdf: KdfParams) -> bytes:
    return hash_secret_raw(password.encode("utf-8"), salt, time_cost=kdf.time_cost,
                           memory_cost=kdf.memory_cost, parallelism=kdf.parallelism,
                           hash_len=KEY_BYTES, type=Type.ID)


def _aead(key: bytes) -> AESGCM:
    return AESGCM(key)


def _box_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=None,
                info=b"supervision-audit keyring box").derive(shared + ephemeral + recipient)


def _seal_to(public: bytes, secret: bytes, aad: bytes) -> dict[str, str]:
    """``secret`` sealed to the holder of ``public`` (X25519, HKDF-SHA256, AES-256-GCM)."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key = _box_key(ephemeral.exchange(X25519PublicKey.from_public_bytes(public)),
                   ephemeral_public, public)
    nonce = secrets.token_bytes(12)
    return {"epk": _b64(ephemeral_public), "nonce": _b64(nonce),
            "ct": _b64(_aead(key).encrypt(nonce, secret, aad))}


def _open_box(private: X25519PrivateKey, box: dict[str, str], aad: bytes) -> bytes:
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    ephemeral_public = _unb64(box["epk"])
    key = _box_key(private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public)),
                   ephemeral_public, public)
    return _aead(key).decrypt(_unb64(box["nonce"]), _unb64(box["ct"]), aad)


def _wrap(key: bytes, secret: bytes, aad: bytes) -> dict[str, str]:
    nonce = secrets.token_bytes(12)
    return {"nonce": _b64(nonce), "wrapped": _b64(_aead(key).encrypt(nonce, secret, aad))}


def _unwrap(key: bytes, item: dict[str, str], aad: bytes) -> bytes:
    return _aead(key).decrypt(_unb64(item["nonce"]), _unb64(item["wrapped"]), aad)


@dataclass
class Keyring:
    """The slots of one store, read from and written to its keyring file.

    Each slot holds an X25519 key pair of its own: the private key wrapped with the
    password's key, the public key in the clear, and the store key sealed to that public
    key. So the store key can be sealed anew for every remaining account without their
    passwords (a re-key after an account is closed). A slot written by an earlier version
    holds the store key wrapped with the password's key directly; it becomes a key-pair
    slot at its owner's next sign-in.

    ``anchors`` are the keys that sign the event log's checkpoints (services/log_anchor),
    each wrapped with the store key: kept beside the store, never in it. ``pending`` holds
    a re-key under way (the new store key sealed to each remaining slot, the anchors
    wrapped with it) until the store itself has the new key.
    """

    slots: dict[str, dict[str, Any]] = field(default_factory=dict)
    anchors: dict[str, dict[str, str]] = field(default_factory=dict)
    current_anchor: str = ""
    pending: dict[str, Any] | None = None

    def add(self, username: str, password: str, store_key: bytes,
            kdf: KdfParams = DEFAULT_KDF) -> None:
        """A slot for ``username`` opening ``store_key`` with ``password`` (replacing any
        slot of theirs)."""
        private = X25519PrivateKey.generate()
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        aad = username.encode("utf-8")
        self.slots[username] = {
            "salt": _b64(salt), "nonce": _b64(nonce),
            "wrapped": _b64(_aead(_kek(password, salt, kdf)).encrypt(nonce, raw, aad)),
            "kdf": {"name": "argon2id", "time_cost": kdf.time_cost,
                    "memory_cost": kdf.memory_cost, "parallelism": kdf.parallelism},
            "public": _b64(public), "box": _seal_to(public, store_key, aad),
        }

    def remove(self, username: str) -> None:
        self.slots.pop(username, None)
        if self.pending is not None:
            self.pending["boxes"].pop(username, None)

    def is_old_slot(self, username: str) -> bool:
        """Whether ``username``'s slot is of the earlier kind (no key pair)."""
        return username in self.slots and "public" not in self.slots[username]

    def unlock_keys(self, username: str, password: str) -> list[bytes]:
        """The store keys ``username``'s password opens: the store key, then the new one of
        a re-key under way. WrongKeyError for an unknown user or a wrong password."""
        slot = self.slots.get(username)
        if slot is None:
            raise WrongKeyError("The user name or password is not right.")
        kdf = KdfParams(slot["kdf"]["time_cost"], slot["kdf"]["memory_cost"],
                        slot["kdf"]["parallelism"])
        aad = username.encode("utf-8")
        try:
            opened = AESGCM(_kek(password, _unb64(slot["salt"]), kdf)).decrypt(
                _unb64(slot["nonce"]), _unb64(slot["wrapped"]), aad)
        except InvalidTag as exc:
            raise WrongKeyError("The user name or password is not right.") from exc
        if "public" not in slot:
            return [opened]
        private = X25519PrivateKey.from_private_bytes(opened)
        try:
            keys = [_open_box(private, slot["box"], aad)]
            box = (self.pending or {}).get("boxes", {}).get(username)
            if box is not None:
                keys.append(_open_box(private, box, aad))
        except InvalidTag as exc:
            raise StoreError("The store's keyring file is damaged. Use the recovery key to "
                             "open the store.") from exc
        return keys

    def unlock(self, username: str, password: str) -> bytes:
        """The store key, or WrongKeyError for an unknown user or a wrong password."""
        return self.unlock_keys(username, password)[0]

    def usernames(self) -> list[str]:
        return sorted(self.slots)

    # -- the event log's anchor keys ----------------------------------------------------
    def add_anchor(self, store_key: bytes) -> str:
        """A new anchor key (wrapped with ``store_key``), used from now on; its id."""
        kid = secrets.token_hex(8)
        self.anchors[kid] = _wrap(store_key, secrets.token_bytes(KEY_BYTES), kid.encode())
        self.current_anchor = kid
        return kid

    def anchor_keys(self, store_key: bytes) -> tuple[dict[str, bytes], str]:
        """Every anchor key by id, and the id of the one in use, as ``store_key`` opens
        them (the anchors of a re-key under way when it is the new key)."""
        for anchors, current in ((self.anchors, self.current_anchor),
                                 ((self.pending or {}).get("anchors", {}),
                                  (self.pending or {}).get("current_anchor", ""))):
            try:
                return ({kid: _unwrap(store_key, item, kid.encode())
                         for kid, item in anchors.items()}, current)
            except InvalidTag:
                continue
        if self.anchors:
            raise StoreError("The store's keyring does not fit the store (its anchor keys "
                             "do not open with the store's key).")
        return {}, ""

    # -- re-keying ------------------------------------------------------------------------
    def begin_rekey(self, old_key: bytes, new_key: bytes) -> list[str]:
        """Seal ``new_key`` to every slot with a key pair and wrap the anchor keys with it,
        plus a fresh anchor key to use from now on, as the re-key under way. Returns the
        slots of the earlier kind, which cannot be given the new key without their
        passwords (they are dropped when the re-key finishes)."""
        anchors, _current = self.anchor_keys(old_key)
        kid = secrets.token_hex(8)
        anchors[kid] = secrets.token_bytes(KEY_BYTES)
        self.pending = {
            "boxes": {name: _seal_to(_unb64(slot["public"]), new_key, name.encode("utf-8"))
                      for name, slot in self.slots.items() if "public" in slot},
            "anchors": {k: _wrap(new_key, v, k.encode()) for k, v in anchors.items()},
            "current_anchor": kid,
        }
        return sorted(name for name, slot in self.slots.items() if "public" not in slot)

    def finish_rekey(self) -> None:
        """The store has the new key: it becomes the keyring's one key."""
        if self.pending is None:
            return
        boxes = self.pending["boxes"]
        self.slots = {name: {**slot, "box": boxes[name]} for name, slot in self.slots.items()
                      if name in boxes}
        self.anchors = self.pending["anchors"]
        self.current_anchor = self.pending["current_anchor"]
        self.pending = None

    def to_json(self) -> str:
        data: dict[str, Any] = {"format": FORMAT, "version": 2, "slots": self.slots}
        if self.anchors:
            data.update(anchors=self.anchors, current_anchor=self.current_anchor)
        if self.pending is not None:
            data["pending"] = self.pending
        return json.dumps(data, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT or not isinstance(data.get("slots"), dict):
                raise ValueError("not a keyring")
            for slot in data["slots"].values():
                _unb64(slot["salt"]), _unb64(slot["nonce"]), _unb64(slot["wrapped"])
                int(slot["kdf"]["time_cost"])
                if "public" in slot:
                    _unb64(slot["public"]), _unb64(slot["box"]["ct"])
            anchors = data.get("anchors", {})
            for item in anchors.values():
                _unb64(item["nonce"]), _unb64(item["wrapped"])
            pending = data.get("pending")
            if pending is not None and not isinstance(pending.get("boxes"), dict):
                raise ValueError("not a keyring")
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise StoreError("The store's keyring file is damaged. Use the recovery key to "
                             "open the store.") from exc
        return cls(slots=data["slots"], anchors=anchors,
                   current_anchor=str(data.get("current_anchor", "")), pending=pending)


def load_keyring(db_path: Path) -> Keyring | None:
    """The keyring beside ``db_path``, or None when the store has none (a plain store)."""
    path = keyring_path(db_path)
    if not path.exists():
        return None
    try:
        return Keyring.from_json(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise StoreError("The store's keyring file is damaged. Use the recovery key to open "
                         "the store.") from exc


def save_keyring(db_path: Path, keyring: Keyring) -> None:
    """Write the keyring whole or not at all."""
    path = keyring_path(db_path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(keyring.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"The keyring {path.name} could not be written: "
                         f"{exc.strerror or exc}") from exc
