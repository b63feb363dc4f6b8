"""Every specimen read right, every corrupted one refused, with the sentence the user sees."""

from __future__ import annotations

import datetime as dt

import pytest
import specimens
from pages import FR_2X36, TD1, TD3, TODAY, read

from documents import MESSAGES, Authorities, mrz, twoddoc

CARD = {
    "nom_naissance": "SPECIMEN",
    "prenom1": "MARIE",
    "prenom2": "CLAIRE",
    "sexe": "F",
    "date_naissance": "1990-01-01",
    "type_titre": "cni",
}
LAYOUTS = {
    "td1": (TD1, "cni", {**CARD, "numero_titre": "X4RTBPFW4"}),
    "fr-2x36": (FR_2X36, "cni-2x36", {**CARD, "numero_titre": "880692310285"}),
    "td3": (
        TD3,
        "passeport",
        {
            "nom_naissance": "SPECIMEN",
            "prenom1": "PAUL",
            "sexe": "M",
            "date_naissance": "1985-02-12",
            "numero_titre": "21AB12345",
            "type_titre": "passeport",
        },
    ),
}


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_an_identity_page_is_read_from_its_mrz(layout: str, seed: int) -> None:
    lines, kind, expected = LAYOUTS[layout]
    reading = read(specimens.identity_page(lines, kind=kind), "identite", seed=seed)
    assert reading.refused is None
    assert reading.kind == "identite"
    assert reading.fields == expected
    assert reading.notes == []


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_wrong_check_digit_is_not_read_and_the_user_types(layout: str) -> None:
    lines, kind, _ = LAYOUTS[layout]
    reading = read(specimens.identity_page(specimens.spoil(lines), kind=kind), "identite", seed=4)
    assert reading.fields == {}
    assert reading.refused is None  # the page itself is good: it is sent, the user types
    assert [n.sentence() for n in reading.notes] == [
        "Les lignes en bas de votre pièce n'ont pas pu être vérifiées : tapez vos informations."
    ]


def test_the_older_cards_check_digits() -> None:
    line1, line2 = FR_2X36
    assert mrz.check_fr_2x36(line1, line2)
    assert not mrz.check_fr_2x36(line1.replace("SPECIMEN", "SPECIMAN"), line2)  # the zone's own digit
    assert not mrz.check_fr_2x36(line1, line2[:12] + "0" + line2[13:])


def test_ocr_confusions_are_undone_only_where_the_check_digits_agree() -> None:
    zone = "\n".join(TD1)
    misread = zone.replace("FW46<", "FW4O<").replace("<<<<<<<<<<<4", "<<K<<<<<<<<<4")
    identity, found = mrz.parse(misread, TODAY)
    assert found and identity is not None and identity.numero == "X4RTBPFW4"
    wrong = zone.replace("9001011", "9001021")  # a digit read wrong, not a lookalike: refused
    assert mrz.parse(wrong, TODAY) == (None, True)


def test_a_signed_bill_gives_the_address_and_the_holder() -> None:
    reading = read(specimens.bill(dt.date(2026, 10, 1)), "domicile", seed=1)
    assert reading.refused is None
    assert reading.kind == "domicile"
    assert reading.fields == {
        "numero_voie": "12",
        "nom_voie": "RUE DES LILAS",
        "code_postal": "63000",
        "commune": "CLERMONT-FERRAND",
    }
    assert reading.holder == "SPECIMEN"


def test_a_forged_2d_doc_is_not_believed() -> None:
    reading = read(specimens.bill(dt.date(2026, 10, 1), forged=True), "domicile", seed=2)
    assert reading.fields == {} and reading.refused is None
    assert [n.sentence() for n in reading.notes] == [
        "Le code 2D-Doc de ce document n'a pas pu être vérifié : tapez votre adresse."
    ]


def test_a_2d_doc_from_an_unknown_certificate_is_not_believed() -> None:
    doc = twoddoc.parse(specimens.two_d_doc(dt.date(2026, 10, 1)))
    assert Authorities.from_folder().verify(doc)
    assert not Authorities({}).verify(doc)
    other = twoddoc.parse(specimens.two_d_doc(dt.date(2026, 10, 1), certificate="TST2"))
    assert not Authorities.from_folder().verify(other)


