"""The demo's simulated scanner serves, when the kiosk means to read a document,
the specimen a visitor would put on the glass (drivers/scanner/samples/specimens.py),
and the readers read it through the real page pipeline; a folder of one's own
serves its subfolder of that name."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from documents import read_page
from drivers.scanner import SimulatedScanner
from drivers.scanner.pipeline import process_page


def scanned_and_read(scanner: SimulatedScanner, expect: str):  # type: ignore[no-untyped-def]
    (raw,) = list(scanner.scan("flatbed", 300, expect=expect))
    page = Image.open(io.BytesIO(process_page(raw).data))
    return raw, read_page(page, expect, raw=raw)


@pytest.mark.parametrize(
    ("expect", "fields"),
    [
        ("identite", {"nom_naissance": "LEFEVRE", "prenom1": "ANAIS", "sexe": "F", "date_naissance": "1985-07-14"}),
        (
            "domicile",
            {"numero_voie": "12", "nom_voie": "RUE DES ECOLES", "code_postal": "33000", "commune": "BORDEAUX"},
        ),
        ("photo", {"code_photo": "DEMO4PHOTO8CODE2SPECIM"}),
        ("timbre", {"timbre": "1234567890123456"}),
    ],
)
def test_the_bundled_samples_serve_a_specimen_of_what_is_read(expect: str, fields: dict[str, str]) -> None:
    scanner = SimulatedScanner()
    raw, reading = scanned_and_read(scanner, expect)
    assert raw.info["source_file"] == f"specimen-{expect}"
    assert reading.refused is None, reading.refused
    assert {k: reading.fields.get(k) for k in fields} == fields
    if expect == "domicile":
        assert reading.holder == "LEFEVRE"  # the bill, dated a fortnight ago, made out to the card's name


def test_a_scan_that_reads_nothing_serves_the_samples_in_turn() -> None:
    scanner = SimulatedScanner()
    names = [next(scanner.scan("flatbed", 150, expect=e)).info["source_file"] for e in ("", "identite", "")]
    assert names == ["01-cni-specimen-recto.png", "specimen-identite", "02-cni-specimen-verso.png"]


def test_a_folder_serves_its_subfolder_for_what_is_read(tmp_path: Path) -> None:
    (tmp_path / "domicile").mkdir()
    Image.new("RGB", (1240, 1754), "white").save(tmp_path / "00-plain.png")
    Image.new("RGB", (1240, 1754), "white").save(tmp_path / "domicile" / "facture.png")
    scanner = SimulatedScanner(tmp_path)
    served = [next(scanner.scan("flatbed", 150, expect=e)).info["source_file"] for e in ("domicile", "identite", "")]
    assert served == ["facture.png", "00-plain.png", "00-plain.png"]
