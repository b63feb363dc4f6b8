import datetime as dt
import string

import pytest
from hypothesis import given, strategies as st

from session.validation import REQUIRED, Invalid, validate

TODAY = dt.date(2026, 11, 22)


def message(kind, raw, **opts):
    with pytest.raises(Invalid) as exc:
        validate(kind, raw, opts)
    return exc.value.message_fr


# --- the French sentences a user actually sees ------------------------------
@pytest.mark.parametrize("kind, raw, opts, expected", [
    ("name", "", {}, REQUIRED),
    ("name", "Dupont3", {}, "Écrivez seulement des lettres. Les tirets (-) et apostrophes (') sont permis."),
    ("date", "31/02/1980", {"today": TODAY}, "Cette date n'existe pas. Vérifiez le jour et le mois."),
    ("date", "01/01/2030", {"today": TODAY}, "Cette date est dans le futur. Vérifiez l'année."),
    ("date", "1980-01-01", {"today": TODAY}, "Écrivez la date sous la forme JJ/MM/AAAA, par exemple 05/03/1980."),
    ("date", "01/01/2020", {"today": TODAY, "min_age": 15}, "Il faut avoir au moins 15 ans pour cette démarche. Vérifiez l'année."),
    ("date", "01/01/1850", {"today": TODAY}, "Cette date est trop ancienne. Vérifiez l'année."),
    ("code_postal", "7501", {}, "Le code postal a 5 chiffres, par exemple 75011."),
    ("email", "marie@", {}, "Cette adresse e-mail n'est pas complète. Exemple : prenom.nom@exemple.fr"),
    ("mobile", "0123456789", {}, "Écrivez un numéro de portable de 10 chiffres qui commence par 06 ou 07."),
    ("photo_code", "ABC", {}, "Le code photo a 22 lettres et chiffres. Il est écrit sur la planche de photos."),
    ("timbre", "12345", {}, "Le numéro du timbre fiscal a 16 chiffres. Il est sur le SMS ou le reçu d'achat."),
    ("accept", "", {"message": "Cochez la case pour valider votre demande."}, REQUIRED),
])
def test_user_messages(kind, raw, opts, expected):
    assert message(kind, raw, **opts) == expected


@pytest.mark.parametrize("raw, clean", [
    ("  Le   Gall ", "Le Gall"),
    ("Jean - Pierre", "Jean-Pierre"),
    ("N’Diaye", "N'Diaye"),
    ("Lefèvre", "Lefèvre"),
    ("e\u0301lodie", "élodie"),  # combining accent folded to NFC
])
def test_names_are_cleaned(raw, clean):
    assert validate("name", raw) == clean


@pytest.mark.parametrize("raw, iso", [("05/03/1980", "1980-03-05"), ("5/3/1980", "1980-03-05"),
                                      ("05031980", "1980-03-05"), ("05.03.1980", "1980-03-05"),
                                      ("29/02/2000", "2000-02-29")])
def test_dates_accepted(raw, iso):
    assert validate("date", raw, {"today": TODAY}) == iso


@pytest.mark.parametrize("raw, clean", [("06 12 34 56 78", "0612345678"), ("+33712345678", "0712345678"),
                                        ("0033 6 12 34 56 78", "0612345678")])
def test_mobiles(raw, clean):
    assert validate("mobile", raw) == clean


def test_optional_empty_is_empty():
    assert validate("mobile", "  ", required=False) == ""


# --- properties -------------------------------------------------------------
@given(st.dates(min_value=dt.date(1907, 1, 1), max_value=dt.date(2011, 1, 1)))
def test_any_real_past_date_round_trips(d):
    assert validate("date", d.strftime("%d/%m/%Y"), {"today": TODAY}) == d.isoformat()


@given(st.integers(1, 31), st.integers(1, 12), st.integers(1900, 2100))
def test_date_never_crashes_and_is_either_valid_or_explained(day, month, year):
    raw = f"{day:02d}/{month:02d}/{year}"
    try:
        iso = validate("date", raw, {"today": TODAY})
    except Invalid as exc:
        assert exc.message_fr.endswith(".")
    else:
        assert dt.date.fromisoformat(iso) <= TODAY


@given(st.text(max_size=40))
def test_every_validator_answers_with_a_value_or_a_french_sentence(raw):
    for kind in ("text", "name", "date", "code_postal", "email", "mobile", "photo_code", "timbre"):
        try:
            out = validate(kind, raw, {"today": TODAY}, required=False)
        except Invalid as exc:
            assert exc.message_fr and exc.message_fr[0].isupper()
        else:
            assert isinstance(out, str)


@given(st.lists(st.sampled_from(list("abcdéèëçàïABÉ")), min_size=1, max_size=12),
       st.lists(st.sampled_from(list("xyzôû")), min_size=1, max_size=8), st.sampled_from(["-", "'", " "]))
def test_composed_names_accepted(first, second, sep):
    raw = "".join(first) + sep + "".join(second)
    assert validate("name", raw) == raw


@given(st.text(alphabet=string.digits, min_size=16, max_size=16))
def test_any_16_digits_is_a_timbre(digits):
    spaced = " ".join(digits[i:i + 4] for i in range(0, 16, 4))
    assert validate("timbre", spaced) == digits


@given(st.text(alphabet=string.ascii_letters + string.digits, min_size=22, max_size=22))
def test_photo_codes_uppercased(code):
    assert validate("photo_code", code) == code.upper()


@given(st.text(alphabet=string.digits, min_size=5, max_size=5).filter(lambda s: not s.startswith(("00", "96"))))
def test_postal_codes(cp):
    assert validate("code_postal", cp) == cp
