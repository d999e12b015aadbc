"""pyHanko's signer for the organisation's seal, made once per certificate file version.

Imported by ``seal`` only when sealing, since it loads pyHanko. pyHanko's ``SimpleSigner``
turns its stored key back into a private key (parsing and checking an RSA key: about 0.1 s)
for every signature; :class:`KeptKeySigner` signs with the key as loaded from the PKCS#12
file, and :func:`signer_for` keeps one signer per loaded file, with the room to reserve for
its signatures worked out once, so pyHanko needs no trial signature to size it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

from supervision_audit.sealing.certificate import LoadedPkcs12

# Hex digits to reserve in the PDF for the signature container: the certificates it carries,
# the signature value and the signed attributes, with plenty to spare (unused room is
# zeros in the file). 16 KiB of hex holds an 8 KiB container; ours is about 2 KiB.
MIN_RESERVED = 16_384
_ALLOWANCE = 6_144  # bytes for the signed attributes, signer info and DER framing
_KEPT = 4

_signers: OrderedDict[tuple[object, ...], tuple[KeptKeySigner, int]] = OrderedDict()
_lock = threading.Lock()


class KeptKeySigner(SimpleSigner):
    """A ``SimpleSigner`` that signs with an already loaded private key.

    RSA (PKCS#1 v1.5 or PSS) and ECDSA sign here; any other mechanism goes through
    pyHanko's own ``sign_raw``.
    """

    def __init__(self, key: PrivateKeyTypes, certificate: x509.Certificate,
                 others: tuple[x509.Certificate, ...]) -> None:
        registry = SimpleCertificateStore()
        registry.register_multiple([_asn1_cert(c) for c in others])
        der_key = key.private_bytes(serialization.Encoding.DER,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        super().__init__(signing_cert=_asn1_cert(certificate),
                         signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
                         cert_registry=registry)
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            name = mechanism.signature_algo
        except ValueError:
            name = mechanism["algorithm"].native
        key = self._key
        if isinstance(key, RSAPrivateKey) and name == "rsassa_pkcs1v15":
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if isinstance(key, RSAPrivateKey) and name == "rsassa_pss":
            padding, hash_algo = process_pss_params(mechanism["parameters"])
            return key.sign(data, padding, hash_algo)
        if isinstance(key, EllipticCurvePrivateKey) and name == "ecdsa":
            return key.sign(data, ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        return super().sign_raw(data, digest_algorithm)


def signer_for(loaded: LoadedPkcs12) -> tuple[KeptKeySigner, int]:
    """The signer for ``loaded`` (which must hold a key and its certificate) and the number
    of bytes to reserve for each of its signatures (``PdfSigner.sign_pdf(bytes_reserved=)``),
    made once per file version and passphrase."""
    with _lock:
        found = _signers.get(loaded.version)
        if found is not None:
            _signers.move_to_end(loaded.version)
            return found
    if loaded.key is None or loaded.certificate is None:
        raise ValueError("a seal needs both a private key and its certificate")
    made = (KeptKeySigner(loaded.key, loaded.certificate, loaded.others),
            reserve_for(loaded.certificate, loaded.others))
    with _lock:
        _signers[loaded.version] = made
        while len(_signers) > _KEPT:
            _signers.popitem(last=False)
    return made


def reserve_for(certificate: x509.Certificate, others: tuple[x509.Certificate, ...]) -> int:
    """Hex digits to reserve for a signature container carrying these certificates."""
    carried = sum(len(c.public_bytes(serialization.Encoding.DER))
                  for c in (certificate, *others))
    key_bytes = (getattr(certificate.public_key(), "key_size", 4096) + 7) // 8
    return max(MIN_RESERVED, 2 * (carried + key_bytes + _ALLOWANCE))


def forget_signers() -> None:
    with _lock:
        _signers.clear()


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
