"""Specimen documents for the demo's simulated scanner and the reading tests,
drawn here and scanned as a flatbed would give them: 300 dpi, noise, a skew of up to 3°,
a little blur, a white or dark lid.

Every person, number and company is invented (SPECIMEN); nothing comes from a
real document. The MRZ is set in OCR-B (Debian fonts-ocr-b) with the check
digits PyPI ``mrz`` computes; the bills' 2D-Doc is signed with the demo's test
authority (FR99, certificate TST1: tests/documents/make_authority.py made it;
documents/authorities/README.md). Its key is below, in the open: it signs
specimens and is trusted only where FR99-TST1.pem is, which a kiosk in
service removes.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
from pathlib import Path

import numpy as np
import zxingcpp
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from mrz.base.functions import hash_string
from mrz.generator.td1 import TD1CodeGenerator
from mrz.generator.td3 import TD3CodeGenerator
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from documents import twoddoc

DPI = 300
OCR_B = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
#: The demo test authority's private key (no value anywhere: see the module's docstring).
TEST_AUTHORITY_KEY = b"""-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgPDKVzocuOLxFbzcg
KKPnFeiwi6fcxCt2g/l/GIn9NIKhRANCAATZSWBKxNDCc2aZ3TczuF0sSTm/MEw9
AFiD1A4MF6YWykjvXROIvvKyrBOzNddswv/FqPNOp6HQEJkOwpSN8ilK
-----END PRIVATE KEY-----
"""
A4 = (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI))
INK = (20, 20, 30)


def mm(value: float) -> int:
    return round(value / 25.4 * DPI)


def font(size_mm: float, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(DEJAVU / name), mm(size_mm))


def ocr_b(pitch_mm: float = 2.54) -> ImageFont.FreeTypeFont:
    """OCR-B sized so that one character is ``pitch_mm`` wide (ICAO: 10 per inch)."""
    if not OCR_B.exists():
        raise FileNotFoundError(f"{OCR_B}: apt-get install fonts-ocr-b")
    probe = ImageFont.truetype(str(OCR_B), 100)
    size = round(100 * mm(pitch_mm) / probe.getlength("<"))
    return ImageFont.truetype(str(OCR_B), size)


# -- identity documents ----------------------------------------------------------


def mrz_td1(nom: str, prenoms: str, sexe: str, naissance: str, numero: str, expiry: str = "340101") -> list[str]:
    return str(TD1CodeGenerator("ID", "FRA", numero, naissance, sexe, expiry, "FRA", nom, prenoms)).splitlines()


def mrz_td3(nom: str, prenoms: str, sexe: str, naissance: str, numero: str, expiry: str = "330101") -> list[str]:
    return str(TD3CodeGenerator("P", "FRA", nom, prenoms, numero, "FRA", naissance, sexe, expiry, "")).splitlines()


def mrz_fr_2x36(nom: str, prenoms: str, sexe: str, naissance: str, numero: str = "880692310285") -> list[str]:
    """The older French card's zone (numéro: année, mois, département, 5 digits)."""
    line1 = ("IDFRA" + nom.replace(" ", "<")).ljust(30, "<")[:30] + "921008"
    first = "<<".join(prenoms.split()).ljust(14, "<")[:14]
    line2 = numero + hash_string(numero) + first + naissance + hash_string(naissance) + sexe
    return [line1, line2 + hash_string(line1 + line2)]


def spoil(lines: list[str]) -> list[str]:
    """The same zone with one check digit wrong (the birth date's)."""
    out = list(lines)
    if len(out) == 3:  # TD1: line 2, position 6
        row, col = 1, 6
    elif len(out[0]) == 36:
        row, col = 1, 33
    else:
        row, col = 1, 19
    digit = out[row][col]
    out[row] = out[row][:col] + str((int(digit) + 1) % 10 if digit.isdigit() else 1) + out[row][col + 1 :]
    return out


