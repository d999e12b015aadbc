"""A laptop's side of a sync: sign in to the server, push the outbox, pull until up to date.

The HTTP client is the standard library's (``urllib``): JSON over HTTP or HTTPS, the bearer
token of a sign-in, the device id in ``X-Device``. Every step is safe to cut off: a push is
applied on the server whole or not at all and is answered again if the answer was lost; a
page of a pull is taken in whole, with its cursor, or not at all.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from supervision_audit.db import Store
from supervision_audit.errors import StoreError, StoreLockedError, SupervisionAuditError
from supervision_audit.sync.outbox import (
    Refusal,
    acknowledge,
    digest_of,
    next_batch,
    renumber_after,
    waiting,
)
from supervision_audit.sync.prune import RESTORED
from supervision_audit.sync.recovery import explain, let_go_of_files, queue_again, standing
from supervision_audit.sync.replica import apply_page, now_text, read_state, write_state
from supervision_audit.sync.replica_schema import ensure_replica_schema
from supervision_audit.sync.sealing import seal_exports, take_certificate
from supervision_audit.sync.trust import AccountClosed, record_contact, wipe_replica

Progress = Callable[[str], None]
MAX_ROUNDS = 10_000


class SyncError(SupervisionAuditError):
    """The server refused, or answered what a laptop cannot use."""


class Unreachable(SyncError):
    """The server could not be reached: work goes on offline, nothing is lost."""


def check_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise SyncError(f"'{url}' is not the server's address (http://host:port or "
                        "https://host).")
    return url


class ServerLink:
    """Requests to the organisation's server as one signed-in user from one device."""

    def __init__(self, base: str, device: str, timeout: float = 120.0):
        self.base = check_url(base)
        self.device = device
        self.timeout = timeout
        self.token = ""
        self.key = ""  # the laptop's own key, once signed in with it

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
        headers = {"Content-Type": "application/json", "X-Device": self.device}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                return answer.status, json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                found = json.loads(raw) if raw else {}
            except ValueError:
                found = {"detail": raw.decode("utf-8", "replace")[:200]}
            return exc.code, found if isinstance(found, dict) else {"detail": str(found)}
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Unreachable(f"The server {self.base} could not be reached ({reason}). "
                              "Work goes on on this laptop; nothing is lost.") from exc

    def sign_in(self, username: str, password: str) -> None:
        status, body = self.call("POST", "/v1/auth/token",
                                 {"username": username, "password": password})
        if status != 200:
            raise SyncError(f"The server did not sign you in: {body.get('detail', status)}")
        if body.get("must_change_password"):
            raise SyncError("The server asks for your one-time password to be changed first: "
                            "change it, then sync.")
        self.token = str(body["access_token"])

    def sign_in_device(self, key: str) -> None:
        """Sign in with this laptop's own key (no password); AccountClosed when the server
        says the account may no longer be used."""
        status, body = self.call("POST", "/v1/sync/token", {"device": self.device, "key": key})
        if status == 403 and body.get("closed"):
            raise AccountClosed(f"The organisation's server says: {body.get('detail', '')}")
        if status != 200:
            raise SyncError(f"The server did not sign this laptop in: "
                            f"{body.get('detail', status)}")
        self.token, self.key = str(body["access_token"]), key

    def device_key(self) -> str:
        """A new key for this laptop (signed in with the password)."""
        status, body = self.post("/v1/sync/device", {"device": self.device})
        if status != 200:
            raise SyncError(f"The server gave this laptop no key: {body.get('detail', status)}")
        return str(body["key"])

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        status, answer = self.call("POST", path, body)
        if status == 401 and self.key:  # the token ran out, or the account was closed since
            self.sign_in_device(self.key)
            status, answer = self.call("POST", path, body)
        return status, answer


@dataclass
class SyncReport:
    pushed: int = 0
    unchanged: int = 0
    refused: list[Refusal] = field(default_factory=list)
    rows: int = 0
    deleted: int = 0
    kept_local: int = 0
    files_added: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    waiting: int = 0
    sealed: int = 0  # exports sealed by the server, replaced where they were put
    sealed_kept: int = 0  # ... kept for the next export (the file had moved or changed)
    not_sealed: list[str] = field(default_factory=list)
    rebuilt: str = ""  # why the laptop took its files again (server restored, or pruned)
    sent_again: int = 0

    def lines(self) -> list[str]:
        out = [self.rebuilt] if self.rebuilt else []
        out += [f"pushed: {self.pushed} change(s) taken by the server"
               + (f", {self.unchanged} already there" if self.unchanged else ""),
               f"pulled: {self.rows} row(s) written, {self.deleted} removed"]
        if self.files_added:
            out.append(f"files added to this laptop: {len(self.files_added)}")
        if self.files_removed:
            out.append(f"files removed from this laptop (no longer yours to see): "
                       f"{len(self.files_removed)}")
        if self.kept_local:
            out.append(f"kept as this laptop has them until its changes go up: "
                       f"{self.kept_local}")
        for refusal in self.refused:
            out.append(f"refused ({refusal.kind}): {refusal.table} {refusal.key}: "
                       f"{refusal.reason}")
        if self.sealed:
            out.append(f"sealed by the server: {self.sealed} export(s), replaced where they "
                       "were put")
        if self.sealed_kept:
            out.append(f"sealed by the server, ready to export again: {self.sealed_kept}")
        out += self.not_sealed
        out.append(f"waiting to go: {self.waiting}")
        return out


