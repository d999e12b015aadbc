"""Seal exported PDFs with the organisation's certificate (PAdES B-B) and check sealed files.

pyHanko is imported inside the functions so the app's start-up does not pay for it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from supervision_audit.exports.atomic import atomic_output
from supervision_audit.sealing.certificate import SealError, describe, loaded_pkcs12

_log = logging.getLogger(__name__)

FIELD_NAME = "Seal"
_HEADER_WINDOW = 1024  # PDF readers accept a header within the first 1 KiB

TrustAnchor = x509.Certificate | bytes
# pyHanko's libraries, whose warnings while we check a seal are ours to report, not theirs
_CHECKING_LIBRARIES = ("pyhanko", "pyhanko_certvalidator")


@dataclass(frozen=True)
class SealReport:
    """What checking a file's seal found; ``summary`` is one sentence for a person."""

    sealed: bool
    intact: bool
    signer: str
    signed_at: datetime | None
    covers_whole_file: bool
    trusted: bool
    summary: str
    fingerprint: str = ""  # the SHA-256 of the certificate that sealed it
    anchored: bool = True  # a certificate to trust was given to check it against

    @property
    def genuine(self) -> bool:
        """Sealed, unchanged since, over the whole file, by a certificate trusted here."""
        return self.sealed and self.intact and self.covers_whole_file and self.trusted


def seal_pdf(
    source: Path,
    out: Path,
    p12: Path | bytes,
    passphrase: str,
    *,
    reason: str = "Sealed record",
    location: str = "",
) -> Path:
    """Seal ``source`` with the key in ``p12`` as PAdES B-B, writing ``out``.

    The seal is an invisible signature in a field named ``Seal``, added as an incremental
    update: a PDF/A-2b ``source`` stays PDF/A-2b (no appearance or font is added, and
    ``exports/pdfa.py`` leaves pyHanko's metadata update nothing to set differently in the
    information dictionary and the XMP). ``out`` is written whole or not at all; on any
    error (wrong passphrase, expired certificate, unreadable PDF) it is left as it was.
    """
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.general import SigningError

    from supervision_audit.sealing.signer import signer_for

    source, out = Path(source), Path(out)
    name = "The seal certificate" if isinstance(p12, bytes) else Path(p12).name
    # clear errors for a wrong passphrase or foreign file; opened once per file version
    loaded = loaded_pkcs12(p12 if isinstance(p12, bytes) else Path(p12), passphrase)
    cert = loaded.certificate
    if loaded.key is None or cert is None:
        raise SealError(f"{name} does not hold both a private key and its certificate.")
    if cert.not_valid_after_utc < datetime.now(UTC):
        raise SealError(
            f"The seal certificate expired on {cert.not_valid_after_utc:%d/%m/%Y}; "
            "create or import a new one before sealing."
        )
    try:
        signer, reserve = signer_for(loaded)
    except (ValueError, TypeError) as exc:
        raise SealError(f"{name} could not be used to seal: {exc}") from exc
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
    )
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise SealError(f"Could not read {source.name}: {exc.strerror or exc}.") from exc
    if not _is_pdf(data):
        raise SealError(f"{source.name} is not a PDF file, so it cannot be sealed.")
    with atomic_output(out) as tmp:
        try:
            try:
                _sign(data, tmp, signers.PdfSigner(meta, signer=signer), reserve)
            except SigningError as exc:
                if "larger than expected" not in str(exc):
                    raise
                # our estimate was short (an unusual certificate): let pyHanko size it
                _sign(data, tmp, signers.PdfSigner(meta, signer=signer), None)
        except OSError:
            raise
        except Exception as exc:  # pyHanko raises many kinds for unusable input
            raise SealError(_signing_problem(source, exc)) from exc
    return out


def _sign(data: bytes, target: Path, signer: Any, reserve: int | None) -> None:
    """Write ``data`` signed by ``signer`` (a pyHanko ``PdfSigner``) to ``target``."""
    from io import BytesIO

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with open(target, "wb") as outf:
        writer = IncrementalPdfFileWriter(BytesIO(data))
        signer.sign_pdf(writer, output=outf, bytes_reserved=reserve)


