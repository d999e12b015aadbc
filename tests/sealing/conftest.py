"""Fixtures for the sealing tests: a small record PDF, a seal certificate, a sealed copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from sealing_helpers import ORG, PASSPHRASE, make_record_pdf

from supervision_audit.sealing.certificate import create_self_signed
from supervision_audit.sealing.seal import seal_pdf


@pytest.fixture(scope="session")
def seal_p12(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The organisation's self-signed seal (one RSA key for the whole run)."""
    return create_self_signed(tmp_path_factory.mktemp("seal"), ORG, PASSPHRASE)


@pytest.fixture
def record_pdf(tmp_path: Path) -> Path:
    return make_record_pdf(tmp_path / "record.pdf")


@pytest.fixture
def sealed_pdf(tmp_path: Path, record_pdf: Path, seal_p12: Path) -> Path:
    return seal_pdf(record_pdf, tmp_path / "sealed.pdf", seal_p12, PASSPHRASE)
