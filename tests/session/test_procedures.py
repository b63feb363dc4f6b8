"""The bundled catalogue against the mock's procedures, the condition
language, the new step kinds (guidance, suivi, complement, connexion)."""

import datetime as dt

import pytest

from ants.mock.procedures import PIECES as MOCK_PIECES
from ants.mock.procedures import all_procedures
from ants.mock.settings import MockSettings
from session import Catalogue, CatalogueError, Wizard, load_procedure
from session.catalogue import STEP_KINDS, parse_procedure
from session.guidance import build as build_guidance

TODAY = dt.date(2026, 11, 22)
CATALOGUE = Catalogue.load()


def wizard(procedure_id: str) -> Wizard:
    return Wizard(CATALOGUE[procedure_id], today=lambda: TODAY)


# --- the catalogue against the mock ---------------------------------------------
def test_every_procedure_of_the_mock_is_guided():
    online = {p.ants_procedure for p in CATALOGUE if p.online}
    assert online == {p.id for p in all_procedures()}


@pytest.mark.parametrize("procedure", list(CATALOGUE), ids=lambda p: p.id)
def test_every_procedure_is_ready_for_the_chooser(procedure):
    assert procedure.group in {g for g, _ in Catalogue.GROUPS}
    assert procedure.title and procedure.summary.endswith(".") and len(procedure.summary) < 140
    assert procedure.checklist and all(item.endswith(".") for item in procedure.checklist)
    kinds = [s.kind for s in procedure.steps]
    assert set(kinds) <= set(STEP_KINDS)
    if procedure.online:  # a demande: récapitulatif then confirmation
        assert kinds.index("recap") < kinds.index("confirmation")
    else:  # never a dead end: guidance, or a suivi
        assert {"guidance", "suivi"} & set(kinds)


@pytest.mark.parametrize("procedure", [p for p in CATALOGUE if p.online], ids=lambda p: p.id)
def test_pieces_and_motifs_are_the_mocks(procedure):
    mock = {p.id: p for p in all_procedures()}[procedure.ants_procedure]
    limits = MockSettings().page_limits
    for step in procedure.steps:
        for piece in step.pieces:
            assert piece.id in MOCK_PIECES
            assert piece.max_pages == limits[piece.id]
    if mock.motifs:
        assert {v for v, _ in procedure.field("motif").choices} == set(mock.motifs)
    assert any(f.key == "photo.code" for s in procedure.steps for f in s.fields) == mock.photo


def test_groups_list_the_most_asked_first():
    assert [p.id for p in CATALOGUE.in_group("permis")][:3] == ["permis-perte", "permis-inscription", "permis-examen"]
    assert [p.id for p in CATALOGUE.in_group("suivi")] == ["suivi-demande"]


# --- the condition language ----------------------------------------------------------
def inscription_pieces(date_naissance: str, premiere: str, francais: str = "oui", categorie: str = "B") -> list[str]:
    w = wizard("permis-inscription")
    w.values.update(
        categorie=categorie, premiere_categorie=premiere, nationalite_francaise=francais, date_naissance=date_naissance
    )
    return [
        p.id
        for p in w.active_steps()[[s.id for s in w.active_steps()].index("pieces")].pieces
        if p.applies(w.values, TODAY)
    ]


@pytest.mark.parametrize(
    "born, premiere, francais, categorie, expected",
    [
        ("2005-11-23", "oui", "oui", "B", ["identite", "domicile", "assr", "jdc"]),  # 20 years old
        ("2005-11-22", "oui", "oui", "B", ["identite", "domicile", "jdc"]),  # 21 today: no ASSR
        ("2005-11-23", "non", "oui", "B", ["identite", "domicile", "jdc"]),  # not a first catégorie
        ("2001-11-23", "oui", "oui", "B", ["identite", "domicile", "jdc"]),  # 24: still the JDC
        ("2001-11-22", "oui", "oui", "B", ["identite", "domicile"]),  # 25 today: no JDC
        ("2010-01-01", "oui", "oui", "B", ["identite", "domicile", "assr"]),  # 16: too young for JDC
        ("1990-01-01", "oui", "non", "C", ["identite", "domicile", "titre_sejour", "avis_medical"]),
    ],
)
def test_first_category_under_21_asks_for_the_assr(born, premiere, francais, categorie, expected):
    assert inscription_pieces(born, premiere, francais, categorie) == expected


