"""Sealing at sync: the laptop keeps the organisation's seal certificate (never its key)
and has the server seal what it exported offline (``services.offline_seal``).

After a sync's push and pull (the server then holds what the laptop exported), each export
waiting is asked of the server by what it was (the record, the day printed on it, the content
its signatures cover); the server prints it again from its own copy and seals it. The sealed
copy replaces the file where it was put, if that is still the file exported, or waits in
the replica for the next export of the record. One the server will not seal (the record
changed since) is said, and its file keeps its "not yet sealed" mark.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from supervision_audit.db import Store
from supervision_audit.services import offline_seal
from supervision_audit.services.seal_setup import CERTIFICATE_KEY
from supervision_audit.sync.replica import applying, remove, upsert


def take_certificate(store: Store, link: Any) -> None:
    """The organisation's seal certificate, as the server has it now."""
    status, body = link.call("GET", "/v1/sync/seal-certificate")
    if status != 200:
        return  # a server without sealing for laptops: exports stay as they were
    pem = str(body.get("pem") or "")
    with store.read() as session:
        held = session.connection().exec_driver_sql(
            "SELECT value FROM setting WHERE key = ?", (CERTIFICATE_KEY,)).scalar()
    if (held or "") == pem:
        return
    with store.write() as session, applying(session) as conn:  # the server's, not a change
        if pem:
            upsert(conn, "setting", {"key": CERTIFICATE_KEY, "value": pem})
        else:
            remove(conn, "setting", (CERTIFICATE_KEY,))


def seal_exports(store: Store, link: Any, say: Callable[[str], None]) -> tuple[int, int, list[str]]:
    """Have the server seal each export waiting: (replaced in place, kept for the next
    export, refusals as sentences)."""
    replaced, kept, refused = 0, 0, []
    with store.read() as session:
        todo = offline_seal.waiting(session.connection())
    for request in todo:
        status, body = link.post("/v1/sync/seal", {
            "kind": request.kind, "id": str(request.subject_id),
            "printed_on": request.printed_on.isoformat(),
            "content_hash": request.content_hash})
        if status == 409:
            refused.append(f"{request.path.name} was not sealed: {body.get('detail', '')}")
            if not body.get("later"):  # asked again at the next sync otherwise
                with store.write() as session:
                    offline_seal.refused(session.connection(), request)
            continue
        if status != 200:
            refused.append(f"{request.path.name} was not sealed yet: "
                           f"{body.get('detail', status)}")
            continue
        try:
            data = base64.b64decode(str(body["pdf"]), validate=True)
        except (KeyError, binascii.Error, ValueError):
            refused.append(f"{request.path.name}: the server's sealed copy was unreadable")
            continue
        with store.write() as session:
            if offline_seal.took_sealed(session.connection(), request, data):
                replaced += 1
                say(f"sealed by the server: {request.path}")
            else:
                kept += 1
                say(f"sealed by the server, ready to export again: {request.path.name}")
    return replaced, kept, refused
