"""An e-mail or a mobile is enough (seed 004: "adresse électronique et/ou numéro
de téléphone portable"); with neither, the step says in one sentence what that
means for the follow-up and goes on once the person says so, to the mock ANTS
backend's acceptance."""

from __future__ import annotations

import pytest

from session.catalogue import Catalogue
from session.flow import Flow
from session.validation import NO_CONTACT
from session.wizard import Wizard
from test_user_flow import ETAT_CIVIL, booth, services  # noqa: F401  (services: a fixture)

ADRESSE = {
    "numero_voie": "3",
    "nom_voie": "rue Haute",
    "complement": "",
    "code_postal": "44000",
    "commune": "Nantes",
    "email": "",
    "mobile": "",
    "sans_contact": "",
}


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue.load()


def at_adresse(catalogue, procedure_id: str = "permis-perte") -> Wizard:
    wizard = Wizard(catalogue[procedure_id])
    wizard.goto("adresse")
    return wizard


@pytest.mark.parametrize(
    "contact, sent",
    [
        ({"email": "paul@exemple.fr"}, {"email": "paul@exemple.fr", "aucun": False}),
        ({"mobile": "06 12 34 56 78"}, {"mobile": "0612345678", "aucun": False}),
        (
            {"email": "paul@exemple.fr", "mobile": "0712345678"},
            {"email": "paul@exemple.fr", "mobile": "0712345678", "aucun": False},
        ),
    ],
)
def test_an_email_or_a_mobile_is_enough(catalogue, contact, sent):
    wizard = at_adresse(catalogue)
    assert wizard.next({**ADRESSE, **contact}), wizard.errors
    assert wizard.current.id == "photo" and wizard.errors == {}
    assert wizard.dossier()["contact"] == sent


def test_neither_says_what_it_means_then_goes_on_once_ticked(catalogue):
    wizard = at_adresse(catalogue)
    assert not wizard.next(dict(ADRESSE))
    assert wizard.current.id == "adresse"
    assert wizard.errors == {"sans_contact": NO_CONTACT}
    assert NO_CONTACT.startswith(
        "Sans e-mail ni portable, l'ANTS ne pourra pas vous prévenir : gardez bien le récépissé"
    )
    assert wizard.next({**ADRESSE, "sans_contact": "1"}), wizard.errors
    assert wizard.current.id == "photo"
    assert wizard.dossier()["contact"] == {"aucun": True}


def test_an_email_given_afterwards_lifts_the_box(catalogue):
    wizard = at_adresse(catalogue)
    assert not wizard.next(dict(ADRESSE))
    assert wizard.next({**ADRESSE, "email": "paul@exemple.fr"}), wizard.errors


def test_a_wrong_email_is_still_refused_and_the_box_then_not_asked(catalogue):
    wizard = at_adresse(catalogue)
    assert not wizard.next({**ADRESSE, "email": "paul@"})
    assert set(wizard.errors) == {"email"}


def test_every_procedure_with_an_address_asks_it_so(catalogue):
    """The block's sentence is the one the kiosk translates (session/validation.py's)."""
    using = [p for p in catalogue if any(f.id == "sans_contact" for s in p.steps for f in s.fields)]
    assert len(using) >= 10
    for procedure in using:
        field = procedure.field("sans_contact")
        assert field.options["message"] == NO_CONTACT and field.options["offer_mediator"] is True
        assert [f.id for f in procedure.step_of_key("contact.email").fields][-3:] == ["email", "mobile", "sans_contact"]


def test_a_demande_with_neither_is_filed_by_the_mock(services):  # noqa: F811
    code, timbre = booth(services)
    flow = Flow(services.new_session("permis-perte"))
    try:
        flow.resume()
        assert flow.answer({"motif": "perte"}) and flow.answer(ETAT_CIVIL)
        assert flow.answer(dict(ADRESSE)) is False
        assert flow.session.wizard.errors == {"sans_contact": NO_CONTACT}
        assert flow.answer({**ADRESSE, "sans_contact": "1"}) is True
        assert flow.answer({"code_photo": code}) is True
        for piece in ("identite", "domicile"):
            assert flow.scan(piece) == 1
        assert flow.answer() is True and flow.answer({"timbre": timbre}) is True
        flow.answer({"attestation": "1"})
        assert flow.session.numero, flow.session.wizard.errors
    finally:
        flow.end("abandoned")


def test_the_filled_condition_holds_for_any_value_and_is_checked():
    from session.catalogue import CatalogueError, _conditions

    (filled,) = _conditions({"filled": "mobile"}, "test.toml")
    assert filled.holds({"mobile": "0612345678"}) and not filled.holds({"mobile": ""})
    assert not filled.holds({}) and not filled.holds({"mobile": "   "}) and filled.fields() == {"mobile"}
    with pytest.raises(CatalogueError, match='filled = "champ"'):
        _conditions({"filled": ["mobile"]}, "test.toml")