def test_a_step_appears_with_an_age_and_disappears_with_another():
    w = wizard("permis-inscription")
    w.values.update(categorie="B", premiere_categorie="oui", nationalite_francaise="oui", date_naissance="2011-01-01")
    assert "apprentissage" in [s.id for s in w.active_steps()]
    w.values["date_naissance"] = "2000-01-01"
    assert "apprentissage" not in [s.id for s in w.active_steps()]


def test_current_step_that_stops_applying_lands_on_the_next_one():
    w = wizard("permis-inscription")
    assert w.next({"categorie": "B", "premiere_categorie": "non", "nationalite_francaise": "oui"})
    assert w.current.id == "permis-actuel"
    w.values["premiere_categorie"] = "oui"  # changed from the récapitulatif, say
    assert w.current.id == "etat-civil"


def test_departement_and_plate_conditions():
    w = wizard("permis-international")
    steps = lambda: [s for s in w.active_steps() if s.kind == "guidance"]  # noqa: E731
    w.values["code_postal"] = "75011"
    g = build_guidance(steps(), w.values, numero="PC2026X", delivre={"envoi_avant": "2027-01-21"}, today=TODAY)
    assert g.address == (
        "Préfecture de police de Paris",
        "DPG/SDCLP/CREPIC",
        "1 bis rue de Lutèce",
        "75195 PARIS CEDEX 04",
    )
    assert g.sections[0].heading == "À envoyer avant le 21/01/2027"
    w.values["code_postal"] = "20000"
    g = build_guidance(steps(), w.values, numero="PC2026X", delivre={}, today=TODAY)
    assert g.address[-1] == "44035 NANTES CEDEX 1"
    assert g.sections[0].heading == "À envoyer avant le (demandez au médiateur)"

    adresse = wizard("cg-changement-adresse")
    adresse.values["immatriculation"] = "123 ABC 75"
    assert "paiement" in [s.id for s in adresse.active_steps()]
    adresse.values["immatriculation"] = "AB-123-CD"
    assert "paiement" not in [s.id for s in adresse.active_steps()]


def test_a_field_required_only_when_the_plate_is_siv():
    w = wizard("cg-duplicata")
    assert w.next({"motif": "perte"})
    assert w.next({"immatriculation": "123 abc 75", "code_confidentiel": ""})
    w.back()
    assert not w.next({"immatriculation": "ab-123-cd", "code_confidentiel": ""})
    assert w.errors == {"code_confidentiel": "Ce champ est obligatoire. Merci de le remplir."}


def test_vol_shows_the_police_notice_on_the_motif_step():
    w = wizard("permis-perte")
    assert w.view().notices == ()
    w.set_values({"motif": "vol"})
    assert w.view().notices[0].startswith("Un vol se déclare d'abord au commissariat ou à la gendarmerie.")
    w.set_values({"motif": "perte"})
    assert "attestation de perte" in w.view().notices[0]


def test_dossier_converts_yes_no_lists_and_numbers_and_omits_local_fields():
    w = wizard("permis-echange")
    assert w.next({"pays": "autre", "permis_en_francais": "oui", "categories": "c b", "nationalite_ue": "non"})
    assert w.current.id == "autre-pays"
    assert w.next({"pays_code": "ht"})
    d = w.dossier()
    assert d["pays_delivrance"] == "HT" and d["permis_en_francais"] is True and d["nationalite_ue"] is False
    assert d["categories"] == ["B", "C"]
    cession = wizard("cg-cession")
    cession.values.update(
        immatriculation="AB-123-CD",
        vehicule_ancien="oui",
        kilometrage="45000",
        acheteur="particulier",
        acquereur_nom="Bernard",
    )
    d = cession.dossier()
    assert d["kilometrage"] == 45000 and "vehicule_ancien" not in str(d) and "acheteur" not in d
    assert d["acquereur"] == {"nom": "Bernard", "prenom": ""}  # required and empty: the server says so


