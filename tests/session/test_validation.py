import datetime as dt
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from session.validation import REQUIRED, Invalid, validate

TODAY = dt.date(2026, 11, 22)


def message(kind, raw, **opts):
    with pytest.raises(Invalid) as exc:
        validate(kind, raw, opts)
    return exc.value.message_fr


# --- the French sentences a user actually sees ------------------------------
@pytest.mark.parametrize(
    "kind, raw, opts, expected",
    [
        ("name", "", {}, REQUIRED),
        ("name", "Dupont3", {}, "Écrivez seulement des lettres. Les tirets (-) et apostrophes (') sont permis."),
        ("date", "31/02/1980", {"today": TODAY}, "Cette date n'existe pas. Vérifiez le jour et le mois."),
        ("date", "01/01/2030", {"today": TODAY}, "Cette date est dans le futur. Vérifiez l'année."),
        ("date", "1980-01-01", {"today": TODAY}, "Écrivez la date sous la forme JJ/MM/AAAA, par exemple 05/03/1980."),
        (
            "date",
            "01/01/2020",
            {"today": TODAY, "min_age": 15},
            "Il faut avoir au moins 15 ans pour cette démarche. Vérifiez l'année.",
        ),
        ("date", "01/01/1850", {"today": TODAY}, "Cette date est trop ancienne. Vérifiez l'année."),
        ("code_postal", "7501", {}, "Le code postal a 5 chiffres, par exemple 75011."),
        ("email", "marie@", {}, "Cette adresse e-mail n'est pas complète. Exemple : prenom.nom@exemple.fr"),
        ("mobile", "0123456789", {}, "Écrivez un numéro de portable de 10 chiffres qui commence par 06 ou 07."),
        ("photo_code", "ABC", {}, "Le code photo a 22 lettres et chiffres. Il est écrit sur la planche de photos."),
        ("timbre", "12345", {}, "Le numéro du timbre fiscal a 16 chiffres. Il est sur le SMS ou le reçu d'achat."),
        (
            "accept",
            "",
            {"message": "Cochez la case pour valider votre demande."},
            "Cochez la case pour valider votre demande.",
        ),
        ("accept", "", {}, "Cochez la case « J'atteste… » pour continuer."),
        ("choice", "", {"choices": [["perte", "Perte"]]}, "Touchez une des réponses pour continuer."),
    ],
)
def test_user_messages(kind, raw, opts, expected):
    assert message(kind, raw, **opts) == expected


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("  Le   Gall ", "Le Gall"),
        ("Jean - Pierre", "Jean-Pierre"),
        ("N’Diaye", "N'Diaye"),
        ("Lefèvre", "Lefèvre"),
        ("e\u0301lodie", "élodie"),  # combining accent folded to NFC
    ],
)
def test_names_are_cleaned(raw, clean):
    assert validate("name", raw) == clean


@pytest.mark.parametrize(
    "raw, iso",
    [
        ("05/03/1980", "1980-03-05"),
        ("5/3/1980", "1980-03-05"),
        ("05031980", "1980-03-05"),
        ("05.03.1980", "1980-03-05"),
        ("29/02/2000", "2000-02-29"),
    ],
)
def test_dates_accepted(raw, iso):
    assert validate("date", raw, {"today": TODAY}) == iso


@pytest.mark.parametrize(
    "raw, clean",
    [("06 12 34 56 78", "0612345678"), ("+33712345678", "0712345678"), ("0033 6 12 34 56 78", "0612345678")],
)
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


@given(
    st.lists(st.sampled_from(list("abcdéèëçàïABÉ")), min_size=1, max_size=12),
    st.lists(st.sampled_from(list("xyzôû")), min_size=1, max_size=8),
    st.sampled_from(["-", "'", " "]),
)
def test_composed_names_accepted(first, second, sep):
    raw = "".join(first) + sep + "".join(second)
    assert validate("name", raw) == raw


@given(st.text(alphabet=string.digits, min_size=16, max_size=16))
def test_any_16_digits_is_a_timbre(digits):
    spaced = " ".join(digits[i : i + 4] for i in range(0, 16, 4))
    assert validate("timbre", spaced) == digits


@given(st.text(alphabet=string.ascii_letters + string.digits, min_size=22, max_size=22))
def test_photo_codes_uppercased(code):
    assert validate("photo_code", code) == code.upper()


@given(st.text(alphabet=string.digits, min_size=5, max_size=5).filter(lambda s: not s.startswith(("00", "96"))))
def test_postal_codes(cp):
    assert validate("code_postal", cp) == cp


# --- the validators added for every procedure --------------------------------
from session.validation import CATEGORIES, departement, plate_kind  # noqa: E402


