"""The API's sync routes, for laptops keeping a replica (``supervision_audit.sync``).

``POST /v1/sync/device``: a key for a replica (signed in with a password), and
``POST /v1/sync/token``: a token for that key (a laptop syncs without asking the password);
``POST /v1/sync/pull``: the changes after the laptop's cursor in its user's scope, files newly
in scope in full, files gone from it named; ``POST /v1/sync/push``: a batch from the laptop's
outbox, applied in one transaction (409 with the earlier answer when the batch was applied
already); ``GET /v1/sync/device/{device}``: how far the server has applied a device's outbox;
``GET /v1/sync/seal-certificate``: the organisation's seal certificate (no key), and
``POST /v1/sync/seal``: a record a laptop exported unsealed, printed and sealed here.
Every request is signed in and answered as the desktop's services decide for its user.
"""

from __future__ import annotations

import base64
import tempfile
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives.serialization import Encoding
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlmodel import Session

from supervision_audit.pg.store import PgStore
from supervision_audit.server.auth import account_problem
from supervision_audit.server.schemas import Token
from supervision_audit.server.tokens import TokenClaims, issue
from supervision_audit.services.access import Actor
from supervision_audit.services.events import Who, log_event
from supervision_audit.services.record_export import export_record_pdf
from supervision_audit.services.seal_setup import organisation_certificate, seal_ready
from supervision_audit.services.signatures import content_hash_of
from supervision_audit.sync.device_keys import DeviceKeyRefused, account_of_key, register
from supervision_audit.sync.prune import (
    head,
    prune,
    pulled_to,
    rebuild_needed,
    rebuild_reason,
    record_pulled,
)
from supervision_audit.sync.pull import pull
from supervision_audit.sync.push import AlreadyApplied, device_state, push
from supervision_audit.sync.server_schema import ensure_server_sync

Signed = Callable[..., AbstractContextManager[tuple[Session, Actor]]]
DEVICE = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")


class PullIn(BaseModel):
    device: str = DEVICE
    cursor: int = Field(ge=0)
    files: list[uuid.UUID] = Field(default_factory=list, max_length=100_000)
    directory_digest: str = Field(default="", max_length=64)


class PullOut(BaseModel):
    cursor: int
    more: bool
    files: list[uuid.UUID]
    removed: list[uuid.UUID]
    backfilled: list[uuid.UUID]
    rows: list[dict[str, Any]]  # {"t": table, "r": row}
    deletes: list[dict[str, str]]  # {"t": table, "k": key}
    directory: list[uuid.UUID] | None
    directory_digest: str


class PushIn(BaseModel):
    device: str = DEVICE
    first: int = Field(ge=1)
    last: int = Field(ge=1)
    digest: str = Field(default="", max_length=64)  # of the outbox entries sent
    items: list[dict[str, Any]] = Field(max_length=5000)


class Refusal(BaseModel):
    seq: int
    t: str
    k: str
    op: str
    kind: str
    reason: str
    server_row: dict[str, Any] | None = None


class PushOut(BaseModel):
    first: int
    last: int
    digest: str
    applied: int
    unchanged: int
    refused: list[Refusal]


class DeviceIn(BaseModel):
    device: str = DEVICE


class DeviceKeyOut(BaseModel):
    device: str
    key: str


class DeviceSignIn(BaseModel):
    device: str = DEVICE
    key: str = Field(min_length=1, max_length=200)


class DeviceOut(BaseModel):
    device: str
    last_seq: int
    log_seq: int
    head: int = 0  # the server's highest change number
    rebuild: str = ""  # why a laptop at ``cursor`` must rebuild ("" : it need not)


class SealIn(BaseModel):
    kind: Literal["record"]
    id: uuid.UUID
    printed_on: date
    content_hash: str = Field(min_length=1, max_length=128)


class SealOut(BaseModel):
    pdf: str  # base64 of the sealed PDF


class CertificateOut(BaseModel):
    pem: str | None  # the organisation's seal certificate (no key); None: no seal set up


