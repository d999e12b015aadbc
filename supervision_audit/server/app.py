"""The HTTP API: each request signed in by a bearer token, answered by the desktop's own
services (their role and scope checks decide; nothing the client says of itself is
trusted beyond who signed in), refusals logged in the organisation's event log, and one
structured (JSON) log line per request for the operator.

Version 1 offers: ``/health``; ``/v1/auth/token`` (sign in) and ``/v1/auth/password``;
``/v1/staff``; ``/v1/staff/{staff_id}/records``; ``/v1/records/{id}``; ``/v1/compliance``;
and for laptops' replicas ``/v1/sync/...`` (``server.sync_routes``).
"""

from __future__ import annotations

import json
import logging
import os
import time as clock
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from anyio import to_thread
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlmodel import Session

from supervision_audit import __version__
from supervision_audit.db import schema_head
from supervision_audit.errors import (
    NotFoundError,
    StoreError,
    SupervisionAuditError,
    ValidationError,
)
from supervision_audit.models import Staff
from supervision_audit.pg.log_writer import LogWriter
from supervision_audit.pg.store import PgStore
from supervision_audit.server import schemas
from supervision_audit.server.auth import (
    NO_VAULT,
    WRONG,
    Caller,
    SignInRefused,
    TooSoon,
    actor_of,
    password_matches,
    sign_in,
)
from supervision_audit.server.sync_routes import add_sync_routes
from supervision_audit.server.tokens import (
    DEFAULT_LIFETIME,
    BadToken,
    TokenClaims,
    issue,
    token_key,
    verify,
)
from supervision_audit.services.access import Actor, PermissionDenied
from supervision_audit.services.accounts import account_named, change_own_password
from supervision_audit.services.compliance import compliance_for
from supervision_audit.services.events import DEFERRED_LOG, NewEvent, Who, log_event
from supervision_audit.services.record_status import record_listing
from supervision_audit.services.records import open_record, records_of
from supervision_audit.services.staff import find_by_staff_id, list_staff

log = logging.getLogger("supervision_audit.server")
NOBODY = "(no valid token)"
# requests answered at once by one process (each in a thread of its own, holding one of the
# store's connections while it reads): enough to keep PostgreSQL busy while others wait on
# it, few enough that a process's connections stay well inside PostgreSQL's limit
REQUEST_THREADS = 32


class MustChangePassword(SupervisionAuditError):
    """The account signed in with a one-time password: it may only change it."""


def _caller(request: Request) -> Caller:
    device = request.headers.get("x-device", "")[:64]
    return Caller(device=device, address=request.client.host if request.client else "")


def _from_device(request: Request, entry: NewEvent) -> NewEvent:
    """A read's entry with the request and the device it came from in its detail."""
    said = _caller(request).note(f"{request.method} {request.url.path}")
    return replace(entry, detail=f"{entry.detail}; {said}" if entry.detail else said)


def _claims(request: Request, key: bytes) -> TokenClaims:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise BadToken("sign in first (no bearer token)")
    try:
        claims = verify(key, token.strip())
    except BadToken as exc:
        request.state.username = exc.username or NOBODY
        raise
    request.state.username = claims.username
    return claims


