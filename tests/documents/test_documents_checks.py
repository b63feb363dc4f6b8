"""Each pièce checked before it is sent: "Rescannez : <reason>" in one sentence,
and a check that cannot decide lets the page through."""

from __future__ import annotations

import datetime as dt

import pytest
import specimens
from pages import TD1, TODAY, read, scan
from PIL import Image

from documents import MESSAGES, checks, read_page

BILL = dt.date(2026, 10, 1)


def test_every_refusal_is_one_sentence_that_starts_with_rescannez() -> None:
    refusals = ["dark", "blurred", "cut", "not-identity", "too-old"]
    for key in refusals:
        sentence = MESSAGES[key]
        assert sentence.startswith("Rescannez : ")
        assert sentence.count(".") == 1 and sentence.endswith(".")


@pytest.mark.parametrize(
    ("document", "expect", "scanner", "why"),
    [
        (
            "bill",
            "domicile",
            {"dark": 0.35},
            "Rescannez : la page est trop sombre, fermez bien le couvercle du scanner.",
        ),
        (
            "bill",
            "domicile",
            {"blur": 4.0},
            "Rescannez : la page est floue, posez-la bien à plat sur la vitre sans la bouger.",
        ),
        (
            "card",
            "identite",
            {"blur": 3.5},
            "Rescannez : la page est floue, posez-la bien à plat sur la vitre sans la bouger.",
        ),
        (
            "bill",
            "domicile",
            {"at": (40.0, 60.0)},
            "Rescannez : le document dépasse du bord de la vitre, posez-le contre le coin marqué d'une flèche.",
        ),
        (
            "card",
            "identite",
            {"at": (150.0, 10.0)},
            "Rescannez : le document dépasse du bord de la vitre, posez-le contre le coin marqué d'une flèche.",
        ),
        (
            "bill",
            "identite",
            {},
            "Rescannez : ce n'est pas une pièce d'identité, posez la face avec votre photo contre la vitre.",
        ),
    ],
)
def test_a_bad_page_is_refused_with_its_reason(document: str, expect: str, scanner: dict, why: str) -> None:
    doc = specimens.bill(BILL) if document == "bill" else specimens.identity_page(TD1)
    reading = read(doc, expect, seed=3, **scanner)
    assert reading.refused is not None
    assert reading.refused.sentence() == why
    assert reading.fields == {}


@pytest.mark.parametrize("document", ["bill", "card"])
def test_a_page_upside_down_is_turned_and_read(document: str) -> None:
    doc = specimens.bill(BILL) if document == "bill" else specimens.identity_page(TD1)
    reading = read(doc, "domicile" if document == "bill" else "identite", seed=6, upside_down=True)
    assert reading.refused is None
    assert reading.rotate == 180
    assert reading.notes[0].sentence() == "La page était à l'envers : elle a été retournée."
    assert reading.fields["code_postal" if document == "bill" else "nom_naissance"] in ("63000", "SPECIMEN")


def test_good_pages_pass_every_check() -> None:
    for doc, expect in ((specimens.bill(BILL), "domicile"), (specimens.identity_page(TD1), "identite")):
        reading = read(doc, expect, seed=2)
        assert reading.refused is None
        assert "cut" in reading.checked and "blurred" in reading.checked and "dark" in reading.checked
    card_on_dark_lid = read(specimens.identity_page(TD1), "identite", seed=5, lid="dark")
    assert card_on_dark_lid.refused is None and card_on_dark_lid.kind == "identite"


def test_checks_that_cannot_decide_let_the_page_through() -> None:
    blank = Image.new("L", specimens.A4, 250)
    assert checks.blurred(blank) is None
    assert checks.cut(blank) is None
    reading = read_page(blank, "identite", raw=blank, today=TODAY)  # a blank card-sized page? an unknown page
    assert reading.refused is None
    letter = scan(specimens.bill(BILL, with_code=False), seed=1)  # a bill with no 2D-Doc: its date unknown
    reading = read_page(letter.page, "domicile", raw=letter.raw, today=TODAY)
    assert reading.refused is None and reading.fields == {} and reading.notes == []
    other = read_page(letter.page, "recepisse_vol", raw=letter.raw, today=TODAY)  # no reader for this pièce
    assert other.refused is None and other.kind == ""


def test_a_scan_under_100_dpi_is_not_judged_blurred() -> None:
    # a sharp bill scanned at 50 dpi (a low resolution setting): enlarged to judge it, any print looks soft
    sharp = scan(specimens.bill(BILL), seed=2).page
    small = sharp.resize((sharp.width // 6, sharp.height // 6), Image.Resampling.BOX)
    assert checks.blurred(sharp, dpi=300) is False
    assert checks.blurred(small, dpi=50) is None
    assert read_page(small, "domicile", dpi=50, today=TODAY).refused is None


def test_a_flat_black_page_cannot_be_judged_dark() -> None:
    # SANE's test backend gives one: no paper to be seen, nothing to judge; a dark page with print is refused
    assert checks.too_dark(Image.new("L", (800, 1100), 0), dpi=100) is None
    dark = specimens.scanned(specimens.bill(BILL), dark=0.35)
    assert checks.too_dark(dark) is True


def test_an_identity_page_given_as_proof_of_address_is_told_not_refused() -> None:
    reading = read(specimens.identity_page(TD1), "domicile", seed=3)
    assert reading.refused is None and reading.fields == {}
    assert [n.sentence() for n in reading.notes] == [
        "Cette page ressemble à une pièce d'identité : vérifiez que c'est votre justificatif de domicile."
    ]
