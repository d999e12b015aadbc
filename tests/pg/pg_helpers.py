"""Helpers for the PostgreSQL and server tests: databases on the test server, and a real
server process on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]


def libpq_url(url: str) -> str:
    """A URL for psycopg itself (libpq's spelling, no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_database(server: str, template: str | None = None) -> str:
    """A new database on ``server`` (a copy of ``template`` when given); its URL."""
    name = f"sa_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(libpq_url(server), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"'
                     + (f' TEMPLATE "{template}"' if template else ""))
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    name = make_url(url).database
    maintenance = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(libpq_url(maintenance), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(database: str, *extra: str, log_to: Path | None = None
                   ) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``supervision-audit serve`` as its own process on a free port of 127.0.0.1, up and
    answering /health; its base URL and process. Stopped with SIGTERM after the block (if
    the block has not stopped it).

    Its log (stderr, a line per request) is a pipe the test may read, unless ``log_to``
    names a file: give one when the block makes more than a few hundred requests, or the
    unread pipe fills and the server waits on it. The log's key is a file of its own for
    this server unless ``extra`` names one (--log-key)."""
    port = free_port()
    keys = tempfile.TemporaryDirectory()  # the server's log key, its own for each database
    if "--log-key" not in extra:
        extra = (*extra, "--log-key", str(Path(keys.name) / "log.key"))
    log = open(os.devnull, "w")  # noqa: SIM115 - closed below
    errors = open(log_to, "w") if log_to else subprocess.PIPE  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "supervision_audit", "serve", "--database", database,
         "--port", str(port), *extra], cwd=ROOT, stdout=log, stderr=errors, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # up to a minute for a cold start on a busy machine
            if process.poll() is not None:
                said = process.stderr.read() if process.stderr else \
                    log_to.read_text() if log_to else ""
                raise RuntimeError(f"the server ended: {said}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not answer /health within a minute")
        yield base, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
        keys.cleanup()
        if log_to:
            errors.close()  # type: ignore[union-attr]
