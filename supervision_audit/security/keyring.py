"""The store key and its slots.

An encrypted store has one random 32-byte key. It is never written in the clear: beside the
database a small keyring file holds one *slot* per user, the key wrapped (AES-256-GCM) with
a key derived from that user's password by Argon2id. The recovery key shown once at set-up
is the store key itself, written as groups of letters, so it opens the store even when the
keyring file is lost.
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
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

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


@dataclass
class Keyring:
    """The slots of one store, read from and written to its keyring file."""

    slots: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, username: str, password: str, store_key: bytes,
            kdf: KdfParams = DEFAULT_KDF) -> None:
        """Wrap ``store_key`` for ``username`` (replacing any slot of theirs)."""
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        wrapped = AESGCM(_kek(password, salt, kdf)).encrypt(nonce, store_key,
                                                          username.encode("utf-8"))
        self.slots[username] = {
            "salt": _b64(salt), "nonce": _b64(nonce), "wrapped": _b64(wrapped),
            "kdf": {"name": "argon2id", "time_cost": kdf.time_cost,
                    "memory_cost": kdf.memory_cost, "parallelism": kdf.parallelism},
        }

    def remove(self, username: str) -> None:
        self.slots.pop(username, None)

    def unlock(self, username: str, password: str) -> bytes:
        """The store key, or WrongKeyError for an unknown user or a wrong password."""
        slot = self.slots.get(username)
        if slot is None:
            raise WrongKeyError("The user name or password is not right.")
        kdf = KdfParams(slot["kdf"]["time_cost"], slot["kdf"]["memory_cost"],
                        slot["kdf"]["parallelism"])
        try:
            return AESGCM(_kek(password, _unb64(slot["salt"]), kdf)).decrypt(
                _unb64(slot["nonce"]), _unb64(slot["wrapped"]), username.encode("utf-8"))
        except InvalidTag as exc:
            raise WrongKeyError("The user name or password is not right.") from exc

    def usernames(self) -> list[str]:
        return sorted(self.slots)

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "version": 1, "slots": self.slots}, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT or not isinstance(data.get("slots"), dict):
                raise ValueError("not a keyring")
            for slot in data["slots"].values():
                _unb64(slot["salt"]), _unb64(slot["nonce"]), _unb64(slot["wrapped"])
                int(slot["kdf"]["time_cost"])
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise StoreError("The store's keyring file is damaged. Use the recovery key to "
                             "open the store.") from exc
        return cls(slots=data["slots"])


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
