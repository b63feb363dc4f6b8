"""Every permis procedure over HTTP: its happy path and its main refusals."""

from __future__ import annotations

import re

import pytest
import requests

from ants_builders import days_ago, erreurs_of, pieces, years_ago


def created(response) -> dict:
    assert response.status_code == 201, response.text
    return response.json()


# -- inscription ------------------------------------------------------------------------


def test_inscription_primo_assigns_a_neph_that_the_examen_then_accepts(proc):
    dossier = proc.permis("permis-inscription", categorie="B", premiere_categorie=True, nationalite_francaise=True)
    dossier["etat_civil"]["date_naissance"] = years_ago(18)
    body = created(proc.submit(dossier, pieces("identite", "domicile", "assr", "jdc")))
    assert body["statut"] == "en_instruction" and body["frais"] == 0.0
    neph = body["delivre"]["neph"]
    assert re.fullmatch(r"\d{12}", neph)

    examen = proc.permis("permis-examen", neph=neph, categorie="B", date_examen=days_ago(10))
    examen["etat_civil"]["date_naissance"] = years_ago(18)
    assert created(proc.submit(examen, pieces("identite", "domicile", "cepc")))["procedure"] == "permis-examen"


@pytest.mark.parametrize(
    "age, francais, categorie, expected_missing",
    [
        (18, True, "B", ["assr", "jdc"]),  # under 21 and first category; French under 25
        (30, True, "B", []),
        (22, True, "B", ["jdc"]),
        (19, False, "B", ["assr", "titre_sejour"]),
        (30, True, "C", ["avis_medical"]),
    ],
)
def test_inscription_pieces_depend_on_the_situation(proc, age, francais, categorie, expected_missing):
    dossier = proc.permis(
        "permis-inscription", categorie=categorie, premiere_categorie=True, nationalite_francaise=francais
    )
    dossier["etat_civil"]["date_naissance"] = years_ago(age)
    response = proc.submit(dossier, pieces("identite", "domicile"))
    if not expected_missing:
        assert response.status_code == 201, response.text
    else:
        assert erreurs_of(response) == [(f"pieces.{p}", "piece_manquante") for p in expected_missing]


def test_inscription_extension_needs_a_known_neph_of_the_same_person(proc):
    dossier = proc.permis("permis-inscription", categorie="A2", premiere_categorie=False, nationalite_francaise=True)
    assert erreurs_of(proc.submit(dossier, pieces("identite", "domicile"))) == [("neph", "champ_requis")]
    dossier["neph"] = "999999999999"
    assert erreurs_of(proc.submit(dossier, pieces("identite", "domicile"))) == [("neph", "neph_inconnu")]
    dossier["neph"] = proc.neph(nom="MARTIN")
    assert erreurs_of(proc.submit(dossier, pieces("identite", "domicile"))) == [("neph", "neph_incoherent")]
    dossier["neph"] = proc.neph()
    body = created(proc.submit(dossier, pieces("identite", "domicile")))  # 40 years old: no ASSR
    assert body["delivre"] == {"neph": dossier["neph"]}


def test_inscription_at_15_needs_the_apprentissage_anticipe(proc):
    dossier = proc.permis("permis-inscription", categorie="B", premiere_categorie=True, nationalite_francaise=True)
    dossier["etat_civil"]["date_naissance"] = years_ago(15, days=10)
    files = pieces("identite", "domicile", "assr")
    assert erreurs_of(proc.submit(dossier, files)) == [("etat_civil.date_naissance", "age_insuffisant")]
    dossier["aac"] = True
    created(proc.submit(dossier, files))


# -- examen ------------------------------------------------------------------------------


def test_examen_cepc_older_than_4_months_is_refused(proc):
    dossier = proc.permis("permis-examen", neph=proc.neph(), categorie="B", date_examen=days_ago(130))
    assert erreurs_of(proc.submit(dossier, pieces("identite", "domicile"))) == [
        ("date_examen", "cepc_expire"),
        ("pieces.cepc", "piece_manquante"),
    ]


# -- perte / vol / détérioration (permis-perte) ---------------------------------------------


@pytest.mark.parametrize("motif, extra", [("perte", []), ("vol", ["recepisse_vol"]), ("deterioration", [])])
def test_duplicata_each_motif(proc, motif, extra):
    dossier = proc.permis("permis-perte", motif=motif, paiement={"timbre": proc.buy("permis-perte", motif)})
    body = created(proc.submit(dossier, pieces("identite", "domicile", *extra)))
    assert (body["frais"], body["statut"]) == (25.0, "en_instruction")


