"""POST/GET /api/v1/demandes on the running mock: its own rules, over HTTP."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ants import PieceFile
from ants_builders import erreurs_of, jpeg_bytes, pdf_bytes, png_bytes, standard_pieces, tiff_bytes


def test_happy_path_with_pdf_and_jpeg_pieces_is_en_instruction_with_history(ants):
    before = datetime.now(UTC).replace(microsecond=0)
    response = ants.submit(ants.dossier())
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"numero", "statut", "cree_le", "procedure", "frais", "delivre"}
    assert (body["procedure"], body["frais"], body["delivre"]) == ("permis-perte", 25.0, {})
    assert body["statut"] == "en_instruction"
    assert body["numero"].startswith(f"PC{before.year}") and len(body["numero"]) == 14
    created = datetime.fromisoformat(body["cree_le"])
    assert before <= created <= datetime.now(UTC) + timedelta(seconds=1)

    suivi = requests.get(f"{ants.url}/api/v1/demandes/{body['numero']}", timeout=5)
    assert suivi.status_code == 200
    assert suivi.json() == {
        "numero": body["numero"],
        "procedure": "permis-perte",
        "motif": "perte",
        "statut": "en_instruction",
        "cree_le": body["cree_le"],
        "historique": [
            {
                "statut": "en_instruction",
                "date": body["cree_le"],
                "commentaire": "Demande transmise au service instructeur.",
            }
        ],
    }


def test_photo_code_and_timbre_are_single_use(ants):
    dossier = ants.dossier()
    assert ants.submit(dossier).status_code == 201
    again = ants.submit(dossier)
    assert again.status_code == 422
    assert again.json()["detail"]["code"] == "dossier_invalide"
    assert erreurs_of(again) == [("photo.code", "code_deja_utilise"), ("paiement.timbre", "timbre_deja_utilise")]


def test_a_demo_code_leaves_the_demo_list_once_used(ants):
    demo = requests.get(ants.url + "/api/v1/formation/demo", timeout=5).json()
    code = demo["photo_codes"][-1]["code"]
    timbre = next(t["numero"] for t in reversed(demo["timbres"]) if t["montant"] == 25.0)
    dossier = ants.dossier()
    dossier["photo"]["code"], dossier["paiement"]["timbre"] = code, timbre
    assert ants.submit(dossier).status_code == 201
    after = requests.get(ants.url + "/api/v1/formation/demo", timeout=5).json()
    assert code not in [c["code"] for c in after["photo_codes"]]
    assert timbre not in [t["numero"] for t in after["timbres"]]


FUTURE = (date.today() + timedelta(days=2)).isoformat()  # still future if the run crosses midnight
FOURTEEN = date.today().replace(year=date.today().year - 14).isoformat()


@pytest.mark.parametrize(
    "section, change, expected",
    [
        ("etat_civil", {"date_naissance": FUTURE}, ("etat_civil.date_naissance", "date_future")),
        ("etat_civil", {"date_naissance": "1980-02-31"}, ("etat_civil.date_naissance", "date_invalide")),
        ("etat_civil", {"date_naissance": "17/05/1980"}, ("etat_civil.date_naissance", "format_invalide")),
        ("etat_civil", {"date_naissance": FOURTEEN}, ("etat_civil.date_naissance", "age_insuffisant")),
        ("etat_civil", {"nom_naissance": ""}, ("etat_civil.nom_naissance", "champ_requis")),
        ("etat_civil", {"nom_naissance": "DUP0NT"}, ("etat_civil.nom_naissance", "caracteres_invalides")),
        ("etat_civil", {"prenoms": ["Marie", "R2D2"]}, ("etat_civil.prenoms.1", "caracteres_invalides")),
        ("etat_civil", {"sexe": "X"}, ("etat_civil.sexe", "valeur_invalide")),
        ("adresse", {"code_postal": "7501"}, ("adresse.code_postal", "format_invalide")),
        ("adresse", {"commune": ""}, ("adresse.commune", "champ_requis")),
        ("contact", {"email": "marie@"}, ("contact.email", "format_invalide")),
        ("contact", {"mobile": "0512345678"}, ("contact.mobile", "format_invalide")),
        ("photo", {"code": "ABC"}, ("photo.code", "format_invalide")),
        ("photo", {"code": "ZZZZZZZZZZZZZZZZZZZZZZ"}, ("photo.code", "code_inconnu")),
        ("paiement", {"timbre": "0000000000000000"}, ("paiement.timbre", "timbre_inconnu")),
    ],
)
def test_field_refusals(ants, section, change, expected):
    response = ants.submit(ants.dossier(**{section: change}))
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail["code"] == "dossier_invalide"
    assert erreurs_of(response) == [expected]
    assert all(e["message"] and e["message"][0].isupper() for e in detail["erreurs"])


def test_refusal_message_is_plain_french(ants):
    response = ants.submit(ants.dossier(etat_civil={"date_naissance": FUTURE}))
    assert response.json()["detail"]["erreurs"][0]["message"] == "La date de naissance ne peut pas être dans le futur."


def test_attestation_must_be_true(ants):
    dossier = ants.dossier()
    dossier["attestation_honneur"] = "oui"
    assert erreurs_of(ants.submit(dossier)) == [("attestation_honneur", "attestation_requise")]


@pytest.mark.parametrize(
    "change",
    [
        {"etat_civil": {"nom_naissance": "N'GUESSAN-LÉVÊQUE", "nom_usage": "D’Arc", "prenoms": ["Anne Marie"]}},
        {"adresse": {"numero": "", "extension": "", "type_voie": ""}},
        {"contact": {"mobile": "+33712345678"}},
        {"contact": {"mobile": ""}},
    ],
)
def test_accepted_variants(ants, change):
    assert ants.submit(ants.dossier(**change)).status_code == 201


def test_corsica_postcode_is_accepted(ants):
    assert ants.submit(ants.dossier(code_postal="2A004")).status_code == 201


def test_timbre_amount_must_match_motif_and_place(ants):
    guyane_timbre = ants.timbre("perte", "97300")  # 12,50 €
    paris = ants.dossier()
    paris["paiement"]["timbre"] = guyane_timbre
    response = ants.submit(paris)
    assert erreurs_of(response) == [("paiement.timbre", "montant_incorrect")]
    assert (
        response.json()["detail"]["erreurs"][0]["message"] == "Ce timbre vaut 12,50 € ; cette démarche demande 25,00 €."
    )

    cayenne = ants.dossier(code_postal="97300")
    cayenne_full = ants.dossier()["paiement"]["timbre"]  # 25 €, not the Guyane rate
    wrong = dict(cayenne, paiement={"timbre": cayenne_full})
    assert erreurs_of(ants.submit(wrong)) == [("paiement.timbre", "montant_incorrect")]
    assert ants.submit(cayenne).status_code == 201


def test_missing_domicile_is_refused(ants):
    pieces = [p for p in standard_pieces() if p.piece_id != "domicile"]
    assert erreurs_of(ants.submit(ants.dossier(), pieces)) == [("pieces.domicile", "piece_manquante")]


def test_no_pieces_at_all(ants):
    assert erreurs_of(ants.submit(ants.dossier(), [])) == [
        ("pieces.identite", "piece_manquante"),
        ("pieces.domicile", "piece_manquante"),
    ]


def test_vol_needs_the_recepisse_by_default(ants):
    response = ants.submit(ants.dossier(motif="vol"))
    assert erreurs_of(response) == [("pieces.recepisse_vol", "piece_manquante")]
    pieces = standard_pieces() + [PieceFile("recepisse_vol", "recepisse.png", "image/png", png_bytes())]
    assert ants.submit(ants.dossier(motif="vol"), pieces).status_code == 201


def test_a_pdf_whose_bytes_are_png_is_refused_with_the_reason(ants):
    pieces = [
        PieceFile("identite", "cni.pdf", "application/pdf", png_bytes()),
        PieceFile("domicile", "facture.jpg", "image/jpeg", jpeg_bytes()),
    ]
    response = ants.submit(ants.dossier(), pieces)
    assert erreurs_of(response) == [("pieces.identite", "format_incoherent")]
    assert (
        response.json()["detail"]["erreurs"][0]["message"]
        == "Le fichier « cni.pdf » se présente comme un PDF mais contient un PNG."
    )


@pytest.mark.parametrize(
    "piece, code",
    [
        (PieceFile("domicile", "facture.jpg", "image/png", b""), "fichier_vide"),
        (PieceFile("domicile", "facture.jpg", "application/pdf", jpeg_bytes()), "format_incoherent"),
        (
            PieceFile("domicile", "facture.docx", "application/octet-stream", b"PK\x03\x04 not an image"),
            "format_non_accepte",
        ),
        (PieceFile("domicile", "facture.pdf", "application/pdf", b"%PDF-1.7\n garbage"), "fichier_illisible"),
        (PieceFile("domicile", "facture.png", "image/png", png_bytes()[:40]), "fichier_illisible"),
        (PieceFile("avis", "x.jpg", "image/jpeg", jpeg_bytes()), "piece_inconnue"),
    ],
)
def test_file_refusals(ants, piece, code):
    pieces = [PieceFile("identite", "cni.jpg", "image/jpeg", jpeg_bytes())]
    if piece.piece_id != "domicile":
        pieces.append(PieceFile("domicile", "f.jpg", "image/jpeg", jpeg_bytes()))
    response = ants.submit(ants.dossier(), pieces + [piece])
    assert response.status_code == 422
    assert erreurs_of(response) == [(f"pieces.{piece.piece_id}", code)]


def test_octet_stream_is_judged_by_its_bytes(ants):
    pieces = [
        PieceFile("identite", "scan", "application/octet-stream", tiff_bytes(2)),
        PieceFile("domicile", "scan.bmp", "", _bmp()),
    ]
    assert ants.submit(ants.dossier(), pieces).status_code == 201


def _bmp() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (30, 20), (1, 2, 3)).save(out, "BMP")
    return out.getvalue()


def test_too_many_pages(ants):
    pieces = [
        PieceFile("identite", "cni.pdf", "application/pdf", pdf_bytes(3)),
        PieceFile("domicile", "a.pdf", "application/pdf", pdf_bytes(3)),
        PieceFile("domicile", "b.pdf", "application/pdf", pdf_bytes(3)),
        PieceFile("recepisse_vol", "r.tiff", "image/tiff", tiff_bytes(2)),
    ]
    response = ants.submit(ants.dossier(motif="vol"), pieces)
    assert erreurs_of(response) == [
        ("pieces.identite", "trop_de_pages"),
        ("pieces.domicile", "trop_de_pages"),
        ("pieces.recepisse_vol", "trop_de_pages"),
    ]
    assert (
        response.json()["detail"]["erreurs"][1]["message"]
        == "La pièce « justificatif de domicile » compte 6 pages ; 5 au plus."
    )


def test_several_files_for_one_piece_within_the_limit(ants):
    pieces = [
        PieceFile("identite", "recto.jpg", "image/jpeg", jpeg_bytes()),
        PieceFile("identite", "verso.jpg", "image/jpeg", jpeg_bytes()),
        PieceFile("domicile", "a.pdf", "application/pdf", pdf_bytes(5)),
    ]
    assert ants.submit(ants.dossier(), pieces).status_code == 201


# -- malformed requests: always a 4xx with a code, never a 500 ----------------


def _post(ants, **kwargs):
    headers = kwargs.pop("headers", {})
    headers["Authorization"] = f"Bearer {ants.token()}"
    return requests.post(ants.url + "/api/v1/demandes", headers=headers, timeout=10, **kwargs)


def test_malformed_multipart_is_400(ants):
    response = _post(
        ants,
        data=b"--xyz\r\nContent-Disposition: form-data\r\n\r\n{}\r\n--xyz--\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert response.status_code == 400
    assert response.json()["detail"]["code"] == "multipart_invalide"


def test_truncated_multipart_is_400(ants):
    response = _post(
        ants,
        data=b'--xyz\r\nContent-Disposition: form-data; name="dossier"\r\n\r\n{',
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert response.status_code == 400
    assert response.json()["detail"]["code"] == "dossier_manquant"


def test_multipart_without_boundary_is_400(ants):
    response = _post(ants, data=b"garbage", headers={"Content-Type": "multipart/form-data"})
    assert response.status_code == 400
    assert response.json()["detail"]["code"] == "multipart_invalide"


def test_json_body_instead_of_multipart_is_415(ants):
    response = _post(ants, json={"procedure": "permis-perte"})
    assert response.status_code == 415
    assert response.json()["detail"]["code"] == "type_contenu_invalide"


def test_missing_dossier_field_is_400(ants):
    response = _post(ants, files=[("piece:identite", ("a.jpg", jpeg_bytes(), "image/jpeg"))])
    assert response.status_code == 400
    assert response.json()["detail"]["code"] == "dossier_manquant"


@pytest.mark.parametrize("raw", ["{not json", "", "[" * 100000])
def test_malformed_dossier_json_is_400(ants, raw):
    response = ants.submit(None, raw_dossier=raw)
    assert response.status_code == 400
    assert response.json()["detail"]["code"] == "json_invalide"


def test_invalid_utf8_in_dossier_is_replaced_then_refused(ants):
    response = ants.submit(None, pieces=[], raw_dossier=b'{"procedure": "permis-perte", "motif": "\xff\xfe"}')
    assert response.status_code == 422
    assert ("motif", "motif_invalide") in erreurs_of(response)


def test_unknown_procedure_is_the_only_reason_given(ants):
    response = ants.submit(None, pieces=[], raw_dossier='{"procedure": "permis-bateau", "motif": "x"}')
    assert erreurs_of(response) == [("procedure", "procedure_inconnue")]


def test_dossier_that_is_not_an_object_is_422(ants):
    response = ants.submit(None, raw_dossier="[1, 2]")
    assert response.status_code == 422
    assert erreurs_of(response) == [("dossier", "type_invalide")]


def test_wrong_types_are_field_errors(ants):
    dossier = ants.dossier()
    dossier["etat_civil"] = {"nom_naissance": 42, "sexe": "F", "prenoms": "Marie", "date_naissance": 19800517}
    dossier["adresse"] = "12 rue des Lilas"
    dossier["contact"]["email"] = ["a@b.fr"]
    dossier["photo"] = None
    response = ants.submit(dossier)
    assert response.status_code == 422
    assert erreurs_of(response) == [
        ("etat_civil.nom_naissance", "type_invalide"),
        ("etat_civil.prenoms", "type_invalide"),
        ("etat_civil.date_naissance", "format_invalide"),
        ("adresse", "type_invalide"),
        ("contact.email", "type_invalide"),
        ("photo", "champ_requis"),
    ]


def test_a_piece_sent_as_plain_text_field(ants):
    response = _post(
        ants,
        data={"dossier": json.dumps(ants.dossier()), "piece:domicile": "not a file"},
        files=[("piece:identite", ("a.jpg", jpeg_bytes(), "image/jpeg"))],
    )
    assert response.status_code == 422
    assert erreurs_of(response) == [("pieces.domicile", "fichier_manquant")]


def test_unknown_demande_is_404(ants):
    response = requests.get(ants.url + "/api/v1/demandes/PC2099NOPE", timeout=5)
    assert response.status_code == 404
    assert response.json()["detail"]["code"] == "demande_inconnue"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)
dossier_like = st.fixed_dictionaries(
    {},
    optional={
        "procedure": st.sampled_from(["permis-perte", "x"]) | json_values,
        "motif": st.sampled_from(["perte", "vol", "deterioration"]) | json_values,
        "etat_civil": st.dictionaries(
            st.sampled_from(["nom_naissance", "nom_usage", "sexe", "prenoms", "date_naissance"]), json_values
        )
        | json_values,
        "adresse": st.dictionaries(
            st.sampled_from(["numero", "extension", "code_postal", "commune", "nom_voie"]), json_values
        )
        | json_values,
        "contact": st.dictionaries(st.sampled_from(["email", "mobile"]), json_values) | json_values,
        "photo": st.dictionaries(st.just("code"), json_values) | json_values,
        "paiement": st.dictionaries(st.just("timbre"), json_values) | json_values,
        "attestation_honneur": json_values,
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dossier=dossier_like | json_values)
def test_any_json_dossier_gets_a_coded_4xx_never_a_500(ants, dossier):
    response = ants.submit(None, pieces=[], raw_dossier=json.dumps(dossier))
    assert response.status_code in (400, 422), response.text
    assert isinstance(response.json()["detail"]["code"], str)


def test_concurrent_submissions_of_one_dossier_create_exactly_one_demande(ants):
    from concurrent.futures import ThreadPoolExecutor

    dossier = ants.dossier()
    tokens = [ants.token() for _ in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(lambda token: ants.submit(dossier, token=token), tokens))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 422, 422, 422, 422, 422]
    for response in responses:
        if response.status_code == 422:
            assert {code for _, code in erreurs_of(response)} <= {"code_deja_utilise", "timbre_deja_utilise"}
