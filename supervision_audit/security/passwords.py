"""Password hashes (Argon2id through argon2-cffi) and the cost of deriving keys from passwords."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from supervision_audit.security.keyring import DEFAULT_KDF, KdfParams

MIN_PASSWORD_LENGTH = 10


class Costs:
    """The Argon2id costs in force. Tests lower them; the app keeps the defaults."""

    kdf: KdfParams = DEFAULT_KDF


def _hasher() -> PasswordHasher:
    k = Costs.kdf
    return PasswordHasher(time_cost=k.time_cost, memory_cost=k.memory_cost,
                          parallelism=k.parallelism)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"A password needs at least {MIN_PASSWORD_LENGTH} characters"
    if password.strip() != password:
        return "A password cannot start or end with a space"
    return None