CONDITIONS_FILE = """
id = "essai-conditions"
group = "permis"
title = "Essai"
summary = "Un essai."
checklist = ["Rien."]
[[steps]]
id = "un"
title = "Un"
kind = "form"
  [[steps.fields]]
  id = "date_naissance"
  label = "Date"
  kind = "date"
  [[steps.fields]]
  id = "motif"
  label = "Motif"
  kind = "choice"
  choices = [["a", "A"], ["b", "B"]]
[[steps]]
id = "jeune-ou-b"
title = "Deux"
kind = "form"
when = { any = [ { age_below = { field = "date_naissance", years = 18 } }, { motif = ["b"] } ] }
[[steps]]
id = "pas-a"
title = "Trois"
kind = "form"
when = { not = { motif = ["a"] } }
[[steps]]
id = "fin"
title = "Fin"
kind = "guidance"
  [[steps.guidance]]
  heading = "Fin pour {motif}"
"""


def test_any_and_not_in_a_new_procedure_file(tmp_path):
    (tmp_path / "essai.toml").write_text(CONDITIONS_FILE)
    procedure = Catalogue.load(tmp_path)["essai-conditions"]
    w = Wizard(procedure, today=lambda: TODAY)
    ids = lambda: [s.id for s in w.active_steps()]  # noqa: E731
    assert ids() == ["un", "pas-a", "fin"]  # nothing answered: "not" holds, "any" does not
    w.values.update(date_naissance="2015-01-01", motif="a")
    assert ids() == ["un", "jeune-ou-b", "fin"]
    w.values.update(date_naissance="1980-01-01", motif="b")
    assert ids() == ["un", "jeune-ou-b", "pas-a", "fin"]


@pytest.mark.parametrize(
    "change, complaint",
    [
        ('when = { motiff = ["a"] }', "la condition nomme un champ qui n'existe pas"),
        ('when = { age_below = { field = "date_naissance" } }', "years = 21"),
        ("when = { any = [] }", "une liste de tables"),
        ("when = { motif = [1] }", "les valeurs d'une condition sont du texte"),
    ],
)
def test_a_bad_condition_names_file_key_and_value(tmp_path, change, complaint):
    bad = tmp_path / "bad.toml"
    bad.write_text(CONDITIONS_FILE.replace('when = { not = { motif = ["a"] } }', change))
    with pytest.raises(CatalogueError) as exc:
        load_procedure(bad)
    assert str(bad) in str(exc.value) and complaint in str(exc.value)


def test_a_field_cannot_depend_on_a_field_of_its_own_step():
    data = {
        "id": "x",
        "group": "permis",
        "title": "X",
        "steps": [
            {
                "id": "a",
                "title": "A",
                "kind": "form",
                "fields": [
                    {"id": "motif", "label": "M", "kind": "choice", "choices": [["a", "A"]]},
                    {"id": "detail", "label": "D", "kind": "text", "when": {"motif": ["a"]}},
                ],
            }
        ],
    }
    with pytest.raises(CatalogueError, match="required_when"):
        parse_procedure(data, "x.toml")


def test_steps_shared_by_procedures_can_be_changed_where_used():
    cni = CATALOGUE["cni-predemande"]
    assert cni.field("date_naissance").options["min_age"] == 0
    assert CATALOGUE["permis-perte"].field("date_naissance").options["min_age"] == 15
    data = {
        "id": "x",
        "group": "permis",
        "title": "X",
        "steps": [{"use": "etat-civil", "set": {"inconnu": {"required": False}}}],
    }
    with pytest.raises(CatalogueError, match="champ absent du bloc"):
        parse_procedure(data, "x.toml")