def test_a_bill_older_than_six_months_is_refused_with_its_date() -> None:
    reading = read(specimens.bill(dt.date(2026, 5, 31)), "domicile", seed=3)
    assert reading.fields == {}
    assert reading.refused is not None
    assert reading.refused.sentence() == (
        "Rescannez : ce justificatif date du 31/05/2026, il faut un document de moins de 6 mois."
    )
    fresh = read(specimens.bill(dt.date(2026, 6, 2)), "domicile", seed=3)  # six months to the day: accepted
    assert fresh.refused is None and fresh.kind == "domicile"


def test_the_2d_doc_header_and_fields() -> None:
    doc = twoddoc.parse(specimens.two_d_doc(dt.date(2026, 10, 1)))
    assert (doc.version, doc.authority, doc.certificate, doc.doc_type) == ("04", "FR99", "TST1", "01")
    assert doc.issued == dt.date(2026, 10, 1) and doc.is_domicile
    assert doc.fields["prenom"] == "MARIE" and doc.fields["code_postal"] == "63000"
    with pytest.raises(twoddoc.TwoDDocError):
        twoddoc.parse("DC04FR99TST1")
    with pytest.raises(twoddoc.TwoDDocError):
        twoddoc.parse("DC09" + "0" * 30 + twoddoc.US + "AA")


@pytest.mark.parametrize(
    ("today", "oldest"),
    [
        (dt.date(2026, 12, 2), dt.date(2026, 6, 2)),
        (dt.date(2026, 3, 2), dt.date(2025, 9, 2)),
        (dt.date(2026, 8, 31), dt.date(2026, 2, 28)),
        (dt.date(2028, 8, 31), dt.date(2028, 2, 29)),
    ],
)
def test_six_months(today: dt.date, oldest: dt.date) -> None:
    assert twoddoc.six_months_before(today) == oldest


def test_the_photo_code_timbre_and_recepisse_codes() -> None:
    photo = read(specimens.photo_sheet("A1B2C3D4E5F6G7H8J9K0LM"), "photo", seed=1)
    assert photo.fields == {"code_photo": "A1B2C3D4E5F6G7H8J9K0LM"}
    timbre = read(specimens.timbre("1234567890123456"), "timbre", seed=2)
    assert timbre.fields == {"timbre": "1234567890123456"}
    recu = read(specimens.recepisse("PC2026A1B2C3"), "recepisse", seed=3)
    assert recu.fields == {"numero": "PC2026A1B2C3"}


def test_a_sheet_without_its_code_says_so() -> None:
    reading = read(specimens.timbre("1234567890123456"), "photo", seed=1)  # a timbre is no photo sheet
    assert reading.fields == {}
    assert [n.key for n in reading.notes] == ["code-unread"]
    assert reading.notes[0].sentence() == MESSAGES["code-unread"]


def test_names_that_no_check_digit_covers_are_believed_only_when_both_models_agree() -> None:
    identity, _ = mrz.parse("\n".join(TD1), TODAY)
    assert identity is not None
    assert mrz._names_agree(identity, "\n".join(TD1))
    assert mrz._names_agree(identity, "\n".join([*TD1[:2], "SPECIMEN<<MARIE<CLAIRE<<<<<<SSS"]))  # strokes in fillers
    assert not mrz._names_agree(identity, "\n".join([*TD1[:2], "SPECIMAN<<MARIE<CLAIRE<<<<<<<<"]))


def test_two_repairs_that_both_pass_are_not_believed() -> None:
    # a birth date read with two letters where digits must be: more than one repair passes the check digits
    zone = "\n".join(TD1)
    assert mrz.parse(zone.replace("9001011F", "9OO1011F"), TODAY)[0] is not None  # one repair passes: O→0
    ambiguous = mrz._only([None, *[mrz.parse(z, TODAY)[0] for z in ("\n".join(TD1), "\n".join(TD3))]])
    assert ambiguous is None
