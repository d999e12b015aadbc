"""The command line's seal commands: checking a sealed PDF (with the store, or with the
organisation's certificate on a machine without it) and the organisation's certificate."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from supervision_audit.cli import ENV_PASSWORD, ENV_USER, signed_in
from supervision_audit.errors import SupervisionAuditError

ENV_SEAL_PASSPHRASE = "SUPERVISION_AUDIT_SEAL_PASSPHRASE"


def _trusted_certificates(files: list[str]) -> list[bytes]:
    """The certificates given with --trust (PEM or DER), each checked to be one."""
    from cryptography import x509

    found = []
    for name in files:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SupervisionAuditError(f"The certificate {path} could not be read: "
                                        f"{exc.strerror or exc}.") from exc
        try:
            if data.lstrip().startswith(b"-----BEGIN"):
                x509.load_pem_x509_certificate(data)
            else:
                x509.load_der_x509_certificate(data)
        except ValueError as exc:
            raise SupervisionAuditError(f"{path.name} is not a certificate (PEM or DER); "
                                        "certificate --export-pem writes the "
                                        "organisation's.") from exc
        found.append(data)
    return found


def cmd_verify(args: argparse.Namespace) -> int:
    """Check a PDF's seal. Exit status 0 only when it is sealed, unchanged since, over the
    whole file, by the organisation's certificate: this store's seal when signed in, or
    one given with --trust (which needs no store)."""
    from supervision_audit.services.seal_setup import verify

    path = Path(args.file)
    if not path.is_file():
        raise SupervisionAuditError(f"There is no file at {path}.")
    trust = _trusted_certificates(args.trust or [])
    if os.environ.get(ENV_USER) and os.environ.get(ENV_PASSWORD):
        opened = signed_in(args)
        try:
            with opened.store.read() as session:
                report = verify(session, path, trust)
        finally:
            opened.store.close()
    else:
        report = verify(None, path, trust)
    print(report.summary)
    if report.sealed:
        when = f"{report.signed_at:%d/%m/%Y %H:%M}" if report.signed_at else "unknown"
        print(f"  sealed by: {report.signer}\n  sealed at: {when}\n"
              f"  certificate fingerprint (SHA-256): {report.fingerprint or 'unknown'}\n"
              f"  intact: {'yes' if report.intact else 'NO'}\n"
              f"  covers the whole file: {'yes' if report.covers_whole_file else 'NO'}\n"
              f"  the organisation's own certificate: {'yes' if report.trusted else 'NO'}")
    return 0 if report.genuine else 1


def cmd_certificate(args: argparse.Namespace) -> int:
    """Set up the organisation's seal (administrators), or write its certificate as PEM."""
    from supervision_audit.services.seal_setup import export_certificate_pem, set_up_seal

    if args.export_pem:
        opened = signed_in(args)
        try:
            with opened.store.write() as session:
                info = export_certificate_pem(session, Path(args.export_pem))
        finally:
            opened.store.close()
        print(f"The organisation's certificate ({info.common_name}, SHA-256 "
              f"{info.sha256_fingerprint}) written to {args.export_pem}. Give it to whoever "
              "checks sealed PDFs: verify --trust FILE checks a PDF against it.")
        return 0
    passphrase = os.environ.get(ENV_SEAL_PASSPHRASE, "")
    if not passphrase:
        raise SupervisionAuditError(f"Set {ENV_SEAL_PASSPHRASE} to the certificate's "
                                    "passphrase.")
    opened = signed_in(args)
    try:
        with opened.store.write() as session:
            info = set_up_seal(session, opened.actor, passphrase,
                               import_from=Path(args.import_file) if args.import_file else None)
    finally:
        opened.store.close()
    print(f"Seal certificate: {info.common_name}, valid until {info.not_after:%d/%m/%Y}, "
          f"SHA-256 {info.sha256_fingerprint}.")
    return 0


def add_seal_commands(sub: Any, make: Callable[..., argparse.ArgumentParser]) -> None:
    """The parsers of ``verify`` and ``certificate`` (``make`` adds one, as in
    cli_commands)."""
    p = make(sub, "verify", cmd_verify, "check a PDF's seal: who sealed it, when, whether it "
             "is intact and the organisation's (exit status 0 only when all hold)")
    p.add_argument("file")
    p.add_argument("--trust", action="append", metavar="CERT.pem",
                   help="the organisation's certificate (certificate --export-pem), or a "
                        "certificate it chains to; no store is needed then (repeatable)")
    p = make(sub, "certificate", cmd_certificate, "set up the organisation's seal: a new "
             "self-signed certificate, or --import a PKCS#12 file (administrators; "
             f"passphrase from ${ENV_SEAL_PASSPHRASE}); or --export-pem its certificate")
    p.add_argument("--import", dest="import_file", metavar="FILE.p12")
    p.add_argument("--export-pem", metavar="FILE.pem",
                   help="write the organisation's certificate (not its key) as PEM")
