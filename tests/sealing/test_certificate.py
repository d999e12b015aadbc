"""Creating, importing and describing the organisation's seal certificate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from sealing_helpers import ORG, PASSPHRASE, make_p12, make_record_pdf

from supervision_audit.errors import SupervisionAuditError
from supervision_audit.sealing.certificate import (
    SEAL_FILE,
    SealError,
    WrongPassphraseError,
    certificate_info,
    create_self_signed,
    import_pkcs12,
)


def test_self_signed_certificate_has_the_required_contents(seal_p12: Path) -> None:
    assert seal_p12.name == SEAL_FILE
    key, cert, _ = pkcs12.load_key_and_certificates(seal_p12.read_bytes(), PASSPHRASE.encode())
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 3072
    assert cert is not None and cert.subject == cert.issuer
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == ORG
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == ORG
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert ski == x509.SubjectKeyIdentifier.from_public_key(cert.public_key())
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert timedelta(days=3650) <= lifetime <= timedelta(days=3650, minutes=2)
    with pytest.raises(ValueError):  # really encrypted
        pkcs12.load_key_and_certificates(seal_p12.read_bytes(), None)
    assert seal_p12.stat().st_mode & 0o077 == 0


def test_certificate_info_describes_it(seal_p12: Path) -> None:
    info = certificate_info(seal_p12, PASSPHRASE)
    _, cert, _ = pkcs12.load_key_and_certificates(seal_p12.read_bytes(), PASSPHRASE.encode())
    assert cert is not None
    assert info.common_name == ORG and info.organisation == ORG
    assert info.not_before == cert.not_valid_before_utc
    assert info.not_after == cert.not_valid_after_utc
    assert (
        info.sha256_fingerprint.replace(":", "") == cert.fingerprint(hashes.SHA256()).hex().upper()
    )
    with pytest.raises(WrongPassphraseError):
        certificate_info(seal_p12, "wrong passphrase")


@pytest.mark.parametrize(
    ("passphrase", "message"),
    [("", "Choose a passphrase"), ("   ", "Choose a passphrase"), ("short12", "at least 8")],
)
def test_create_refuses_weak_passphrase(tmp_path: Path, passphrase: str, message: str) -> None:
    folder = tmp_path / "keys"
    with pytest.raises(SealError, match=message):
        create_self_signed(folder, ORG, passphrase)
    assert not (folder / SEAL_FILE).exists()


def test_create_makes_the_folder_and_honours_days(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    p12 = create_self_signed(folder, "Short Lived Org", "eight chars", days=7)
    assert p12 == folder / SEAL_FILE
    info = certificate_info(p12, "eight chars")
    assert info.common_name == "Short Lived Org"
    assert timedelta(days=7) <= info.not_after - info.not_before <= timedelta(days=7, minutes=2)
    assert [p.name for p in folder.iterdir()] == [SEAL_FILE]  # no temp files left


def test_import_copies_a_good_pkcs12(tmp_path: Path) -> None:
    source = make_p12(tmp_path / "theirs.pfx", "their passphrase", name="Elsewhere Council")
    target = import_pkcs12(source, tmp_path / "keys", "their passphrase")
    assert target == tmp_path / "keys" / SEAL_FILE
    assert target.read_bytes() == source.read_bytes()
    assert certificate_info(target, "their passphrase").common_name == "Elsewhere Council"


def _bad_sources(tmp_path: Path) -> dict[str, tuple[Path, str, str]]:
    good = make_p12(tmp_path / "good.p12", PASSPHRASE)
    text = tmp_path / "notes.txt"
    text.write_text("just some text\n")
    damaged = tmp_path / "damaged.p12"
    damaged.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    past = datetime.now(UTC) - timedelta(days=400)
    return {
        "wrong passphrase": (good, "not the passphrase", "passphrase does not open"),
        "text file": (text, PASSPHRASE, "not a certificate file"),
        "pdf": (make_record_pdf(tmp_path / "r.pdf"), PASSPHRASE, "not a certificate file"),
        "damaged": (damaged, PASSPHRASE, "not a certificate file"),
        "missing": (tmp_path / "nowhere.p12", PASSPHRASE, "does not exist"),
        "no key": (
            make_p12(tmp_path / "nokey.p12", PASSPHRASE, with_key=False),
            PASSPHRASE,
            "not its private key",
        ),
        "expired": (
            make_p12(
                tmp_path / "old.p12",
                PASSPHRASE,
                not_before=past,
                not_after=past + timedelta(days=30),
            ),
            PASSPHRASE,
            "expired on",
        ),
    }


@pytest.mark.parametrize(
    "case", ["wrong passphrase", "text file", "pdf", "damaged", "missing", "no key", "expired"]
)
def test_import_refuses_unusable_files_and_copies_nothing(tmp_path: Path, case: str) -> None:
    source, passphrase, message = _bad_sources(tmp_path)[case]
    folder = tmp_path / "keys"
    with pytest.raises(SupervisionAuditError, match=message):
        import_pkcs12(source, folder, passphrase)
    assert not folder.exists() or list(folder.iterdir()) == []


def test_failed_import_keeps_the_existing_seal(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    existing = import_pkcs12(make_p12(tmp_path / "a.p12", PASSPHRASE), folder, PASSPHRASE)
    before = existing.read_bytes()
    with pytest.raises(WrongPassphraseError):
        import_pkcs12(make_p12(tmp_path / "b.p12", PASSPHRASE), folder, "wrong one!")
    assert existing.read_bytes() == before
    assert [p.name for p in folder.iterdir()] == [SEAL_FILE]