# --- suivi, complement, connexion, guidance ------------------------------------------------
def test_suivi_moves_on_only_after_a_lookup_and_to_the_complement_only_when_asked():
    w = wizard("suivi-demande")
    assert [s.kind for s in w.active_steps()] == ["suivi"]
    assert not w.next({"numero": "PC2026ABCDEFGH"})
    w.lookup = {"statut": "complement_demande"}
    w.values["statut"] = "complement_demande"
    from session.suivi import pieces_asked

    w.complement_pieces = pieces_asked(["domicile"])
    assert w.next({"numero": "PC2026ABCDEFGH"})
    view = w.view()
    assert view.step.kind == "complement"
    assert [(p.id, p.label) for p in view.pieces] == [("domicile", "Justificatif de domicile de moins de 6 mois")]
    assert not w.next()  # nothing scanned yet
    w.pages = {"domicile": 1}
    assert w.step_complete()


def test_connexion_step_waits_for_the_login():
    w = wizard("cg-changement-titulaire")
    assert w.current.kind == "connexion"
    assert not w.next()
    w.connected = True
    assert w.next() and w.current.id == "vehicule"


def test_suivi_describes_statut_and_history_in_plain_french():
    from session.suivi import describe

    d = describe(
        {
            "numero": "PC2026ABCD",
            "procedure": "permis-perte",
            "motif": "vol",
            "statut": "complement_demande",
            "cree_le": "2026-11-02T09:15:00+00:00",
            "historique": [
                {
                    "statut": "en_instruction",
                    "date": "2026-11-02T09:15:00+00:00",
                    "commentaire": "Demande transmise au service instructeur.",
                },
                {
                    "statut": "complement_demande",
                    "date": "2026-11-10T14:00:00+00:00",
                    "commentaire": "Demande suspendue : justificatif illisible",
                },
            ],
            "complement": {"message": "Justificatif illisible", "pieces": ["domicile"]},
        }
    )
    assert d["procedure_title"] == "Permis perdu, volé ou abîmé"
    assert d["statut_label"] == "Un document vous est demandé"
    assert d["next"] == "Scannez le document demandé : la demande continuera ensuite."
    assert [(e["label"], e["date"]) for e in d["historique"]] == [
        ("En cours d'examen par l'administration", "02/11/2026"),
        ("Un document vous est demandé", "10/11/2026"),
    ]
    assert d["complement"] == {
        "message": "Justificatif illisible",
        "pieces": [{"id": "domicile", "label": "Justificatif de domicile de moins de 6 mois"}],
    }


def test_a_procedure_done_by_post_is_guidance_with_the_prefecture_of_the_departement():
    w = wizard("permis-releve")
    assert w.next({"code_postal": "20200"})
    view = w.view()
    assert view.step.kind == "guidance" and view.indicator == "Étape 2 sur 2 — Écrire à la préfecture"
    g = build_guidance(w.active_steps(), w.values, numero=None, delivre={}, today=TODAY)
    assert g.address[0] == "Préfecture du département 2B"
    assert g.as_dict()["title"] == "Écrire à la préfecture"
    assert w.dossier() == {"procedure": "permis-releve"}  # nothing to send


def test_mariage_ends_in_guidance_not_in_a_demande():
    w = wizard("permis-etat-civil")
    assert len(w.active_steps()) == 8
    assert w.next({"nature": "mariage"})
    assert w.current.kind == "guidance" and w.view().total == 2


def test_pause_resume_keeps_the_step_and_values():
    seen = []
    w = Wizard(CATALOGUE["permis-perte"], on_change=lambda wz: seen.append(wz.paused), today=lambda: TODAY)
    w.next({"motif": "vol"})
    w.pause()
    w.resume()
    assert seen[-2:] == [True, False] and w.current.id == "etat-civil" and w.values["motif"] == "vol"
    w.abandon()
    assert w.abandoned and w.values == {} and w.current.id == "motif"