def _say(progress: Progress | None, text: str) -> None:
    if progress is not None:
        progress(text)


def push_all(store: Store, link: ServerLink, report: SyncReport,
             progress: Progress | None = None) -> None:
    """Send the outbox, batch after batch, until it is empty."""
    for _ in range(MAX_ROUNDS):
        with store.read() as session:
            batch = next_batch(session.connection())
        if batch is None:
            return
        status, body = link.post("/v1/sync/push", batch.wire(link.device))
        if status == 409:  # numbers the server has applied already
            answer = body.get("result") or {}
            with store.read() as session:
                ours = bool(answer.get("digest")) and digest_of(
                    session.connection(), int(answer["first"]), int(answer["last"])
                ) == answer["digest"]
            if ours:  # this batch: its answer was lost on the way
                report.refused += acknowledge(store, answer)
            else:  # new changes numbered again (a replica restored from a backup)
                renumber_after(store, int(body["last"]))
                _say(progress, "changes waiting renumbered after the server's last")
            continue
        if status != 200:
            raise SyncError(f"The server did not take the changes: {body.get('detail', status)}")
        report.refused += acknowledge(store, body)
        report.pushed += int(body.get("applied", 0))
        report.unchanged += int(body.get("unchanged", 0))
        _say(progress, f"pushed changes {batch.first} to {batch.last}")
    raise SyncError("The outbox did not empty; sync again later.")


def pull_all(store: Store, link: ServerLink, report: SyncReport,
             progress: Progress | None = None) -> None:
    """Pull pages until the server has nothing more."""
    for _ in range(MAX_ROUNDS):
        with store.read() as session:
            state = read_state(session.connection())
        status, body = link.post("/v1/sync/pull", {
            "device": state.device, "cursor": state.cursor,
            "files": [str(f) for f in state.files],
            "directory_digest": state.directory_digest})
        if status != 200:
            raise SyncError(f"The server did not answer the pull: {body.get('detail', status)}")
        try:
            applied = apply_page(store, body)
        except StoreLockedError:
            raise  # busy for a moment: said as such, tried again at the next sync
        except (SQLAlchemyError, StoreError) as exc:  # the page did not land, none of it
            cause = exc.__cause__ if isinstance(exc, StoreError) and exc.__cause__ else exc
            reason = str(getattr(cause, "orig", None) or cause).splitlines()[0][:200]
            raise SyncError(f"This laptop could not take in the server's changes ({reason}); "
                            "nothing of them was written. Tell your administrator.") from exc
        report.rows += applied.rows
        report.deleted += applied.deleted
        report.kept_local += applied.kept_local
        report.files_added += [str(f) for f in applied.files_added]
        report.files_removed += [str(f) for f in applied.files_removed]
        _say(progress, f"pulled up to change {body['cursor']}")
        if not body.get("more"):
            return
    raise SyncError("The pull did not finish; sync again later.")


def _sign_in_with_password(link: ServerLink, username: str, password: str,
                           device_key: str) -> None:
    """Signed in with the password; if the server refuses, the laptop's key asks whether the
    account was closed (AccountClosed), as a password refusal does not say so."""
    try:
        link.sign_in(username, password)
    except SyncError:
        if device_key:
            link.sign_in_device(device_key)  # AccountClosed, or in after all
            return
        raise


def sync_store(store: Store, username: str, password: str | None = None, *,
               server: str | None = None, progress: Progress | None = None) -> SyncReport:
    """One sync of the replica ``store`` as ``username``: push, then pull. Signed in to the
    server with ``password``, or without it by the laptop's own key."""
    with store.write() as session:
        state = read_state(session.connection())  # a standalone store is left untouched
        ensure_replica_schema(session.connection())
    if username != state.username:
        raise SyncError(f"This replica is {state.username}'s: sign in as {state.username} "
                        "to sync it.")
    link = ServerLink(server or state.server, state.device)
    report = SyncReport()
    try:
        if password is not None:
            _sign_in_with_password(link, username, password, state.device_key)
            if not state.device_key:  # a replica made before laptops had keys
                with store.write() as session:
                    write_state(session.connection(), device_key=link.device_key())
        elif state.device_key:
            link.sign_in_device(state.device_key)
        else:
            raise SyncError("This laptop has no key of its own yet: sync once with your "
                            "password.")
        record_contact(store)
        _say(progress, "signed in to the server")
        why, log_seq = standing(link, state.device, state.cursor)
        if why == RESTORED:
            report.sent_again = queue_again(store, log_seq)
            _say(progress, f"the server was restored: {report.sent_again} sent again")
        push_all(store, link, report, progress)
        if why:
            let_go_of_files(store)
            report.rebuilt = explain(why)
        pull_all(store, link, report, progress)
        take_certificate(store, link)
        report.sealed, report.sealed_kept, report.not_sealed = seal_exports(
            store, link, lambda text: _say(progress, text))
    except AccountClosed as exc:
        raise AccountClosed(wipe_replica(store, str(exc))) from exc
    except SupervisionAuditError as exc:
        with store.write() as session:
            write_state(session.connection(), last_error=str(exc))
        raise
    with store.write() as session:
        conn = session.connection()
        write_state(conn, last_synced_at=now_text(), last_error="",
                    **({"server": link.base} if server else {}))
        report.waiting = waiting(conn)
    return report