@pytest.mark.parametrize(
    "kind, raw, opts, expected",
    [
        (
            "code_postal",
            "2A004",
            {},
            "En Corse aussi, le code postal a 5 chiffres : il commence par 20, par exemple 20000.",
        ),
        ("code_postal", "96100", {}, "Ce code postal n'existe pas. Vérifiez-le sur un courrier."),
        ("commune", "75011", {}, "Écrivez le nom de la commune en lettres, par exemple Saint-Denis."),
        ("commune", "L" + "a" * 70, {}, "Ce nom de commune est trop long : 60 caractères au plus."),
        (
            "neph",
            "12345678901",
            {},
            "Le numéro NEPH a 12 chiffres. Il est écrit sur votre permis ou votre convocation.",
        ),
        (
            "immatriculation",
            "AB123",
            {},
            "Écrivez l'immatriculation comme sur la plaque, par exemple AB-123-CD "
            "(ou 123 ABC 75 pour un ancien numéro).",
        ),
        (
            "immatriculation",
            "AB-000-CD",
            {},
            "Écrivez l'immatriculation comme sur la plaque, par exemple AB-123-CD "
            "(ou 123 ABC 75 pour un ancien numéro).",
        ),
        (
            "numero_formule",
            "2009A12345",
            {},
            "Le numéro de formule a 2 à 4 chiffres, 2 lettres et 5 chiffres, par exemple "
            "2009AB12345. Il est écrit sur la carte grise.",
        ),
        (
            "code_cession",
            "A-1",
            {},
            "Le code de cession est fait de lettres et de chiffres. Le vendeur vous l'a donné.",
        ),
        (
            "code_confidentiel",
            "1234",
            {},
            "Le code confidentiel a 5 chiffres. Il est sur le courrier reçu avec la carte grise.",
        ),
        ("predemande", "ABC12345", {}, "Le numéro de pré-demande a 10 lettres et chiffres."),
        ("numero_demande", "PC-12", {}, "Écrivez le numéro comme sur votre récépissé : des lettres et des chiffres."),
        ("categories", "B, Z", {}, "Choisissez les catégories écrites sur le permis, par exemple B."),
        ("yesno", "peut-être", {}, "Répondez oui ou non."),
        ("integer", "12,5", {}, "Écrivez seulement des chiffres, sans espace ni virgule."),
        ("integer", "6000000", {"max": 5000000}, "Ce nombre est trop grand : 5000000 au plus."),
        (
            "pays",
            "Maroc",
            {},
            "Écrivez le code du pays en 2 lettres, par exemple MA pour le Maroc. Le médiateur peut vous aider.",
        ),
        ("pays", "FR", {}, "Un permis français ne s'échange pas. Choisissez le pays qui a donné le permis."),
        (
            "date",
            "01/01/2026",
            {
                "today": TODAY,
                "max_days_ago": 122,
                "too_old_message": "Le certificat d'examen n'est valable que 4 mois. Parlez-en à votre auto-école.",
            },
            "Le certificat d'examen n'est valable que 4 mois. Parlez-en à votre auto-école.",
        ),
        (
            "date",
            "01/10/2026",
            {
                "today": TODAY,
                "min_days_ago": 183,
                "too_recent_message": "Après une invalidation, il faut attendre 6 mois avant de redemander le permis.",
            },
            "Après une invalidation, il faut attendre 6 mois avant de redemander le permis.",
        ),
        (
            "date",
            "01/10/2026",
            {"today": TODAY, "max_days_ago": 15},
            "Cette date est trop ancienne pour cette démarche.",
        ),
        (
            "date",
            "01/01/1990",
            {"today": TODAY, "max_age": 18},
            "Cette démarche est pour les moins de 18 ans. Vérifiez l'année.",
        ),
    ],
)
def test_more_user_messages(kind, raw, opts, expected):
    assert message(kind, raw, **opts) == expected


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("ab-123-cd", "AB-123-CD"),
        ("AB 123 CD", "AB-123-CD"),
        ("ab123cd", "AB-123-CD"),
        ("123 abc 75", "123 ABC 75"),
        ("1234-AB-2a", "1234 AB 2A"),
        ("123ABC75", "123 ABC 75"),
    ],
)
def test_plates_normalised(raw, clean):
    assert validate("immatriculation", raw) == clean


@pytest.mark.parametrize(
    "code_postal, dept",
    [
        ("20000", "2A"),
        ("20167", "2A"),
        ("20200", "2B"),
        ("20620", "2B"),
        ("75011", "75"),
        ("01000", "01"),
        ("97300", "973"),
        ("97411", "974"),
        ("98000", "980"),
        ("69003", "69"),
    ],
)
def test_departement_of_code_postal(code_postal, dept):
    assert departement(code_postal) == dept