def create_app(store: PgStore, *, token_lifetime: timedelta = DEFAULT_LIFETIME,
               threads: int = REQUEST_THREADS) -> FastAPI:
    """The API in front of ``store`` (migrated already: see ``pg.store.open_pg_store``),
    answering at most ``threads`` requests at once (the rest wait their turn): give the
    store a connection for each, and one for the log writer."""
    with store.write() as session:
        key = token_key(session)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = threads
        yield
        writer.close()  # what the last requests logged is written before the process ends

    app = FastAPI(title="Supervision Audit", version=__version__, lifespan=lifespan)
    app.state.store = store
    app.state.log_writer = writer = LogWriter(store)

    @contextmanager
    def signed(request: Request, *, write: bool = False, changing_password: bool = False
               ) -> Iterator[tuple[Session, Actor]]:
        """A session and the signed-in person for this request. What a read logs is
        appended to the log once the read is done, before the answer leaves (a read takes
        no writer's turn: ``pg.log_writer``)."""
        claims = _claims(request, key)
        if claims.must_change_password and not changing_password:
            raise MustChangePassword("Change the one-time password first "
                                     "(POST /v1/auth/password).")
        deferred: list[NewEvent] = []
        with store.write() if write else store.read() as session:
            if not write:
                session.info[DEFERRED_LOG] = deferred
            actor = actor_of(session, claims, date.today())
            request.state.actor = actor
            yield session, actor
        writer.append([_from_device(request, entry) for entry in deferred])

    def refused(request: Request, status: int, message: str) -> JSONResponse:
        """A refusal, logged as who asked for what from where (a store that cannot be
        written still refuses)."""
        actor: Actor | None = getattr(request.state, "actor", None)
        who = actor.who if actor else Who(getattr(request.state, "username", NOBODY)[:100])
        try:
            writer.append([NewEvent(who, "request.refused", "request", request.url.path[:64],
                                    detail=_caller(request).note(
                                        f"{request.method} {request.url.path}: {status} "
                                        f"{message}"))])
        except StoreError:
            log.error(json.dumps({"event": "refusal not logged", "path": request.url.path}))
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"detail": message}, status_code=status, headers=headers)

    @app.exception_handler(BadToken)
    def _bad_token(request: Request, exc: BadToken) -> JSONResponse:
        return refused(request, 401, str(exc))

    @app.exception_handler(PermissionDenied)
    def _denied(request: Request, exc: PermissionDenied) -> JSONResponse:
        return refused(request, 403, str(exc))

    @app.exception_handler(MustChangePassword)
    def _must_change(request: Request, exc: MustChangePassword) -> JSONResponse:
        return refused(request, 403, str(exc))

    @app.exception_handler(SupervisionAuditError)
    def _error(request: Request, exc: SupervisionAuditError) -> JSONResponse:
        if isinstance(exc, TooSoon):
            return JSONResponse({"detail": str(exc)}, status_code=429,
                                headers={"Retry-After": str(exc.retry_after)})
        if isinstance(exc, SignInRefused):
            return JSONResponse({"detail": str(exc)}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        if isinstance(exc, ValidationError):
            return JSONResponse({"detail": exc.summary, "problems": [
                {"field": p.field, "message": p.message, "row": p.row} for p in exc.problems]},
                status_code=422)
        status = 404 if isinstance(exc, NotFoundError) else \
            503 if isinstance(exc, StoreError) else 400
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.middleware("http")
    async def _log_request(request: Request,
                           call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = clock.perf_counter()
        response = await call_next(request)
        log.info(json.dumps({
            "method": request.method, "path": request.url.path,
            "status": response.status_code,
            "ms": round((clock.perf_counter() - started) * 1000, 1),
            "user": getattr(request.state, "username", ""),
            "device": request.headers.get("x-device", "")[:64],
            "address": request.client.host if request.client else "",
            "pid": os.getpid(),  # which worker process answered (serve --workers)
        }))
        return response

    head = schema_head()  # (read from the migrations' folder: once, not at every check)

    @app.get("/health", response_model=schemas.Health)
    def health() -> schemas.Health:
        with store.read() as session:
            session.connection().execute(text("SELECT 1"))
        return schemas.Health(status="ok", schema_version=head)

    @app.post("/v1/auth/token", response_model=schemas.Token,
              responses={401: {"model": schemas.ErrorOut}, 429: {"model": schemas.ErrorOut}})
    def token(body: schemas.SignIn, request: Request) -> schemas.Token:
        request.state.username = body.username[:100]
        access, claims = sign_in(store, key, body.username, body.password, _caller(request),
                                 lifetime=token_lifetime, append=writer.append)
        return schemas.Token(access_token=access, expires_at=claims.expires,
                             must_change_password=claims.must_change_password)

    @app.post("/v1/auth/password", response_model=schemas.Token)
    def password(body: schemas.PasswordChange, request: Request) -> schemas.Token:
        with signed(request, write=True, changing_password=True) as (session, actor):
            account = account_named(session, actor.username)
            if account is None or not password_matches(account.password_hash,
                                                       body.current_password):
                raise SignInRefused(WRONG)
            change_own_password(session, actor, NO_VAULT, body.new_password)
            claims = TokenClaims(account.id, account.username,
                                 _claims(request, key).expires, False)
        return schemas.Token(access_token=issue(key, claims), expires_at=claims.expires,
                             must_change_password=False)

    @app.get("/v1/staff", response_model=list[schemas.StaffOut])
    def staff(request: Request, include_left: bool = False) -> list[schemas.StaffOut]:
        with signed(request) as (session, actor):
            rows = list_staff(session, actor, include_left=include_left)
        return [schemas.StaffOut(staff_id=r.staff_id, name=r.name, job_title=r.job_title,
                                 team=r.team, role=r.role, supervisor=r.supervisor_name,
                                 active=r.active) for r in rows]

    @app.get("/v1/staff/{staff_id}/records", response_model=list[schemas.RecordSummary])
    def file_records(staff_id: str, request: Request) -> list[dict[str, Any]]:
        with signed(request) as (session, actor):
            person = find_by_staff_id(session, staff_id)
            if person is None:
                raise NotFoundError(f"There is no member of staff with staff id '{staff_id}'.")
            rows = record_listing(session, actor, records_of(session, actor, person.id))
            log_event(session, actor.who, "file.read", subject_kind="staff",
                      subject_id=staff_id, about_staff_id=person.id)
        return rows

    @app.get("/v1/records/{record_id}", response_model=schemas.RecordOut)
    def record(record_id: uuid.UUID, request: Request) -> schemas.RecordOut:
        with signed(request) as (session, actor):
            found = open_record(session, actor, record_id)  # checks, and logs the opening
            listing = record_listing(session, actor, [found])[0]
            ids = {p: session.get(Staff, p) for p in (found.supervisee_id, found.supervisor_id)
                   if p is not None}
        return schemas.RecordOut(
            **listing, supervisee=ids[found.supervisee_id].staff_id
            if found.supervisee_id else None, supervisor=ids[found.supervisor_id].staff_id,
            start_time=found.start_time, end_time=found.end_time, values=found.values,
            final=found.locked_at is not None, copy_given_on=found.copy_given_on)

    @app.get("/v1/compliance", response_model=list[schemas.ComplianceOut])
    def compliance(request: Request, as_of: date | None = None) -> list[dict[str, Any]]:
        with signed(request) as (session, actor):
            return [row.as_json() for row in compliance_for(session, actor,
                                                            as_of or date.today())]

    add_sync_routes(app, store, signed, key, token_lifetime)  # laptops' replicas
    return app
