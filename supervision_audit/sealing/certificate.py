"""The organisation's sealing certificate: create a self-signed one, import one, describe it.

The key and certificate live together in one passphrase-protected PKCS#12 file, ``seal.p12``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import shutil
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    PrivateKeyTypes,
    PublicKeyTypes,
)
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from supervision_audit.errors import SupervisionAuditError
from supervision_audit.exports.atomic import atomic_output

SEAL_FILE = "seal.p12"
MIN_PASSPHRASE = 8
# A certificate made elsewhere moments ago may start a little ahead of this machine's clock.
CLOCK_SKEW = timedelta(minutes=5)
# Opening a PKCS#12 file (decrypting it, checking the RSA key) takes about 0.1 s, so each file
# version is opened once per process and kept for the next export: a few of them at most.
_LOADED_KEPT = 4


class SealError(SupervisionAuditError):
    """A seal certificate or a sealed file could not be used; the message says why."""


class WrongPassphraseError(SealError):
    """The passphrase does not open the certificate file."""


@dataclass(frozen=True)
class CertificateInfo:
    """What a person needs to recognise a sealing certificate."""

    common_name: str
    organisation: str
    not_before: datetime
    not_after: datetime
    sha256_fingerprint: str  # upper-case hex pairs joined by ':'


@dataclass(frozen=True, eq=False)
class LoadedPkcs12:
    """What one version of a PKCS#12 file holds, opened with one passphrase.

    ``version`` identifies the file version and passphrase it was opened with (the file's
    path, identity, size and times, and a keyed digest of the passphrase, never the
    passphrase itself); anything derived from this object may be kept under it.
    """

    key: PrivateKeyTypes | None
    certificate: x509.Certificate | None
    others: tuple[x509.Certificate, ...]
    version: tuple[object, ...]


_loaded: OrderedDict[tuple[object, ...], LoadedPkcs12] = OrderedDict()
_loaded_lock = threading.Lock()
_PASSPHRASE_KEY = secrets.token_bytes(32)  # keys the passphrase digests; this process only


def _check_passphrase(passphrase: str) -> None:
    if not passphrase or not passphrase.strip():
        raise SealError("Choose a passphrase to protect the seal certificate.")
    if len(passphrase) < MIN_PASSPHRASE:
        raise SealError(
            f"The passphrase must be at least {MIN_PASSPHRASE} characters long; "
            f"this one has {len(passphrase)}."
        )


def self_signed_pkcs12(organisation: str, passphrase: str, *, days: int = 3650) -> bytes:
    """An RSA-3072 key and a self-signed certificate for ``organisation``, as a PKCS#12
    file's bytes encrypted with ``passphrase``."""
    organisation = organisation.strip()
    if not organisation:
        raise SealError("Give the organisation's name for the seal certificate.")
    _check_passphrase(passphrase)
    if days < 1:
        raise SealError("The certificate must be valid for at least one day.")
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, organisation),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )
    now = datetime.now(UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        organisation.encode(),
        key,
        cert,
        None,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )


def create_self_signed(
    folder: Path, organisation: str, passphrase: str, *, days: int = 3650
) -> Path:
    """:func:`self_signed_pkcs12` saved as ``folder/seal.p12`` (replacing any earlier one);
    returns that path."""
    data = self_signed_pkcs12(organisation, passphrase, days=days)
    target = _prepare_folder(folder) / SEAL_FILE
    with atomic_output(target) as tmp:
        tmp.write_bytes(data)
        _private(tmp)
    return target


def import_pkcs12(source: Path, folder: Path, passphrase: str) -> Path:
    """Check ``source`` is a usable, current PKCS#12 seal and copy it to ``folder/seal.p12``.

    Nothing is copied unless the file opens with ``passphrase``, holds a private key with its
    matching certificate, and that certificate is in date.
    """
    source = Path(source)
    checked_pkcs12(source, passphrase)
    target = _prepare_folder(folder) / SEAL_FILE
    if source.resolve() == target.resolve():
        return target
    with atomic_output(target) as tmp:
        shutil.copyfile(source, tmp)
        _private(tmp)
    return target


def checked_pkcs12(source: Path, passphrase: str) -> bytes:
    """The bytes of ``source`` once it is known to be a usable, current PKCS#12 seal: it
    opens with ``passphrase`` and holds a private key with its matching certificate, in
    date. SealError says what is wrong otherwise."""
    source = Path(source)
    data = _read(source)
    key, cert, _ = _open_pkcs12(source, data, passphrase)
    if key is None:
        raise SealError(
            f"{source.name} holds a certificate but not its private key, so it cannot seal "
            "files. Export it again with the private key included."
        )
    if cert is None:
        raise SealError(f"{source.name} holds a private key but no certificate.")
    if _public_der(key.public_key()) != _public_der(cert.public_key()):
        raise SealError(f"In {source.name} the private key does not match the certificate.")
    now = datetime.now(UTC)
    if cert.not_valid_after_utc < now:
        raise SealError(
            f"The certificate in {source.name} expired on "
            f"{cert.not_valid_after_utc:%d/%m/%Y}; it can no longer seal files."
        )
    if cert.not_valid_before_utc > now + CLOCK_SKEW:
        raise SealError(
            f"The certificate in {source.name} is not valid until "
            f"{cert.not_valid_before_utc:%d/%m/%Y}."
        )
    return data


def certificate_info(p12: Path | bytes, passphrase: str) -> CertificateInfo:
    """Describe the certificate in ``p12`` (a file or its bytes): who it names, when it is
    valid, its fingerprint."""
    return describe(load_certificate(p12, passphrase))