def test_departement_refuses_what_is_not_a_code_postal():
    with pytest.raises(ValueError):
        departement("2A004")


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("Saint-Étienne", "Saint-Étienne"),
        ("L’Haÿ-les-Roses", "L'Haÿ-les-Roses"),
        ("Paris 11e", "Paris 11e"),
        ("Saint - Denis", "Saint-Denis"),
        ("  Aix  en  Provence ", "Aix en Provence"),
    ],
)
def test_communes(raw, clean):
    assert validate("commune", raw) == clean


# --- properties of the new validators ------------------------------------------
_SIV_LETTERS = st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=2)


@given(_SIV_LETTERS, st.integers(1, 999), _SIV_LETTERS, st.sampled_from(["-", " ", "", " - "]), st.booleans())
def test_any_siv_plate_normalises_to_the_dashed_form(left, number, right, sep, lower):
    raw = f"{left}{sep}{number:03d}{sep}{right}"
    clean = validate("immatriculation", raw.lower() if lower else raw)
    assert clean == f"{left}-{number:03d}-{right}" and plate_kind(clean) == "siv"


@given(
    st.integers(10, 9999),
    st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=3),
    st.sampled_from(["75", "13", "971", "2A", "2B"]),
    st.sampled_from([" ", "-", ""]),
)
def test_any_fni_plate_normalises_to_the_spaced_form(number, letters, dept, sep):
    clean = validate("immatriculation", f"{number}{sep}{letters}{sep}{dept}")
    assert clean == f"{number} {letters} {dept}" and plate_kind(clean) == "fni"


@given(st.text(alphabet=string.digits, min_size=12, max_size=12), st.sampled_from(["", " ", "-"]))
def test_any_12_digits_is_a_neph(digits, sep):
    spaced = sep.join(digits[i : i + 3] for i in range(0, 12, 3))
    assert validate("neph", spaced) == digits


@given(st.text(alphabet=string.digits, max_size=20).filter(lambda s: len(s) != 12 and s))
def test_neph_of_another_length_is_refused(digits):
    with pytest.raises(Invalid):
        validate("neph", digits)


@given(
    st.integers(10, 9999),
    st.text(alphabet=string.ascii_letters, min_size=2, max_size=2),
    st.text(alphabet=string.digits, min_size=5, max_size=5),
)
def test_numeros_de_formule(year, letters, digits):
    assert validate("numero_formule", f"{year}{letters}{digits}") == f"{year}{letters.upper()}{digits}"


@given(st.text(alphabet=string.digits, min_size=5, max_size=5))
def test_codes_confidentiels(code):
    assert validate("code_confidentiel", code) == code


@given(st.text(alphabet=string.ascii_letters + string.digits, min_size=5, max_size=12))
def test_codes_de_cession_uppercased(code):
    assert validate("code_cession", code) == code.upper()


@given(st.text(alphabet=string.ascii_letters + string.digits, min_size=10, max_size=10))
def test_predemandes_uppercased(numero):
    assert validate("predemande", numero) == numero.upper()


@given(st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=30).filter(lambda s: len(s) != 10))
def test_predemande_of_another_length_is_refused(numero):
    with pytest.raises(Invalid):
        validate("predemande", numero)


@given(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=6), st.sampled_from([",", " ", ", ", ";"]))
def test_categories_kept_in_licence_order_without_duplicates(chosen, sep):
    clean = validate("categories", sep.join(c.lower() for c in chosen))
    assert clean.split(",") == [c for c in CATEGORIES if c in chosen]


@given(st.integers(0, 999_999_999))
def test_integers_round_trip(n):
    assert validate("integer", f"{n:,}".replace(",", " ")) == str(n)


@given(st.sampled_from(["oui", "Oui", "OUI", "1", "true", "non", "Non", "0", "false"]))
def test_yesno(raw):
    assert validate("yesno", raw) in ("oui", "non")


@given(st.integers(0, 99999))
def test_every_5_digit_code_postal_has_a_departement(n):
    cp = f"{n:05d}"
    dept = departement(cp)
    assert dept in ("2A", "2B") if cp.startswith("20") else cp.startswith(dept)


@given(
    st.lists(st.sampled_from(list("abcéèàçôÉ")), min_size=1, max_size=15),
    st.lists(st.sampled_from(list("sur-Merl")), min_size=0, max_size=10),
)
def test_commune_names_accepted(first, rest):
    raw = ("".join(first) + "-" + "".join(rest).strip("-")).strip("-")
    raw = "-".join(p for p in raw.split("-") if p)
    assert validate("commune", raw) == raw


