"""Helpers for the sealing tests: a small record PDF and odd PKCS#12 files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from reportlab.pdfgen import canvas

ORG = "Riverside Children's Trust"
PASSPHRASE = "correct horse battery"
RECORD_TEXT = b"Supervision record for Pat Worker"


def make_record_pdf(path: Path) -> Path:
    """A one-page PDF whose content stream is uncompressed, so tests can find its text."""
    c = canvas.Canvas(str(path), pageCompression=0)
    c.drawString(72, 720, RECORD_TEXT.decode())
    c.showPage()
    c.save()
    return path


def make_p12(
    path: Path,
    passphrase: str,
    *,
    with_key: bool = True,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    name: str = "Elsewhere Council",
) -> Path:
    """A PKCS#12 made directly with cryptography (EC P-256: cheap), for odd cases."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=1))
        .not_valid_after(not_after or now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"test",
        key if with_key else None,
        cert,
        None,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    path.write_bytes(data)
    return path