def identity_page(lines: list[str], *, kind: str = "cni") -> Image.Image:
    """A card (85.6 × 54 mm; 105 × 74 for the older card) or a passport's data page
    (125 × 88 mm), its MRZ at the bottom."""
    size = {"cni": (85.6, 54.0), "cni-2x36": (105.0, 74.0), "passeport": (125.0, 88.0)}[kind]
    card = Image.new("RGB", (mm(size[0]), mm(size[1])), (226, 233, 242))
    draw = ImageDraw.Draw(card)
    title = "PASSEPORT" if kind == "passeport" else "CARTE NATIONALE D'IDENTITÉ"
    draw.text((mm(4), mm(3)), "RÉPUBLIQUE FRANÇAISE", font=font(2.4, True), fill=(30, 40, 110))
    draw.text((mm(4), mm(7)), title, font=font(2.0), fill=(30, 40, 110))
    draw.text((mm(4), mm(10.5)), "SPECIMEN — document fictif", font=font(1.8), fill=(170, 40, 40))
    draw.rectangle((mm(4), mm(15), mm(26), mm(15) + mm(28) if kind != "cni" else mm(33)), fill=(150, 150, 160))
    x = mm(30)
    for i, label in enumerate(("Nom", "Prénoms", "Sexe", "Né(e) le")):
        draw.text((x, mm(15 + 4.5 * i)), label, font=font(1.6), fill=(90, 90, 100))
    font_mrz = ocr_b()
    pitch = mm(4.2) if len(lines) == 3 else mm(4.6)
    top = card.height - mm(2.5) - pitch * len(lines)
    for i, line in enumerate(lines):
        draw.text((mm(3.5) if len(line) <= 36 else mm(4), top + i * pitch), line, font=font_mrz, fill=INK)
    return card


# -- 2D-Doc bills ----------------------------------------------------------------