def verify_pdf(path: Path, trust: Sequence[TrustAnchor] | None = None) -> SealReport:
    """Check the seal on the PDF at ``path``; never raises for a bad, unsealed or damaged file.

    ``intact`` needs a cryptographically valid signature that covers the entire file: any byte
    changed, appended or added as an incremental update after sealing makes it False.
    ``trusted`` needs the signer's certificate to be (or chain to) one of ``trust``.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _unsealed(f"The file could not be read: {exc.strerror or exc}.")
    if not _is_pdf(data):
        return _unsealed("This file is not a PDF, so it carries no seal.")
    anchors = [_as_asn1(t) for t in trust or []]  # a wrong type here is the caller's bug
    try:
        with _libraries_quiet():
            return _verify(data, anchors)
    except Exception as exc:  # a damaged or unusual file must give an answer, not a traceback
        _log.info("Could not read %s to check its seal", path, exc_info=True)
        looks_signed = b"/ByteRange" in data
        return SealReport(
            sealed=looks_signed,
            intact=False,
            signer="",
            signed_at=None,
            covers_whole_file=False,
            trusted=False,
            summary=(
                "The file is damaged, so its seal cannot be checked; treat it as NOT intact."
                if looks_signed
                else f"The file is damaged or unreadable as a PDF ({_short(exc)})."
            ),
        )


def _verify(data: bytes, anchors: list[object]) -> SealReport:
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(BytesIO(data))
    signatures = reader.embedded_regular_signatures
    if not signatures:
        return _unsealed("This PDF is not sealed.")
    named = [s for s in signatures if s.field_name == FIELD_NAME]
    embedded = (named or signatures)[0]
    signer = fingerprint = ""
    try:
        signer = _signer_name(embedded.signer_cert.dump())
        fingerprint = describe(x509.load_der_x509_certificate(
            embedded.signer_cert.dump())).sha256_fingerprint
        context = ValidationContext(trust_roots=anchors, allow_fetching=False)
        usage = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"})
        status = validate_pdf_signature(embedded, context, key_usage_settings=usage)
    except Exception as exc:  # e.g. a signature of a kind pyHanko cannot check, or mangled
        _log.info("Could not check the seal", exc_info=True)
        return SealReport(
            sealed=True,
            intact=False,
            signer=signer,
            signed_at=None,
            covers_whole_file=False,
            trusted=False,
            summary=(
                f"The seal on this file could not be checked ({_short(exc)}); "
                "treat it as NOT intact."
            ),
        )
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    sound = bool(status.intact and status.valid)
    intact = sound and whole
    signed_at = status.signer_reported_dt
    trusted = intact and status.trusted
    when = f" on {signed_at.astimezone():%d/%m/%Y %H:%M}" if signed_at else ""
    if not sound:
        summary = "NOT intact: the file was changed after it was sealed."
    elif not whole:
        summary = (
            "NOT intact: the file was changed after it was sealed "
            "(something was added after the seal)."
        )
    elif trusted:
        summary = f"Sealed by {signer}{when}; intact."
    elif not anchors:
        summary = (
            f"Sealed{when} by a certificate naming {signer}, unchanged since; but there is "
            "no organisation certificate here to check it against, so it is NOT shown to be "
            "the organisation's seal (give the organisation's certificate: --trust ORG.pem)."
        )
    else:
        summary = (
            f"NOT the organisation's seal: sealed{when} by a certificate naming {signer} "
            f"that is not the organisation's certificate (fingerprint {fingerprint}), "
            "though the file is unchanged since. Anyone can make a certificate with any "
            "name."
        )
    return SealReport(
        sealed=True,
        intact=intact,
        signer=signer,
        signed_at=signed_at,
        covers_whole_file=whole,
        trusted=trusted,
        summary=summary,
        fingerprint=fingerprint,
        anchored=bool(anchors),
    )


class _QuietWhileChecking(logging.Filter):
    """Drops what pyHanko logs while :func:`verify_pdf` checks a seal (in that check only).

    Without a certificate to trust, pyHanko logs the self-signed seal certificate as a
    warning with a traceback (Python prints it on stderr when logging is not configured),
    though the result is as expected; the report says it plainly instead. Other threads,
    and pyHanko outside our checks, log as usual (the check's context is a context
    variable, which pyHanko's own asyncio tasks and worker threads inherit). What is
    dropped goes to this module's logger at DEBUG, without the traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not _checking.get():
            return True
        _log.debug("While checking a seal, %s said: %s", record.name, record.getMessage())
        return False


_checking: ContextVar[bool] = ContextVar("supervision_audit_checking_seal", default=False)
_quiet = _QuietWhileChecking()
_quietened: set[str] = set()


@contextmanager
def _libraries_quiet() -> Iterator[None]:
    # A logger's filter sees only what is logged to that very logger, so every pyHanko
    # logger gets it; they are made as pyHanko's modules load, so load those we use first.
    import pyhanko.sign.validation  # noqa: F401
    import pyhanko_certvalidator  # noqa: F401

    for name in list(logging.root.manager.loggerDict):
        if name not in _quietened and name.split(".")[0] in _CHECKING_LIBRARIES:
            logging.getLogger(name).addFilter(_quiet)
            _quietened.add(name)
    token = _checking.set(True)
    try:
        yield
    finally:
        _checking.reset(token)


def _is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:_HEADER_WINDOW]


def _unsealed(summary: str) -> SealReport:
    return SealReport(
        sealed=False,
        intact=False,
        signer="",
        signed_at=None,
        covers_whole_file=False,
        trusted=False,
        summary=summary,
    )


def _signer_name(cert_der: bytes) -> str:
    info = describe(x509.load_der_x509_certificate(cert_der))
    parts = [p for p in (info.common_name, info.organisation) if p]
    if len(parts) == 2 and parts[0] == parts[1]:
        parts = parts[:1]
    return ", ".join(parts) or "an unnamed signer"


def _as_asn1(anchor: object) -> object:
    from asn1crypto import x509 as asn1_x509

    if isinstance(anchor, asn1_x509.Certificate):
        return anchor
    if isinstance(anchor, x509.Certificate):
        return asn1_x509.Certificate.load(anchor.public_bytes(serialization.Encoding.DER))
    if isinstance(anchor, bytes):
        if anchor.lstrip().startswith(b"-----BEGIN"):
            anchor = x509.load_pem_x509_certificate(anchor).public_bytes(serialization.Encoding.DER)
        return asn1_x509.Certificate.load(anchor)
    raise TypeError(f"Not a certificate: {type(anchor).__name__}")


def _signing_problem(source: Path, exc: Exception) -> str:
    text = str(exc)
    if "encrypt" in text.lower():
        return f"{source.name} is password-protected; export it without a password to seal it."
    if "already" in text.lower() or "filled" in text.lower():
        return f"{source.name} is already sealed."
    return f"{source.name} could not be sealed because it is damaged or unusual ({_short(exc)})."


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."
