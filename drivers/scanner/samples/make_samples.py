"""Draw the bundled sample documents served by the simulated scanner.

Every document is fictitious and marked SPECIMEN or "document fictif": the
names, addresses, numbers and companies are invented. Pages are A4 at 150 dpi,
saved as palette PNGs to keep the repository small. Run from anywhere:

    python drivers/scanner/samples/make_samples.py
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
DPI = 150
A4 = (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI))  # 1240 x 1754
INK = (25, 25, 35)
GREY = (120, 120, 130)


def mm(value: float) -> int:
    return round(value / 25.4 * DPI)


def font(size: int, mono: bool = False, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    names = (
        ["DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"]
        if mono
        else ["DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"]
    )
    for folder in ("/usr/share/fonts/truetype/dejavu",):
        for name in names:
            path = Path(folder) / name
            if path.exists():
                return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def page() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", A4, (252, 252, 250))
    return image, ImageDraw.Draw(image)


def watermark(image: Image.Image, text: str, box: tuple[int, int, int, int], size: int) -> None:
    """A translucent red diagonal stamp over ``box``."""
    layer = Image.new("RGBA", (box[2] - box[0], box[3] - box[1]), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    f = font(size, bold=True)
    w = d.textlength(text, font=f)
    d.text(((layer.width - w) / 2, (layer.height - size) / 2), text, font=f, fill=(200, 30, 30, 110))
    layer = layer.rotate(18, resample=Image.Resampling.BICUBIC)
    image.paste(layer, box[:2], layer)


def mrz_check(data: str) -> str:
    values = {**{str(i): i for i in range(10)}, **{chr(65 + i): 10 + i for i in range(26)}, "<": 0}
    return str(sum(values[c] * (7, 3, 1)[i % 3] for i, c in enumerate(data)) % 10)


def card(draw: ImageDraw.ImageDraw, origin: tuple[int, int]) -> tuple[int, int, int, int]:
    """An ID-1 card (85.6 x 54 mm) outline placed on the glass."""
    x, y = origin
    box = (x, y, x + mm(85.6), y + mm(54))
    draw.rounded_rectangle(box, radius=mm(3), fill=(226, 236, 246), outline=(150, 160, 175), width=2)
    return box


def identity_recto() -> Image.Image:
    image, d = page()
    x0, y0, x1, y1 = card(d, (mm(15), mm(15)))
    d.rectangle((x0 + 8, y0 + 8, x1 - 8, y0 + mm(9)), fill=(0, 35, 149))
    d.text((x0 + 16, y0 + 14), "RÉPUBLIQUE FRANÇAISE", font=font(17, bold=True), fill="white")
    d.text(
        (x0 + 16, y0 + mm(10)),
        "CARTE NATIONALE D'IDENTITÉ / IDENTITY CARD",
        font=font(12, bold=True),
        fill=(0, 35, 149),
    )
    # photo placeholder: a grey silhouette
    px, py = x0 + 16, y0 + mm(15)
    d.rectangle((px, py, px + mm(25), py + mm(32)), fill=(205, 208, 214))
    d.ellipse((px + mm(7), py + mm(5), px + mm(18), py + mm(17)), fill=(150, 154, 162))
    d.pieslice((px + mm(2), py + mm(18), px + mm(23), py + mm(40)), 180, 360, fill=(150, 154, 162))
    fields = [
        ("NOM / Surname", "SPECIMEN"),
        ("Prénoms / Given names", "Marianne, Éloïse"),
        ("Sexe / Sex", "F"),
        ("Nationalité", "FRA"),
        ("Date de naissance", "01 01 1990"),
        ("Lieu de naissance", "EXEMPLEVILLE (99)"),
        ("N° du document", "X4RTBPFW4"),
    ]
    tx, ty = px + mm(29), py - 4
    for label, value in fields:
        d.text((tx, ty), label, font=font(10), fill=GREY)
        d.text((tx, ty + 12), value, font=font(15, bold=True), fill=INK)
        ty += mm(5.2)
    watermark(image, "SPECIMEN", (x0, y0, x1, y1), 64)
    d.text((mm(15), y1 + mm(6)), "Document fictif — exemple pour la borne de démonstration", font=font(18), fill=GREY)
    return image


def identity_verso() -> Image.Image:
    image, d = page()
    x0, y0, x1, y1 = card(d, (mm(15), mm(15)))
    lines = [
        ("Adresse / Address", "12 RUE DE L'EXEMPLE"),
        ("", "99000 EXEMPLEVILLE"),
        ("Date de délivrance", "01 03 2022"),
        ("Date d'expiration", "28 02 2032"),
        ("Autorité", "PRÉFECTURE DE DÉMONSTRATION"),
    ]
    ty = y0 + 16
    for label, value in lines:
        if label:
            d.text((x0 + 18, ty), label, font=font(10), fill=GREY)
            ty += 12
        d.text((x0 + 18, ty), value, font=font(15, bold=True), fill=INK)
        ty += 22
    # TD1 machine readable zone, with valid check digits
    number, birth, expiry = "X4RTBPFW4", "900101", "320228"
    line1 = f"IDFRA{number}{mrz_check(number)}".ljust(30, "<")
    line2 = f"{birth}{mrz_check(birth)}F{expiry}{mrz_check(expiry)}FRA".ljust(29, "<")
    line2 += mrz_check(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    line3 = "SPECIMEN<<MARIANNE<ELOISE".ljust(30, "<")
    d.rectangle((x0 + 8, y1 - mm(17), x1 - 8, y1 - 8), fill=(240, 244, 248))
    mf = font(17, mono=True)
    for i, line in enumerate((line1, line2, line3)):
        d.text((x0 + 16, y1 - mm(16) + i * 26), line, font=mf, fill=INK)
    watermark(image, "SPECIMEN", (x0, y0, x1, y1), 64)
    return image


def electricity_bill() -> Image.Image:
    image, d = page()
    L = mm(18)
    d.rectangle((L, mm(15), L + mm(16), mm(31)), fill=(240, 160, 20))
    d.text((L + mm(19), mm(15)), "LUMEN ÉNERGIE", font=font(38, bold=True), fill=(30, 60, 110))
    d.text((L + mm(19), mm(25)), "Fournisseur d'électricité — société fictive", font=font(18), fill=GREY)
    d.text(
        (mm(115), mm(45)),
        "Mme Marianne SPECIMEN\n12 rue de l'Exemple\n99000 EXEMPLEVILLE",
        font=font(22),
        fill=INK,
        spacing=8,
    )
    d.text((L, mm(75)), "FACTURE D'ÉLECTRICITÉ", font=font(30, bold=True), fill=(30, 60, 110))
    d.text(
        (L, mm(85)),
        "Facture n° 0000-123456-789  du 15 mars 2025\n"
        "Référence client : 99 000 123 456\n"
        "Adresse de consommation : 12 rue de l'Exemple, 99000 EXEMPLEVILLE",
        font=font(18),
        fill=INK,
        spacing=8,
    )
    top = mm(110)
    d.rectangle((L, top, A4[0] - L, top + mm(9)), fill=(30, 60, 110))
    d.text((L + 12, top + 14), "Détail", font=font(18, bold=True), fill="white")
    d.text((A4[0] - L - mm(35), top + 14), "Montant", font=font(18, bold=True), fill="white")
    rows = [
        ("Abonnement (01/02 au 28/02/2025)", "14,21 €"),
        ("Consommation : 312 kWh × 0,2516 €", "78,50 €"),
        ("Contributions et taxes", "21,37 €"),
        ("TVA", "18,62 €"),
    ]
    y = top + mm(12)
    for label, amount in rows:
        d.text((L + 12, y), label, font=font(18), fill=INK)
        d.text((A4[0] - L - mm(35), y), amount, font=font(18), fill=INK)
        y += mm(8)
        d.line((L, y - mm(2), A4[0] - L, y - mm(2)), fill=(210, 210, 215), width=1)
    d.text((L + 12, y + mm(2)), "TOTAL TTC à payer avant le 31/03/2025", font=font(22, bold=True), fill=INK)
    d.text((A4[0] - L - mm(35), y + mm(2)), "132,70 €", font=font(22, bold=True), fill=INK)
    # a small consumption chart
    base = y + mm(70)
    for i, value in enumerate((260, 340, 410, 380, 300, 220, 180, 170, 200, 250, 290, 312)):
        x = L + mm(10) + i * mm(13)
        d.rectangle((x, base - value * 0.35 * DPI / 25.4 / 3, x + mm(8), base), fill=(240, 160, 20))
    d.line((L, base, A4[0] - L, base), fill=GREY, width=2)
    d.text((L, base + mm(3)), "Votre consommation sur 12 mois (kWh)", font=font(16), fill=GREY)
    d.text(
        (L, A4[1] - mm(30)),
        "Document fictif établi pour la démonstration de la borne. Lumen Énergie n'existe pas.",
        font=font(15),
        fill=GREY,
    )
    watermark(image, "DOCUMENT FICTIF", (0, mm(60), A4[0], mm(240)), 110)
    return image


def declaration_vol() -> Image.Image:
    image, d = page()
    L = mm(20)
    d.text((L, mm(15)), "MINISTÈRE DE L'INTÉRIEUR (exemple)", font=font(18, bold=True), fill=INK)
    d.text((L, mm(22)), "Commissariat de police d'Exempleville — service fictif", font=font(16), fill=GREY)
    title = "RÉCÉPISSÉ DE DÉCLARATION DE VOL"
    f = font(32, bold=True)
    d.text(((A4[0] - d.textlength(title, font=f)) / 2, mm(40)), title, font=f, fill=INK)
    sub = "de documents d'identité ou de titres"
    f2 = font(20)
    d.text(((A4[0] - d.textlength(sub, font=f2)) / 2, mm(50)), sub, font=f2, fill=INK)
    body = [
        "Procès-verbal n° 2025/000123 — enregistré le 10 mars 2025 à 14 h 32",
        "",
        "Déclarant : Mme Marianne SPECIMEN, née le 01/01/1990 à Exempleville (99)",
        "Demeurant : 12 rue de l'Exemple, 99000 EXEMPLEVILLE",
        "",
        "Déclare le vol, survenu le 9 mars 2025 à Exempleville, des documents suivants :",
        "   – permis de conduire n° 00AA00000 (catégorie B)",
        "   – carte nationale d'identité n° X4RTBPFW4",
        "",
        "Le présent récépissé tient lieu de justificatif de la déclaration de vol",
        "pour la demande de nouveaux titres. Il ne vaut pas titre d'identité",
        "ni autorisation de conduire.",
    ]
    y = mm(70)
    for line in body:
        d.text((L, y), line, font=font(19), fill=INK)
        y += mm(8)
    d.text(
        (mm(120), y + mm(15)),
        "Fait à Exempleville, le 10/03/2025\nL'agent (fictif) : A. EXEMPLE",
        font=font(18),
        fill=INK,
        spacing=8,
    )
    cx, cy, r = mm(60), y + mm(40), mm(20)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(40, 70, 160), width=5)
    d.ellipse((cx - r + 14, cy - r + 14, cx + r - 14, cy + r - 14), outline=(40, 70, 160), width=2)
    d.text((cx - mm(13), cy - mm(3)), "CACHET FICTIF", font=font(16, bold=True), fill=(40, 70, 160))
    watermark(image, "SPECIMEN", (0, mm(60), A4[0], mm(250)), 150)
    return image


def attestation_hebergement() -> Image.Image:
    image, d = page()
    L = mm(22)
    title = "ATTESTATION D'HÉBERGEMENT"
    f = font(30, bold=True)
    d.text(((A4[0] - d.textlength(title, font=f)) / 2, mm(25)), title, font=f, fill=INK)
    body = [
        "Je soussignée, Mme Jeanne EXEMPLE, née le 12/05/1962 à Exempleville (99),",
        "demeurant 12 rue de l'Exemple, 99000 EXEMPLEVILLE,",
        "",
        "atteste sur l'honneur héberger à mon domicile, depuis le 1er septembre 2024,",
        "Mme Marianne SPECIMEN, née le 01/01/1990 à Exempleville (99).",
        "",
        "Je joins à la présente attestation la copie de ma pièce d'identité et un",
        "justificatif de domicile à mon nom de moins de six mois.",
        "",
        "Fait pour servir et valoir ce que de droit.",
        "",
        "Article 441-7 du code pénal : est puni d'un an d'emprisonnement et de",
        "15 000 € d'amende le fait d'établir une attestation faisant état de faits",
        "matériellement inexacts.",
    ]
    y = mm(50)
    for line in body:
        d.text((L, y), line, font=font(19), fill=INK)
        y += mm(8)
    d.text(
        (mm(115), y + mm(12)),
        "Fait à Exempleville, le 3 mars 2025\nSignature : J. Exemple",
        font=font(18),
        fill=INK,
        spacing=8,
    )
    d.text((L, A4[1] - mm(25)), "Document fictif établi pour la démonstration de la borne.", font=font(15), fill=GREY)
    return image


def on_dark_lid(document: Image.Image, angle: float = 2.5) -> Image.Image:
    """``document`` as a scanner with a black lid sees it: a little smaller than
    the glass, off-centre and tilted by ``angle`` degrees (counter-clockwise)."""
    glass = Image.new("RGB", A4, (38, 38, 42))
    sheet = document.resize((round(A4[0] * 0.88), round(A4[1] * 0.88)), Image.Resampling.LANCZOS)
    sheet = sheet.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(38, 38, 42))
    glass.paste(sheet, (mm(9), mm(7)))
    return glass


#: The tilt of the dark-lid sample, in degrees counter-clockwise.
DARK_SAMPLE_ANGLE = 2.5

DOCUMENTS: dict[str, Callable[[], Image.Image]] = {
    "01-cni-specimen-recto.png": identity_recto,
    "02-cni-specimen-verso.png": identity_verso,
    "03-facture-electricite.png": electricity_bill,
    "04-recepisse-declaration-vol.png": declaration_vol,
    "05-attestation-hebergement-fond-noir.png": lambda: on_dark_lid(attestation_hebergement(), DARK_SAMPLE_ANGLE),
}


def main() -> None:
    for name, draw in DOCUMENTS.items():
        image = draw().quantize(colors=32, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        image.save(HERE / name, optimize=True, dpi=(DPI, DPI))
        print(f"{name}: {(HERE / name).stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