def add_sync_routes(app: FastAPI, store: PgStore, signed: Signed, token_key: bytes,
                    lifetime: timedelta) -> None:
    """The sync routes, on the database's change sequence (made if missing); tokens are
    signed with ``token_key`` and last ``lifetime``, as a password's are."""
    ensure_server_sync(store)
    prune(store)  # the changes every laptop in use has pulled past

    @app.post("/v1/sync/device", response_model=DeviceKeyOut)
    def sync_device_key(body: DeviceIn, request: Request) -> DeviceKeyOut:
        with signed(request, write=True) as (session, actor):
            key = register(session, actor, body.device)
            log_event(session, actor.who, "sync.device", subject_kind="device",
                      subject_id=body.device, about_staff_id=actor.staff_id,
                      detail="a replica's key made")
        return DeviceKeyOut(device=body.device, key=key)

    @app.post("/v1/sync/token", response_model=Token,
              responses={401: {"description": "no such device or key"},
                         403: {"description": "account closed: the laptop wipes its replica"}})
    def sync_token(body: DeviceSignIn, request: Request) -> Any:
        request.state.username = body.device
        closed = False
        with store.read() as session:
            try:
                account = account_of_key(session, body.device, body.key)
            except DeviceKeyRefused as exc:
                account, problem = None, str(exc)
            else:
                problem = account_problem(account, date.today())
                closed = bool(problem)
                problem = problem or ("Change the one-time password first."
                                      if account.must_change_password else "")
        with store.write() as session:
            who = Who(account.username, account.staff_id) if account else Who(body.device[:100])
            log_event(session, who, "sign_in.failed" if problem else "sign_in",
                      subject_kind="device", subject_id=body.device,
                      about_staff_id=account.staff_id if account else None,
                      detail=(f"device key: {problem}" if problem else "device key")
                      + (" The laptop was told to wipe its replica." if closed else ""))
        if closed:  # the laptop is to wipe its replica
            return JSONResponse({"detail": problem, "closed": True}, status_code=403)
        if problem or account is None:
            return JSONResponse({"detail": problem}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        claims = TokenClaims(account.id, account.username,
                             datetime.now(UTC) + lifetime, False)
        return Token(access_token=issue(token_key, claims), expires_at=claims.expires,
                     must_change_password=False)

    @app.post("/v1/sync/pull", response_model=PullOut,
              responses={409: {"description": "the laptop must rebuild (server restored "
                                              "behind it, or its changes pruned)"}})
    def sync_pull(body: PullIn, request: Request) -> Any:
        with signed(request) as (session, actor):
            conn = session.connection()
            why = rebuild_needed(conn, body.cursor)
            if why:
                return JSONResponse({"detail": rebuild_reason(why), "rebuild": why,
                                     "head": head(conn)}, status_code=409)
            known = pulled_to(conn, body.device, actor.account_id)
            page = pull(session, actor, body.cursor, body.files, body.directory_digest,
                        date.today())
            answer = page.wire()
        if known is not None and known != body.cursor:
            with store.write() as session:
                record_pulled(session.connection(), body.device, actor.account_id,
                              body.cursor)
        if page.backfilled or page.changes or page.removed:
            with store.write() as session:
                for staff_uuid in page.backfilled:
                    log_event(session, actor.who, "file.sync", subject_kind="staff",
                              subject_id=staff_uuid, about_staff_id=staff_uuid,
                              detail=f"the whole file, to device {body.device}")
                log_event(session, actor.who, "sync.pull", subject_kind="device",
                          subject_id=body.device, about_staff_id=actor.staff_id,
                          detail=f"{page.changes} changes read after {body.cursor}, "
                                 f"{len(page.backfilled)} files back-filled, "
                                 f"{len(page.removed)} files removed")
        return answer

    @app.post("/v1/sync/push", response_model=PushOut,
              responses={409: {"description": "this batch was applied already"}})
    def sync_push(body: PushIn, request: Request) -> Any:
        with signed(request, write=True) as (session, actor):
            result = push(session, actor, body.device, body.first, body.last, body.items,
                          date.today(), body.digest)
        if isinstance(result, AlreadyApplied):
            return JSONResponse({"detail": f"applied already up to {result.last}",
                                 "last": result.last, "result": result.result},
                                status_code=409)
        return result

    @app.get("/v1/sync/seal-certificate", response_model=CertificateOut)
    def sync_seal_certificate(request: Request) -> CertificateOut:
        with signed(request) as (session, _actor):
            cert = organisation_certificate(session)
        return CertificateOut(pem=cert.public_bytes(Encoding.PEM).decode("ascii")
                              if cert is not None else None)

    @app.post("/v1/sync/seal", response_model=SealOut,
              responses={409: {"description": "no seal here, or the record changed since"}})
    def sync_seal(body: SealIn, request: Request) -> Any:
        """A record a laptop exported "not yet sealed", printed again here from the server's
        own copy for the same day and sealed: never bytes the laptop sent."""
        with signed(request, write=True) as (session, actor):
            if not seal_ready(session):
                return JSONResponse({"detail": "The organisation has no seal set up on its "
                                     "server yet.", "later": True}, status_code=409)
            if content_hash_of(session, "record", body.id) != body.content_hash:
                return JSONResponse({"detail": "The record has changed since it was exported "
                                     "(signed or corrected meanwhile): export it again."},
                                    status_code=409)
            with tempfile.TemporaryDirectory() as folder:
                out = Path(folder) / "record.pdf"
                export_record_pdf(session, actor, body.id, out, printed_on=body.printed_on)
                data = out.read_bytes()
        return SealOut(pdf=base64.b64encode(data).decode("ascii"))

    @app.get("/v1/sync/device/{device}", response_model=DeviceOut)
    def sync_device(device: str, request: Request, cursor: int = 0) -> DeviceOut:
        with signed(request) as (session, actor):
            state = device_state(session, device, actor)
            conn = session.connection()
            return DeviceOut(device=device, last_seq=state["last_seq"],
                             log_seq=state["log_seq"], head=head(conn),
                             rebuild=rebuild_needed(conn, cursor))
