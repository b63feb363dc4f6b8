"""The 2D-Doc of a French bill or notice: a DataMatrix whose text is a header,
a message of fields, and an ECDSA signature over both (ANTS, « Spécifications
techniques des codes à barres 2D-Doc »).

Header, versions 02 to 04: ``DC``, the version, the certification
authority's id (4), the certificate's id (4), the document's issue date and
the signature's date (4 hex digits each: days since 2000-01-01, ``FFFF`` for
none), the document type (2); version 03 adds the perimeter (2), version 04
the issuing country (2). Then the message: each field is a 2-character id and
its value, ended by GS (0x1D) unless its length is fixed; US (0x1F) ends the
message and the signature follows in Base32 (r ‖ s of ECDSA P-256, SHA-256).

The signature is verified against the certificates a site configures (a
folder of PEM files named ``<authority>-<certificate>.pem``): a 2D-Doc whose
certificate is not there, or whose signature does not match, is not believed.
The demo's test authority sits in ``documents/authorities/`` (no real
authority's key is needed to test the reading).
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

log = logging.getLogger(__name__)

GS, RS, US = "\x1d", "\x1e", "\x1f"
EPOCH = dt.date(2000, 1, 1)
HEADER_LENGTHS = {"01": 22, "02": 22, "03": 24, "04": 26}
#: The demo's certificates: a test authority, FR99 (see authorities/README.md).
DEFAULT_AUTHORITIES = Path(__file__).resolve().parent / "authorities"

#: Document types that prove an address (justificatifs de domicile).
DOMICILE_TYPES = {
    "00": "justificatif de domicile",
    "01": "facture d'énergie",
    "02": "facture de téléphone",
}
#: Field ids of a justificatif de domicile, with their fixed length (None: ended by GS).
FIELDS: dict[str, tuple[str, int | None]] = {
    "10": ("ligne1", None),  # civilité, nom et prénom du bénéficiaire
    "11": ("qualite", None),
    "12": ("prenom", None),
    "13": ("nom", None),
    "20": ("ligne2", None),
    "21": ("ligne3", None),
    "22": ("ligne4", None),  # numéro et libellé de la voie
    "23": ("ligne5", None),
    "24": ("code_postal", 5),
    "25": ("commune", None),
    "26": ("pays", 2),
}


class TwoDDocError(ValueError):
    """Text that is not a well-formed 2D-Doc."""


@dataclass(frozen=True)
class TwoDDoc:
    version: str
    authority: str
    certificate: str
    issued: dt.date | None
    signed: dt.date | None
    doc_type: str
    fields: dict[str, str]
    signed_text: str = field(repr=False)
    signature: bytes = field(repr=False)

    @property
    def is_domicile(self) -> bool:
        return self.doc_type in DOMICILE_TYPES

    def address(self) -> dict[str, str]:
        """The address as the kiosk's form has it: numero_voie, nom_voie, code_postal, commune."""
        out: dict[str, str] = {}
        voie = self.fields.get("ligne4", "").strip()
        number, _, rest = voie.partition(" ")
        if number[:1].isdigit() and rest:
            out["numero_voie"], out["nom_voie"] = number, rest.strip()
        elif voie:
            out["nom_voie"] = voie
        if self.fields.get("ligne3"):
            out["complement"] = self.fields["ligne3"].strip()
        for key in ("code_postal", "commune"):
            if self.fields.get(key):
                out[key] = self.fields[key].strip()
        return out

    def holder(self) -> str:
        """The name the document is made out to (nom, else its first address line)."""
        return (self.fields.get("nom") or self.fields.get("ligne1") or "").strip()


def _date(hex4: str) -> dt.date | None:
    if hex4.upper() == "FFFF":
        return None
    try:
        return EPOCH + dt.timedelta(days=int(hex4, 16))
    except ValueError:
        raise TwoDDocError(f"date {hex4!r} is not 4 hex digits") from None


def date_hex(day: dt.date) -> str:
    return f"{(day - EPOCH).days:04X}"


def parse(text: str) -> TwoDDoc:
    """The 2D-Doc in a DataMatrix's ``text`` (TwoDDocError if it is not one)."""
    if not text.startswith("DC") or len(text) < 22:
        raise TwoDDocError("no DC marker")
    version = text[2:4]
    length = HEADER_LENGTHS.get(version)
    if length is None:
        raise TwoDDocError(f"version {version!r} unknown")
    header = text[:length]
    signed_text, sep, tail = text[length:].partition(US)
    if not sep:
        raise TwoDDocError("no signature (no US separator)")
    signature_b32 = tail.partition(RS)[0].strip()
    try:
        signature = base64.b32decode(signature_b32 + "=" * (-len(signature_b32) % 8))
    except ValueError:
        raise TwoDDocError("signature is not Base32") from None
    fields: dict[str, str] = {}
    message = signed_text
    while message:
        fid, message = message[:2], message[2:]
        name, fixed = FIELDS.get(fid, (fid, None))
        if fixed is not None:
            value, message = message[:fixed], message[fixed:]
        else:
            value, _, message = message.partition(GS)
        fields[name] = value
    return TwoDDoc(
        version=version,
        authority=header[4:8],
        certificate=header[8:12],
        issued=_date(header[12:16]),
        signed=_date(header[16:20]),
        doc_type=header[20:22],
        fields=fields,
        signed_text=header + signed_text,
        signature=signature,
    )


class Authorities:
    """The certificates 2D-Doc signatures are checked against, by (authority, certificate id)."""

    def __init__(self, keys: dict[tuple[str, str], ec.EllipticCurvePublicKey]):
        self.keys = keys

    @classmethod
    def from_folder(cls, folder: str | Path = DEFAULT_AUTHORITIES) -> Authorities:
        keys: dict[tuple[str, str], ec.EllipticCurvePublicKey] = {}
        for path in sorted(Path(folder).glob("*.pem")) if Path(folder).is_dir() else []:
            authority, _, certificate = path.stem.partition("-")
            try:
                cert = x509.load_pem_x509_certificate(path.read_bytes())
            except ValueError as exc:
                log.warning("2D-Doc certificate %s unreadable: %s", path, exc)
                continue
            key = cert.public_key()
            if isinstance(key, ec.EllipticCurvePublicKey):
                keys[(authority.upper(), certificate.upper())] = key
            else:
                log.warning("2D-Doc certificate %s: not an elliptic-curve key", path)
        return cls(keys)

    def verify(self, doc: TwoDDoc) -> bool:
        """True when a configured certificate signed ``doc``."""
        key = self.keys.get((doc.authority.upper(), doc.certificate.upper()))
        if key is None or len(doc.signature) % 2:
            return False
        half = len(doc.signature) // 2
        r = int.from_bytes(doc.signature[:half], "big")
        s = int.from_bytes(doc.signature[half:], "big")
        digest = {32: hashes.SHA256(), 48: hashes.SHA384()}.get(half, hashes.SHA512())
        try:
            key.verify(encode_dss_signature(r, s), doc.signed_text.encode("latin-1"), ec.ECDSA(digest))
        except (InvalidSignature, UnicodeEncodeError):
            return False
        return True


def six_months_before(today: dt.date) -> dt.date:
    """The oldest issue date a justificatif de domicile may have ("de moins de 6 mois")."""
    month = today.month - 6
    year = today.year + (month <= 0) * -1
    month = month + 12 if month <= 0 else month
    day = min(today.day, [31, 29 if year % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
    return dt.date(year, month, day)
