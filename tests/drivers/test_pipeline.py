"""The page pipeline: crop, deskew, rotate, encode within a byte budget, PDF."""

from __future__ import annotations

import io

import numpy as np
import pikepdf
import pytest
from PIL import Image

from drivers.scanner import SAMPLES, SimulatedScanner
from drivers.scanner import pipeline as P
from drivers.scanner.samples.make_samples import DARK_SAMPLE_ANGLE


def sample(name: str, dpi: int = 300) -> Image.Image:
    scanner = SimulatedScanner(SAMPLES)
    scanner._next = [p.name for p in scanner.documents()].index(name)
    (page,) = scanner.scan(resolution=dpi)
    return page


def decode(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_dark_background_sample_is_straightened_and_cropped_to_the_sheet():
    scan = sample("05-attestation-hebergement-fond-noir.png")
    assert P.find_skew(scan) == pytest.approx(-DARK_SAMPLE_ANGLE, abs=0.2)
    page = P.process_page(scan)
    assert page.cropped and page.skew == pytest.approx(-DARK_SAMPLE_ANGLE, abs=0.2)
    image = np.asarray(decode(page.data).convert("L"), dtype=np.float32)
    # the sheet fills the page: no dark lid left in the corners or along the edges
    for corner in (image[:20, :20], image[:20, -20:], image[-20:, :20], image[-20:, -20:]):
        assert corner.mean() > 200
    assert min(image[:, :3].mean(), image[:, -3:].mean(), image[:3].mean(), image[-3:].mean()) > 180
    # 88 % of A4 (the sheet's size in the sample) at 300 dpi
    assert page.width == pytest.approx(0.88 * 2480, rel=0.03)
    assert page.height == pytest.approx(0.88 * 3508, rel=0.03)
    assert page.mode == "L"  # black print on white: a grey JPEG


def test_straightened_text_lines_are_horizontal():
    page = P.process_page(sample("05-attestation-hebergement-fond-noir.png", 150))
    assert page.skew != 0.0 and P.find_skew(decode(page.data)) == 0.0


def test_straight_pages_are_left_alone():
    for name in ("03-facture-electricite.png", "04-recepisse-declaration-vol.png"):
        assert P.find_skew(sample(name, 150)) == 0.0


def test_light_background_crops_to_the_content_with_a_margin():
    scan = sample("01-cni-specimen-recto.png")
    page = P.process_page(scan)
    # the card (85.6 x 54 mm) and the line below it, 5 mm of margin: not the A4 glass
    assert page.cropped and 1050 < page.width < 1300 and 700 < page.height < 950
    assert page.mode == "RGB"  # the blue band and the red SPECIMEN stamp are colour


def test_blank_page_is_kept_whole():
    blank = Image.new("RGB", (1240, 1754), (250, 250, 250))
    blank.info["dpi"] = (150, 150)
    assert P.find_document(blank) is None and P.find_skew(blank) == 0.0
    page = P.process_page(blank)
    assert (page.width, page.height) == (1240, 1754) and not page.cropped


def test_rotations_are_lossless_quarter_turns():
    image = Image.new("L", (30, 20), 255)
    image.putpixel((0, 0), 0)
    assert P.rotate(image, 90).size == (20, 30) and P.rotate(image, 90).getpixel((19, 0)) == 0
    assert P.rotate(image, 180).getpixel((29, 19)) == 0
    assert P.rotate(image, 270).getpixel((0, 29)) == 0
    with pytest.raises(ValueError):
        P.rotate(image, 45)
    page = P.process_page(sample("04-recepisse-declaration-vol.png", 150), P.PageProcessing(rotate=90))
    assert page.width > page.height  # portrait turned to landscape


def test_text_pages_fit_the_budget_at_the_highest_quality_and_stay_legible():
    scan = sample("04-recepisse-declaration-vol.png")
    page = P.process_page(scan, P.PageProcessing(crop=False, deskew=False))
    assert len(page.data) <= P.DEFAULT_BUDGET and page.quality == P.MAX_QUALITY and page.dpi == 300
    original = np.asarray(scan.convert("L"), dtype=np.float32)
    decoded = np.asarray(decode(page.data).convert("L"), dtype=np.float32)
    mse = float(((original - decoded) ** 2).mean())
    assert 10 * np.log10(255**2 / mse) > 35  # PSNR in dB: small print intact


def test_a_page_over_budget_is_brought_down_in_quality_then_resolution():
    rng = np.random.default_rng(6)
    noise = Image.fromarray(rng.integers(0, 256, (3508, 2480, 3), dtype=np.uint8))  # worst case
    noise.info["dpi"] = (300, 300)
    data, quality, dpi = P.encode_jpeg(noise, 1_000_000)
    assert len(data) <= 1_000_000
    assert quality >= P.MIN_QUALITY and P.MIN_DPI <= dpi < 300
    assert decode(data).info["dpi"] == (dpi, dpi)
    data, quality, dpi = P.encode_jpeg(noise.resize((620, 877)), 200_000)
    assert len(data) <= 200_000 and quality >= P.MIN_QUALITY


def test_monochrome_detection():
    assert P.is_monochrome(sample("04-recepisse-declaration-vol.png", 75)) is False  # red stamp
    assert P.is_monochrome(sample("05-attestation-hebergement-fond-noir.png", 75)) is True
    grey_with_noise = np.clip(np.random.default_rng(1).normal(200, 8, (300, 200, 3)), 0, 255).astype(np.uint8)
    assert P.is_monochrome(Image.fromarray(grey_with_noise)) is True
    forced = P.process_page(sample("01-cni-specimen-recto.png", 100), P.PageProcessing(grayscale=True))
    assert forced.mode == "L" and decode(forced.data).mode == "L"


def test_pages_assemble_into_one_pdf_without_reencoding(tmp_path):
    pages = [P.process_page(sample(n, 150)) for n in ("01-cni-specimen-recto.png", "03-facture-electricite.png")]
    (tmp_path / "p2.jpg").write_bytes(pages[1].data)
    pdf = P.assemble_pdf([pages[0].data, tmp_path / "p2.jpg"], title="Justificatifs")
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == 2
        streams = [next(iter(p.get_images().values())) for p in doc.pages]
        assert [s.read_raw_bytes() for s in streams] == [pages[0].data, pages[1].data]
        assert str(doc.docinfo["/Title"]) == "Justificatifs"
    on_a4 = P.assemble_pdf([pages[0].data], a4=True)
    with pikepdf.open(io.BytesIO(on_a4)) as doc:
        box = doc.pages[0].mediabox
        assert round(float(box[2])) == 595 and round(float(box[3])) == 842
    with pytest.raises(ValueError):
        P.assemble_pdf([])


def test_processing_options_are_checked():
    with pytest.raises(ValueError):
        P.PageProcessing(rotate=45)
    with pytest.raises(ValueError):
        P.PageProcessing(budget=1000)