def _key() -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(TEST_AUTHORITY_KEY, None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def two_d_doc(
    issued: dt.date,
    *,
    nom: str = "SPECIMEN",
    prenom: str = "MARIE",
    voie: str = "12 RUE DES LILAS",
    code_postal: str = "63000",
    commune: str = "CLERMONT-FERRAND",
    forged: bool = False,
    certificate: str = "TST1",
) -> str:
    """A signed 2D-Doc (version 04, type 01: facture d'énergie); ``forged``: the
    address changed after signing."""
    header = f"DC04FR99{certificate}{twoddoc.date_hex(issued)}{twoddoc.date_hex(issued)}0101FR"
    gs = twoddoc.GS
    message = f"12{prenom}{gs}13{nom}{gs}22{voie}{gs}24{code_postal}25{commune}"
    der = _key().sign((header + message).encode("latin-1"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    signature = base64.b32encode(r.to_bytes(32, "big") + s.to_bytes(32, "big")).decode().rstrip("=")
    if forged:
        message = message.replace(voie, "1 PLACE DU FAUX")
    return header + message + twoddoc.US + signature


def _matrix(text: str, module_mm: float = 0.5, qr: bool = False) -> Image.Image:
    fmt = zxingcpp.BarcodeFormat.QRCode if qr else zxingcpp.BarcodeFormat.DataMatrix
    code = zxingcpp.create_barcode(text, fmt, **({} if qr else {"force_square": True}))
    image = Image.fromarray(np.asarray(code.to_image(scale=1, add_quiet_zones=True))).convert("L")
    return image.resize((image.width * mm(module_mm), image.height * mm(module_mm)), Image.Resampling.NEAREST)


def _letter(title: str, lines: list[str]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    page = Image.new("RGB", A4, (252, 252, 250))
    draw = ImageDraw.Draw(page)
    draw.text((mm(20), mm(18)), title, font=font(6, True), fill=(20, 60, 120))
    draw.text((mm(20), mm(30)), "SPECIMEN — document fictif, aucune valeur", font=font(3.2), fill=(170, 40, 40))
    for i, line in enumerate(lines):
        draw.text((mm(20), mm(60 + 8 * i)), line, font=font(3.6), fill=INK)
    return page, draw


def bill(
    issued: dt.date,
    *,
    forged: bool = False,
    nom: str = "SPECIMEN",
    prenom: str = "MARIE",
    voie: str = "12 RUE DES LILAS",
    code_postal: str = "63000",
    commune: str = "CLERMONT-FERRAND",
    with_code: bool = True,
) -> Image.Image:
    """A bill from an invented energy company, its 2D-Doc made out to ``prenom nom``
    at the address given (``forged``: the code's address changed after signing)."""
    text = two_d_doc(issued, forged=forged, nom=nom, prenom=prenom, voie=voie, code_postal=code_postal, commune=commune)
    page, _ = _letter(
        "Énergie Fictive — Facture",
        [
            f"Madame {prenom} {nom}",
            voie,
            f"{code_postal} {commune}",
            "",
            f"Date de la facture : {issued.strftime('%d/%m/%Y')}",
            "Consommation du mois : 312 kWh",
            "Montant à payer : 54,20 €",
        ],
    )
    if with_code:
        page.paste(_matrix(text, 0.42), (mm(150), mm(18)))
    return page


def photo_sheet(code: str = "A1B2C3D4E5F6G7H8J9K0LM") -> Image.Image:
    page = Image.new("RGB", (mm(100), mm(150)), (250, 250, 250))
    draw = ImageDraw.Draw(page)
    for i in range(2):
        for j in range(2):
            draw.rectangle((mm(8 + 45 * i), mm(8 + 48 * j), mm(43 + 45 * i), mm(53 + 48 * j)), fill=(140, 140, 150))
    draw.text((mm(8), mm(108)), "Code photo numérique (SPECIMEN)", font=font(3), fill=INK)
    draw.text((mm(8), mm(114)), code, font=font(3.6, True), fill=INK)
    page.paste(_matrix(code, 0.6), (mm(68), mm(118)))
    return page


def timbre(number: str = "1234567890123456") -> Image.Image:
    page, _ = _letter(
        "Timbre fiscal électronique",
        [
            "SPECIMEN — Permis de conduire : 25,00 €",
            f"N° du timbre : {' '.join(number[i : i + 4] for i in (0, 4, 8, 12))}",
        ],
    )
    page.paste(_matrix(number, 0.8, qr=True), (mm(20), mm(90)))
    return page


def recepisse(
    numero: str = "PC2026A1B2C3", url: str = "https://permisdeconduire.ants.gouv.fr/suivi?numero={numero}"
) -> Image.Image:
    page = Image.new("RGB", (mm(80), mm(140)), (253, 253, 253))
    draw = ImageDraw.Draw(page)
    draw.text((mm(5), mm(5)), "Récépissé (SPECIMEN)", font=font(3.5, True), fill=INK)
    draw.text((mm(5), mm(12)), f"Demande n° {numero}", font=font(3), fill=INK)
    page.paste(_matrix(url.format(numero=numero), 0.7, qr=True), (mm(10), mm(25)))
    return page


# -- the scanner's eye -----------------------------------------------------------


def scanned(
    document: Image.Image,
    *,
    seed: int = 0,
    skew: float | None = None,
    blur: float = 0.6,
    noise: float = 5.0,
    lid: str = "white",
    dark: float = 1.0,
    at: tuple[float, float] | None = None,
    upside_down: bool = False,
) -> Image.Image:
    """``document`` on the glass of an A4 flatbed at 300 dpi, as the scanner gives it:
    placed ``at`` (mm from the corner; by default 15 mm for a card, 1.5 mm for a
    sheet), turned ``skew`` degrees (random within 3° when None), blurred, noisy;
    ``dark`` < 1 darkens the whole scan."""
    rng = random.Random(seed)
    angle = rng.uniform(-3.0, 3.0) if skew is None else skew
    background = (250, 250, 248) if lid == "white" else (28, 28, 30)
    glass = Image.new("RGB", A4, background)
    doc = document.rotate(180) if upside_down else document
    doc = doc.convert("RGBA").rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    where = at if at is not None else ((15.0, 15.0) if doc.width < A4[0] // 2 else (1.5, 1.5))
    glass.paste(doc, (mm(where[0]), mm(where[1])), doc)
    if blur:
        glass = glass.filter(ImageFilter.GaussianBlur(blur))
    pixels = np.asarray(glass, dtype=np.float32) * dark
    pixels += np.random.default_rng(seed).normal(0.0, noise, pixels.shape)
    out = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    out.info["dpi"] = (DPI, DPI)
    return out