def load_certificate(p12: Path | bytes, passphrase: str) -> x509.Certificate:
    """The certificate in ``p12`` (a file or its bytes), e.g. to pass as ``trust`` when
    verifying sealed files."""
    cert = loaded_pkcs12(p12 if isinstance(p12, bytes) else Path(p12), passphrase).certificate
    if cert is None:
        name = "The seal" if isinstance(p12, bytes) else Path(p12).name
        raise SealError(f"{name} holds no certificate.")
    return cert


def describe(cert: x509.Certificate) -> CertificateInfo:
    """A :class:`CertificateInfo` for a loaded certificate."""
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()
    return CertificateInfo(
        common_name=_name_part(cert.subject, NameOID.COMMON_NAME),
        organisation=_name_part(cert.subject, NameOID.ORGANIZATION_NAME),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        sha256_fingerprint=":".join(digest[i : i + 2] for i in range(0, len(digest), 2)),
    )


def open_pkcs12(
    path: Path, passphrase: str
) -> tuple[PrivateKeyTypes | None, x509.Certificate | None]:
    """The private key and certificate in a PKCS#12 file, or a SealError saying why not."""
    key, cert, _ = _open_pkcs12(Path(path), _read(Path(path)), passphrase)
    return key, cert


def loaded_pkcs12(path: Path | bytes, passphrase: str) -> LoadedPkcs12:
    """The contents of the PKCS#12 file at ``path`` (or of these bytes), opened once per
    process for each version of the file and each passphrase (as :func:`open_pkcs12`, with
    the same errors).

    A file replaced or touched since (another inode, size or time) or another passphrase is
    opened afresh; a wrong passphrase is never remembered, so it fails every time.
    """
    digest = hmac.new(_PASSPHRASE_KEY, passphrase.encode(), hashlib.sha256).digest()
    if isinstance(path, bytes):
        return _loaded_data(path, digest, passphrase)
    path = Path(path)
    before = _stat_key(path)
    version = (*before, digest) if before is not None else None
    if version is not None:
        with _loaded_lock:
            found = _loaded.get(version)
            if found is not None:
                _loaded.move_to_end(version)
                return found
    data = _read(path)
    key, cert, others = _open_pkcs12(path, data, passphrase)
    loaded = LoadedPkcs12(key, cert, tuple(others), version or (str(path), digest))
    if version is not None and _stat_key(path) == before:  # not replaced while being read
        with _loaded_lock:
            _loaded[version] = loaded
            while len(_loaded) > _LOADED_KEPT:
                _loaded.popitem(last=False)
    return loaded


def _loaded_data(data: bytes, digest: bytes, passphrase: str) -> LoadedPkcs12:
    """:func:`loaded_pkcs12` of a PKCS#12 file's bytes (kept in the store, say)."""
    version = ("data", hashlib.sha256(data).digest(), digest)
    with _loaded_lock:
        found = _loaded.get(version)
        if found is not None:
            _loaded.move_to_end(version)
            return found
    key, cert, others = _open_pkcs12(Path("the seal certificate"), data, passphrase)
    loaded = LoadedPkcs12(key, cert, tuple(others), version)
    with _loaded_lock:
        _loaded[version] = loaded
        while len(_loaded) > _LOADED_KEPT:
            _loaded.popitem(last=False)
    return loaded


def forget_loaded_pkcs12() -> None:
    """Drop every PKCS#12 file opened so far (its key leaves this process's keeping)."""
    with _loaded_lock:
        _loaded.clear()


def _stat_key(path: Path) -> tuple[object, ...] | None:
    try:
        st = path.stat()
    except OSError:
        return None  # _read says what is wrong
    return (str(path.resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns,
            st.st_ctime_ns)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise SealError(f"The certificate file {path} does not exist.") from exc
    except OSError as exc:
        raise SealError(f"Could not read {path.name}: {exc.strerror or exc}.") from exc


def _open_pkcs12(
    path: Path, data: bytes, passphrase: str
) -> tuple[PrivateKeyTypes | None, x509.Certificate | None, list[x509.Certificate]]:
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, passphrase.encode() or None)
    except ValueError as exc:
        if _looks_like_pkcs12(data):
            raise WrongPassphraseError(
                f"The passphrase does not open {path.name}. Check it and try again."
            ) from exc
        raise SealError(
            f"{path.name} is not a certificate file (PKCS#12, usually .p12 or .pfx), "
            "or it is damaged."
        ) from exc
    except Exception as exc:  # cryptography may raise other errors on odd input
        raise SealError(f"{path.name} could not be read as a certificate file.") from exc
    return key, cert, list(others)


def _looks_like_pkcs12(data: bytes) -> bool:
    """True if ``data`` is a well-formed PKCS#12 structure (so a failure means the passphrase)."""
    if not data.startswith(b"\x30"):
        return False
    try:
        from asn1crypto import pkcs12 as asn1_pkcs12

        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native in (
            "data",
            "signed_data",
        )
    except Exception:
        return False


def _name_part(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    attrs = name.get_attributes_for_oid(oid)
    value = attrs[0].value if attrs else ""
    return value if isinstance(value, str) else value.decode(errors="replace")


def _public_der(public_key: PublicKeyTypes) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _prepare_folder(folder: Path) -> Path:
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SealError(f"Could not create the folder {folder}: {exc.strerror or exc}.") from exc
    return folder


def _private(path: Path) -> None:
    """Only the owner may read the key file (where the system supports it)."""
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)