def test_duplicata_accepts_an_avis_medical_for_heavy_categories(proc):
    dossier = proc.permis(
        "permis-perte", motif="perte", categories=["B", "C"], paiement={"timbre": proc.buy("permis-perte", "perte")}
    )
    created(proc.submit(dossier, pieces("identite", "domicile", "avis_medical")))


def test_duplicata_refuses_a_piece_of_another_procedure(proc):
    dossier = proc.permis("permis-perte", motif="perte", paiement={"timbre": proc.buy("permis-perte", "perte")})
    assert erreurs_of(proc.submit(dossier, pieces("identite", "domicile", "cepc"))) == [
        ("pieces.cepc", "piece_inconnue")
    ]


# -- fin de validité, état civil, militaire, diplôme pro ---------------------------------------


def test_fin_validite_always_needs_the_avis_medical(proc):
    dossier = proc.permis("permis-fin-validite", neph=proc.neph(), categories=["C", "CE"])
    assert erreurs_of(proc.submit(dossier, pieces("identite", "domicile"))) == [
        ("pieces.avis_medical", "piece_manquante")
    ]
    created(proc.submit(dossier, pieces("identite", "domicile", "avis_medical")))


def test_etat_civil_name_change_and_marriage_refused(proc):
    neph = proc.neph(nom="DURAND")
    dossier = proc.permis("permis-etat-civil", neph=neph, nature="nom", ancien_nom="DURAND")
    files = pieces("identite", "domicile", "justificatif_etat_civil")
    created(proc.submit(dossier, files))  # new birth name DUPONT, NEPH of DURAND: fine
    dossier = proc.permis("permis-etat-civil", neph=neph, nature="mariage")
    response = proc.submit(dossier, files)
    assert erreurs_of(response) == [("nature", "demarche_inutile")]
    assert (
        response.json()["detail"]["erreurs"][0]["message"]
        == "Un mariage ne change pas le permis : seul le nom de naissance y figure."
    )


@pytest.mark.parametrize(
    "age, categories, needed",
    [(30, ["B"], []), (30, ["C"], ["avis_medical"]), (20, ["D"], ["avis_medical", "attestation_formation"])],
)
def test_militaire(proc, age, categories, needed):
    dossier = proc.permis("permis-militaire", categories=categories)
    dossier["etat_civil"]["date_naissance"] = years_ago(age)
    if needed:
        response = proc.submit(dossier, pieces("identite", "domicile", "volet_conversion"))
        assert erreurs_of(response) == [(f"pieces.{p}", "piece_manquante") for p in needed]
    created(proc.submit(dossier, pieces("identite", "domicile", "volet_conversion", *needed)))


def test_diplome_pro(proc):
    dossier = proc.permis("permis-diplome-pro", categories=["C"], intitule_diplome="CAP conducteur routier")
    assert erreurs_of(proc.submit(dossier, pieces("identite", "domicile", "diplome_pro"))) == [
        ("pieces.avis_medical", "piece_manquante")
    ]
    created(proc.submit(dossier, pieces("identite", "domicile", "diplome_pro", "avis_medical")))


# -- retour après annulation / invalidation / suspension ----------------------------------------


def test_retour_after_invalidation_waits_6_months_and_needs_the_exam(proc):
    files = pieces("identite", "domicile", "avis_medical", "decision", "cepc")
    early = proc.permis(
        "permis-retour", motif="invalidation", neph=proc.neph(), date_decision=days_ago(100), date_examen=days_ago(10)
    )
    assert erreurs_of(proc.submit(early, files)) == [("date_decision", "delai_non_ecoule")]
    ok = proc.permis(
        "permis-retour", motif="invalidation", neph=proc.neph(), date_decision=days_ago(200), date_examen=days_ago(10)
    )
    created(proc.submit(ok, files))
    no_exam = proc.permis("permis-retour", motif="annulation", neph=proc.neph(), date_decision=days_ago(400))
    assert erreurs_of(proc.submit(no_exam, pieces("identite", "domicile", "avis_medical", "decision"))) == [
        ("date_examen", "champ_requis"),
        ("pieces.cepc", "piece_manquante"),
    ]


