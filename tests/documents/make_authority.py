"""Make the demo's 2D-Doc test authority, FR99, certificate TST1: an ECDSA
P-256 key (kept beside this file) and its self-signed certificate
(documents/authorities/FR99-TST1.pem, which the kiosk trusts in the demo).
Neither is any real authority's. Run once:

    .venv/bin/python tests/documents/make_authority.py

The specimens sign with the key as drivers/scanner/samples/specimens.py holds
it (TEST_AUTHORITY_KEY: the demo's simulated scanner draws bills too): after a
new run, copy the key written here into that constant.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
KEY = Path(__file__).resolve().parent / "authority" / "FR99-TST1.key.pem"
CERT = ROOT / "documents" / "authorities" / "FR99-TST1.pem"


def main() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Autorite de test 2D-Doc (demo, aucune valeur)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "FR99 TST1"),
        ]
    )
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * 30))
        .sign(key, hashes.SHA256())
    )
    KEY.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    CERT.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


if __name__ == "__main__":
    main()
