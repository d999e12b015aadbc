"""The organisation's seal: its certificate (created here or imported), and sealing exported
PDFs with it so anyone can later check a record was not altered.

The certificate's PKCS#12 file lives in the user data directory, its private key protected
by a passphrase; the passphrase is kept inside the (encrypted) store so that the app can seal
for whoever exports, without every supervisor knowing it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlmodel import Session

from supervision_audit import paths
from supervision_audit.sealing.certificate import (
    CertificateInfo,
    certificate_info,
    create_self_signed,
    import_pkcs12,
    load_certificate,
)
from supervision_audit.sealing.seal import SealReport, seal_pdf, verify_pdf
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.events import log_event
from supervision_audit.services.integrity import require_unchanged
from supervision_audit.services.settings import get_setting, organisation_name, put_setting

PASSPHRASE_KEY = "seal_passphrase"


def certificate_folder() -> Path:
    return paths.data_dir() / "certificate"


def certificate_file() -> Path:
    return certificate_folder() / "seal.p12"


def set_up_seal(session: Session, actor: Actor, passphrase: str, *,
                import_from: Path | None = None) -> CertificateInfo:
    """Create a self-signed certificate for the organisation, or import a PKCS#12 file."""
    require(session, actor, Action.MANAGE_CERTIFICATE)
    if import_from is not None:
        path = import_pkcs12(Path(import_from), certificate_folder(), passphrase)
    else:
        path = create_self_signed(certificate_folder(), organisation_name(session), passphrase)
    put_setting(session, PASSPHRASE_KEY, passphrase)
    info = certificate_info(path, passphrase)
    log_event(session, actor.who, "certificate.set_up", subject_kind="certificate",
              subject_id=info.sha256_fingerprint[:64],
              detail="imported" if import_from else "self-signed")
    return info


def seal_ready(session: Session) -> bool:
    return certificate_file().exists() and bool(get_setting(session, PASSPHRASE_KEY))


def seal_in_place(session: Session, pdf: Path, reason: str, *,
                  signed: Sequence[tuple[str, uuid.UUID]] = ()) -> bool:
    """Seal ``pdf`` with the organisation's certificate if one is set up; True if sealed.

    ``signed`` names the signed documents (kind, id) in it: each must still be what was
    signed, else ChangedAfterSigningError and nothing is sealed.
    """
    for kind, subject_id in signed:
        require_unchanged(session, kind, subject_id)
    if not seal_ready(session):
        return False
    seal_pdf(pdf, pdf, certificate_file(), get_setting(session, PASSPHRASE_KEY),
             reason=reason, location=organisation_name(session))
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


def verify(session: Session | None, path: Path) -> SealReport:
    """Check a PDF's seal; trusted when it is the organisation's own certificate."""
    trust = []
    if session is not None and seal_ready(session):
        trust.append(load_certificate(certificate_file(), get_setting(session, PASSPHRASE_KEY)))
    return verify_pdf(Path(path), trust=trust or None)


def current_certificate(session: Session) -> CertificateInfo | None:
    """The organisation's seal certificate, if one is set up."""
    if not seal_ready(session):
        return None
    return certificate_info(certificate_file(), get_setting(session, PASSPHRASE_KEY))