def test_retour_after_suspension_only_once_it_ended(proc):
    files = pieces("identite", "domicile", "avis_medical", "decision")
    running = proc.permis(
        "permis-retour",
        motif="suspension",
        neph=proc.neph(),
        date_decision=days_ago(30),
        date_fin_suspension=days_ago(-10),
    )
    assert erreurs_of(proc.submit(running, files)) == [("date_fin_suspension", "suspension_en_cours")]
    ended = proc.permis(
        "permis-retour",
        motif="suspension",
        neph=proc.neph(),
        date_decision=days_ago(90),
        date_fin_suspension=days_ago(1),
    )
    created(proc.submit(ended, files))


# -- échange, international -----------------------------------------------------------------------


def test_echange_needs_translations_and_titre_de_sejour_then_originals_by_post(proc):
    dossier = proc.permis(
        "permis-echange",
        pays_delivrance="MA",
        nationalite_ue=False,
        categories=["B"],
        pieces_dates={"attestation_droits": days_ago(20), "domicile": days_ago(20)},
    )
    response = proc.submit(dossier, pieces("identite", "domicile", "permis_etranger", "attestation_droits"))
    assert erreurs_of(response) == [
        ("pieces.traduction_permis", "piece_manquante"),
        ("pieces.traduction_attestation", "piece_manquante"),
        ("pieces.titre_sejour", "piece_manquante"),
    ]
    body = created(
        proc.submit(
            dossier,
            pieces(
                "identite",
                "domicile",
                "permis_etranger",
                "attestation_droits",
                "traduction_permis",
                "traduction_attestation",
                "titre_sejour",
            ),
        )
    )
    assert body["delivre"]["envoi_originaux"]["adresse"].startswith("6 quai Ceineray")
    historique = requests.get(f"{proc.url}/api/v1/demandes/{body['numero']}", timeout=5).json()["historique"]
    assert "CERT de Nantes" in historique[0]["commentaire"]


def test_echange_attestation_des_droits_older_than_3_months(proc):
    dossier = proc.permis(
        "permis-echange",
        pays_delivrance="be",
        nationalite_ue=True,
        permis_en_francais=True,
        categories=["B"],
        pieces_dates={"attestation_droits": days_ago(100)},
    )
    response = proc.submit(dossier, pieces("identite", "domicile", "permis_etranger", "attestation_droits"))
    assert erreurs_of(response) == [("pieces_dates.attestation_droits", "piece_trop_ancienne")]


def test_international_has_no_photo_code_and_a_2_month_posting_deadline(proc):
    from datetime import date, timedelta

    dossier = proc.permis("permis-international", photo=False)
    body = created(proc.submit(dossier, pieces("identite", "domicile")))
    assert body["delivre"]["envoi_avant"] == (date.today() + timedelta(days=60)).isoformat()


def test_international_overdue_rule():
    from datetime import date

    from ants.mock.routes_demandes import international_overdue

    demande = {
        "procedure": "permis-international",
        "statut": "en_instruction",
        "delivre": {"envoi_avant": "2024-03-01"},
    }
    assert international_overdue(demande, date(2024, 3, 2)) is True
    assert international_overdue(demande, date(2024, 3, 1)) is False
    assert international_overdue({**demande, "statut": "validee"}, date(2025, 1, 1)) is False


# -- documents too old -----------------------------------------------------------------------


def test_domicile_older_than_6_months_is_refused_with_its_date(proc):
    dossier = proc.permis(
        "permis-perte",
        motif="perte",
        paiement={"timbre": proc.buy("permis-perte", "perte")},
        pieces_dates={"domicile": "2020-01-15"},
    )
    response = proc.submit(dossier, pieces("identite", "domicile"))
    assert erreurs_of(response) == [("pieces_dates.domicile", "piece_trop_ancienne")]
    assert (
        response.json()["detail"]["erreurs"][0]["message"]
        == "Le document « justificatif de domicile » date du 15/01/2020 : il doit avoir moins de 6 mois."
    )
    dossier["pieces_dates"] = {"domicile": days_ago(30)}
    created(proc.submit(dossier, pieces("identite", "domicile")))


@pytest.mark.parametrize(
    "dates, expected",
    [
        ("2024-01-01", [("pieces_dates", "type_invalide")]),
        ({"domicile": "01/02/2024"}, [("pieces_dates.domicile", "format_invalide")]),
        ({"domicile": days_ago(-3)}, [("pieces_dates.domicile", "date_future")]),
    ],
)
def test_malformed_piece_dates(proc, dates, expected):
    dossier = proc.permis("permis-fin-validite", neph=proc.neph(), categories=["B"], pieces_dates=dates)
    assert erreurs_of(proc.submit(dossier, pieces("identite", "domicile", "avis_medical"))) == expected
