"""Short-lived bearer tokens: who signed in and until when, signed with the server's key.

A token is ``payload.mac``, both base64url: the payload names the account and its expiry;
the MAC is HMAC-SHA256 under a key kept in the organisation's database (made on first
start), so every server process in front of the same database accepts the others' tokens
and none keeps state of its own. Nothing in a token is trusted beyond who and until when:
every request reads the account again (a closed account is refused at once).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from supervision_audit.models import Setting

KEY_SETTING = "server.token_key"
DEFAULT_LIFETIME = timedelta(minutes=15)


class BadToken(Exception):
    """The token is malformed, forged or expired (the message says which); ``username`` is
    whom a genuine but expired token named."""

    def __init__(self, message: str, username: str = ""):
        self.username = username
        super().__init__(message)


@dataclass(frozen=True)
class TokenClaims:
    account_id: uuid.UUID
    username: str
    expires: datetime
    must_change_password: bool = False


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_key(session: Session) -> bytes:
    """The server's token key, made (in this write session) when there is none yet."""
    row = session.get(Setting, KEY_SETTING)
    if row is None:
        row = Setting(key=KEY_SETTING, value=secrets.token_hex(32))
        session.add(row)
        session.flush()
    return bytes.fromhex(row.value)


def issue(key: bytes, claims: TokenClaims) -> str:
    payload = _b64(json.dumps({
        "a": str(claims.account_id), "u": claims.username,
        "e": int(claims.expires.timestamp()), "m": claims.must_change_password,
    }, separators=(",", ":")).encode())
    mac = hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()
    return f"{payload}.{_b64(mac)}"


def verify(key: bytes, token: str, now: datetime | None = None) -> TokenClaims:
    """The claims of a token this server issued and that has not expired; BadToken else."""
    payload, _, mac = token.partition(".")
    try:
        given = _unb64(mac)
    except ValueError as exc:
        raise BadToken("the token is malformed") from exc
    expected = hmac.new(key, payload.encode("ascii", "replace"), hashlib.sha256).digest()
    if not mac or not hmac.compare_digest(given, expected):
        raise BadToken("the token was not issued by this server")
    try:
        data = json.loads(_unb64(payload))
        claims = TokenClaims(uuid.UUID(data["a"]), str(data["u"]),
                             datetime.fromtimestamp(int(data["e"]), UTC), bool(data["m"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise BadToken("the token is malformed") from exc
    if (now or datetime.now(UTC)) >= claims.expires:
        raise BadToken("the token has expired: sign in again", claims.username)
    return claims
