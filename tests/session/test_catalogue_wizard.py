import textwrap

import pytest

from session import Catalogue, CatalogueError, Wizard, load_procedure


@pytest.fixture
def perte():
    return Catalogue.load()["permis-perte"]


def test_permis_perte_has_the_eight_steps_of_the_ants_flow(perte):
    assert [s.title for s in perte.steps] == [
        "Motif de la demande",
        "État civil",
        "Adresse et contact",
        "Photo et signature",
        "Pièces justificatives",
        "Paiement",
        "Récapitulatif",
        "Confirmation",
    ]


def test_adding_a_procedure_is_adding_a_file(tmp_path):
    (tmp_path / "essai.toml").write_text(
        textwrap.dedent("""
        id = "essai"
        group = "suivi"
        title = "Essai"
        [[steps]]
        id = "un"
        title = "Un"
        kind = "form"
          [[steps.fields]]
          id = "nom"
          label = "Nom"
          kind = "name"
        [[steps]]
        id = "fin"
        title = "Fin"
        kind = "confirmation"
    """)
    )
    catalogue = Catalogue.load(tmp_path)
    assert "essai" in catalogue and "permis-perte" in catalogue
    assert "essai" in [p.id for p in catalogue.in_group("suivi")]


def test_a_bad_procedure_file_names_file_key_and_value(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\ngroup = "permis"\ntitle = "X"\n[[steps]]\nid = "a"\ntitle = "A"\nkind = "formulaire"\n')
    with pytest.raises(CatalogueError) as exc:
        load_procedure(bad)
    assert str(bad) in str(exc.value) and "steps[0].kind" in str(exc.value) and "'formulaire'" in str(exc.value)


def fill_to_pieces(w: Wizard, motif="perte"):
    assert w.next({"motif": motif})
    assert w.next(
        {"nom_naissance": "Dupont", "sexe": "F", "prenom1": "Marie", "prenom2": "", "date_naissance": "17/05/1980"}
    )
    assert w.next(
        {
            "numero_voie": "12",
            "nom_voie": "rue des Lilas",
            "complement": "",
            "code_postal": "75011",
            "commune": "Paris",
            "email": "marie@exemple.fr",
            "mobile": "",
        }
    )
    assert w.next({"code_photo": "A" * 22})


def test_forward_back_and_values_kept(perte):
    w = Wizard(perte)
    fill_to_pieces(w)
    assert w.view().indicator == "Étape 5 sur 8 — Pièces justificatives"
    assert not w.next()  # no pièce scanned yet
    assert [p.id for p in w.missing_pieces()] == ["identite", "domicile"]
    w.back()
    w.back()
    assert w.current.id == "adresse" and w.values["commune"] == "Paris"


def test_errors_keep_what_was_typed(perte):
    w = Wizard(perte)
    w.next({"motif": "perte"})
    assert not w.next(
        {"nom_naissance": "Dupont", "sexe": "F", "prenom1": "Marie", "prenom2": "", "date_naissance": "31/02/1980"}
    )
    assert w.current.id == "etat-civil"
    assert w.errors == {"date_naissance": "Cette date n'existe pas. Vérifiez le jour et le mois."}
    assert w.values["date_naissance"] == "31/02/1980" and w.values["nom_naissance"] == "Dupont"


def test_vol_asks_for_the_recepisse(perte):
    w = Wizard(perte)
    fill_to_pieces(w, motif="vol")
    assert [p.id for p in w.view().pieces] == ["identite", "domicile", "recepisse_vol"]
    w2 = Wizard(perte)
    fill_to_pieces(w2, motif="perte")
    assert [p.id for p in w2.view().pieces] == ["identite", "domicile"]


def test_edit_from_recap_returns_to_recap(perte):
    w = Wizard(perte)
    fill_to_pieces(w)
    w.pages = {"identite": 1, "domicile": 1}
    assert w.next()
    assert w.next({"timbre": "1234567812345678"})
    assert w.current.kind == "recap"
    w.goto("adresse", from_recap=True)
    assert w.current.id == "adresse"
    assert w.next({"commune": "Lyon", "code_postal": "69001"})
    assert w.current.kind == "recap"
    assert w.values["commune"] == "Lyon"


def test_dossier_shape(perte):
    w = Wizard(perte)
    fill_to_pieces(w)
    d = w.dossier()
    assert d["procedure"] == "permis-perte" and d["motif"] == "perte"
    assert d["etat_civil"] == {
        "nom_naissance": "Dupont",
        "sexe": "F",
        "prenoms": ["Marie"],
        "date_naissance": "1980-05-17",
    }
    assert d["adresse"]["code_postal"] == "75011" and d["contact"]["email"] == "marie@exemple.fr"
    assert d["photo"] == {"code": "A" * 22}


def test_server_errors_go_back_to_their_step(perte):
    w = Wizard(perte)
    fill_to_pieces(w)
    w.pages = {"identite": 1, "domicile": 1}
    w.next()
    w.next({"timbre": "1234567812345678"})
    w.show_server_errors({"code_photo": "Ce code photo a déjà été utilisé."})
    assert w.current.id == "photo" and w.editing_from_recap