@given(st.text(max_size=40))
def test_every_new_validator_answers_with_a_value_or_a_french_sentence(raw):
    for kind in (
        "commune",
        "neph",
        "immatriculation",
        "numero_formule",
        "code_cession",
        "code_confidentiel",
        "predemande",
        "numero_demande",
        "categories",
        "yesno",
        "integer",
        "pays",
    ):
        try:
            out = validate(kind, raw, {"today": TODAY}, required=False)
        except Invalid as exc:
            assert exc.message_fr and exc.message_fr[0].isupper() and exc.message_fr.endswith(".")
        else:
            assert isinstance(out, str)


@given(st.dates(min_value=dt.date(2026, 1, 1), max_value=TODAY), st.integers(0, 400))
def test_max_days_ago_is_exact(d, limit):
    raw = d.strftime("%d/%m/%Y")
    try:
        validate("date", raw, {"today": TODAY, "max_days_ago": limit})
    except Invalid:
        assert (TODAY - d).days > limit
    else:
        assert (TODAY - d).days <= limit


# --- the first validators: what the table above did not show, and their properties ----------
@pytest.mark.parametrize(
    "kind, raw, opts, expected",
    [
        ("text", "x" * 81, {}, "Ce texte est trop long : 80 caractères au plus."),
        ("name", "A" * 61, {}, "Ce nom est trop long. Écrivez-le comme sur votre pièce d'identité."),
        ("choice", "incendie", {"choices": [["perte", "Perte"]]}, "Choisissez une des réponses proposées."),
        (
            "accept",
            "0",
            {"message": "Cochez la case pour valider votre demande."},
            "Cochez la case pour valider votre demande.",
        ),
        ("accept", "non", {}, "Cochez la case pour continuer."),
        ("email", "marie@exemple..fr", {}, "Cette adresse e-mail n'est pas complète. Exemple : prenom.nom@exemple.fr"),
        ("mobile", "+33123456789", {}, "Écrivez un numéro de portable de 10 chiffres qui commence par 06 ou 07."),
        ("code_postal", "", {"required_message": "Le code postal est obligatoire."}, "Le code postal est obligatoire."),
    ],
)
def test_other_user_messages(kind, raw, opts, expected):
    assert message(kind, raw, **opts) == expected


_LOCAL = st.text(alphabet=string.ascii_letters + string.digits + "._-", min_size=1, max_size=20).filter(
    lambda s: ".." not in s
)
_LABEL = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=12)


@given(_LOCAL, _LABEL, st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=6))
def test_any_plain_email_is_accepted_and_lowercased(local, domain, tld):
    raw = f"{local}@{domain}.{tld}"
    assert validate("email", raw) == raw.lower()


@given(
    st.sampled_from(["6", "7"]),
    st.text(alphabet=string.digits, min_size=8, max_size=8),
    st.sampled_from(["0{}{}", "+33{}{}", "0033{}{}", "0{} {}"]),
)
def test_any_french_mobile_in_any_form_is_the_10_digit_one(first, rest, form):
    assert validate("mobile", form.format(first, rest)) == f"0{first}{rest}"


@given(st.text(alphabet=string.digits, min_size=10, max_size=10).filter(lambda s: s[:2] not in ("06", "07")))
def test_a_number_that_is_not_a_mobile_is_refused(number):
    with pytest.raises(Invalid):
        validate("mobile", number)


@given(st.text(alphabet=string.ascii_letters + " éà'-", max_size=120), st.integers(5, 100))
def test_text_is_kept_within_its_limit(raw, limit):
    try:
        out = validate("text", raw, {"max_length": limit}, required=False)
    except Invalid:
        assert len(" ".join(raw.split())) > limit
    else:
        assert len(out) <= limit and out == " ".join(out.split())


@given(
    st.lists(st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=8), min_size=1, max_size=5, unique=True),
    st.text(max_size=8),
)
def test_choice_accepts_only_its_values(values, other):
    opts = {"choices": [[v, v.capitalize()] for v in values]}
    for v in values:
        assert validate("choice", v, opts) == v
    if other.strip() and other not in values:
        with pytest.raises(Invalid):
            validate("choice", other, opts)


@given(st.text(max_size=6))
def test_accept_only_a_ticked_box(raw):
    try:
        assert validate("accept", raw, {}, required=False) in ("1", "")
    except Invalid as exc:
        assert exc.message_fr == "Cochez la case pour continuer."
    else:
        assert raw in ("1", "true", "oui") or not raw.strip()


@given(st.text(alphabet=string.ascii_letters, min_size=2, max_size=2).filter(lambda s: s.upper() != "FR"))
def test_any_two_letters_are_a_country_code(code):
    assert validate("pays", code) == code.upper()
