"""The organisation's seal: its certificate (created here or imported), and sealing exported
PDFs with it so anyone can later check a record was not altered.

The seal belongs to the store's organisation and lives in the store: its PKCS#12 file (the
private key protected by a passphrase) and the passphrase are kept as settings in the
(encrypted) store, so that the app can seal for whoever exports without every supervisor
knowing it, each store has its own, and a backup carries it. A store set up by an earlier
version, whose seal is the one ``seal.p12`` in the user data directory, keeps using that
file while its passphrase opens it, and takes a copy in at its next sealed export.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlmodel import Session

from supervision_audit import paths
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.sealing.certificate import (
    CertificateInfo,
    SealError,
    certificate_info,
    checked_pkcs12,
    describe,
    load_certificate,
    self_signed_pkcs12,
)
from supervision_audit.sealing.seal import SealReport, TrustAnchor, seal_pdf, verify_pdf
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.events import log_event
from supervision_audit.services.integrity import require_unchanged
from supervision_audit.services.settings import get_setting, organisation_name, put_setting

PASSPHRASE_KEY = "seal_passphrase"
SEAL_KEY = "seal_pkcs12"  # the seal's PKCS#12 file, base64
# a laptop's replica: the organisation's seal certificate (PEM, no key), from its server,
# which seals what the laptop exports (services.offline_seal)
CERTIFICATE_KEY = "seal_certificate_pem"


def legacy_certificate_file() -> Path:
    """Where an earlier version kept one seal for every store of the user."""
    return paths.data_dir() / "certificate" / "seal.p12"


def set_up_seal(session: Session, actor: Actor, passphrase: str, *,
                import_from: Path | None = None) -> CertificateInfo:
    """Create a self-signed certificate for the organisation, or import a PKCS#12 file, as
    this store's seal (another store's seal is not touched)."""
    require(session, actor, Action.MANAGE_CERTIFICATE)
    if import_from is not None:
        data = checked_pkcs12(Path(import_from), passphrase)
    else:
        data = self_signed_pkcs12(organisation_name(session), passphrase)
    info = certificate_info(data, passphrase)
    put_setting(session, SEAL_KEY, base64.b64encode(data).decode("ascii"))
    put_setting(session, PASSPHRASE_KEY, passphrase)
    log_event(session, actor.who, "certificate.set_up", subject_kind="certificate",
              subject_id=info.sha256_fingerprint[:64],
              detail="imported" if import_from else "self-signed")
    return info


def _seal_data(session: Session) -> tuple[bytes, bool] | None:
    """The seal's PKCS#12 bytes and whether they came from the earlier version's shared
    file; None when this store has no seal."""
    passphrase = get_setting(session, PASSPHRASE_KEY)
    if not passphrase:
        return None
    stored = get_setting(session, SEAL_KEY)
    if stored:
        try:
            return base64.b64decode(stored, validate=True), False
        except (binascii.Error, ValueError):
            return None
    legacy = legacy_certificate_file()
    try:
        data = legacy.read_bytes()
        load_certificate(data, passphrase)  # another store's seal does not open with ours
    except (OSError, SealError):
        return None
    return data, True


def seal_ready(session: Session) -> bool:
    return _seal_data(session) is not None


def seal_in_place(session: Session, pdf: Path, reason: str, *,
                  signed: Sequence[tuple[str, uuid.UUID]] = ()) -> bool:
    """Seal ``pdf`` with the organisation's certificate if one is set up; True if sealed.

    ``signed`` names the signed documents (kind, id) in it: each must still be what was
    signed, else ChangedAfterSigningError and nothing is sealed.
    """
    for kind, subject_id in signed:
        require_unchanged(session, kind, subject_id)
    found = _seal_data(session)
    if found is None:
        return False
    data, legacy = found
    seal_pdf(pdf, pdf, data, get_setting(session, PASSPHRASE_KEY),
             reason=reason, location=organisation_name(session))
    if legacy:  # the store takes its own copy: another store's set-up cannot take it away
        put_setting(session, SEAL_KEY, base64.b64encode(data).decode("ascii"))
    return True


def write_sealed(session: Session, out: Path, reason: str, render: Callable[[Path], object],
                 *, signed: Sequence[tuple[str, uuid.UUID]] = (), seal: bool = True) -> bool:
    """``render(path)`` a PDF, seal it (``seal_in_place``) and put it at ``out``: whole or not
    at all, so a refusal or a failure to seal leaves nothing at ``out``. ``seal=False``
    (a copy to print) neither refuses nor seals: its pages say what is wrong. True if
    sealed."""
    from supervision_audit.exports.atomic import atomic_output

    if seal:
        for kind, subject_id in signed:  # before any work: nothing is written
            require_unchanged(session, kind, subject_id)
    with atomic_output(Path(out)) as tmp:
        render(tmp)
        return seal_in_place(session, tmp, reason) if seal else False


def organisation_certificate(session: Session) -> x509.Certificate | None:
    """The certificate of this store's seal (None when no seal is set up); on a laptop's
    replica, which holds no seal key, the organisation's certificate its server sent."""
    found = _seal_data(session)
    if found is None:
        pem = get_setting(session, CERTIFICATE_KEY)
        try:
            return x509.load_pem_x509_certificate(pem.encode("ascii")) if pem else None
        except ValueError:
            return None
    return load_certificate(found[0], get_setting(session, PASSPHRASE_KEY))


def sealed_elsewhere(session: Session) -> bool:
    """Whether the organisation seals this store's exports on its server (a laptop's
    replica: the certificate is here, the key is not)."""
    return not seal_ready(session) and bool(get_setting(session, CERTIFICATE_KEY))


def verify(session: Session | None, path: Path,
           trust: Sequence[TrustAnchor] = ()) -> SealReport:
    """Check a PDF's seal; trusted only when it is the organisation's own certificate (this
    store's seal) or chains to one of ``trust`` (certificates given, e.g. the
    organisation's exported PEM on a machine without the store)."""
    anchors: list[TrustAnchor] = list(trust)
    own = organisation_certificate(session) if session is not None else None
    if own is not None:
        anchors.append(own)
    return verify_pdf(Path(path), trust=anchors)


def current_certificate(session: Session) -> CertificateInfo | None:
    """The organisation's seal certificate, if one is set up."""
    found = _seal_data(session)
    if found is None:
        return None
    return certificate_info(found[0], get_setting(session, PASSPHRASE_KEY))


def export_certificate_pem(session: Session, out: Path) -> CertificateInfo:
    """Write the organisation's seal certificate (never its key) to ``out`` as PEM: what a
    supervisee or an inspector needs to check a sealed PDF without the store
    (``verify --trust``)."""
    from supervision_audit.exports.atomic import atomic_output

    cert = organisation_certificate(session)
    if cert is None:
        raise SupervisionAuditError("No seal certificate is set up for this store, so there "
                                    "is none to export.")
    with atomic_output(Path(out)) as tmp:
        tmp.write_bytes(cert.public_bytes(Encoding.PEM))
    return describe(cert)
