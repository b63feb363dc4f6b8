"""The session's side of the window (session/browserlogin.py, through the Flow): a
changement de titulaire whose état civil comes from the verified id_token; a login
and a purchase given up come back to the same step with everything kept; a refused
card told on the shop's page; the end of the session ends ANTS's and FranceConnect's
sessions and takes the window's profile with the workspace. The person at the
window is played (browser.ScriptedBrowser); test_locked_window.py drives the real one."""

from __future__ import annotations

import logging
import os
import shutil

import pytest
import requests

from ants import AntsClient
from browser import ScriptedBrowser
from config import load_settings
from config.factories import build_services
from session import SessionError
from session.browserlogin import PROFILE_DIR
from session.flow import BUY_TIMBRE, CONNECT, Flow
from support import tmpfs_folder

REFUSED, EXPIRED, ACCEPTED = "4970100000000022", "4970100000000055", "4970100000000014"
ETAT_CIVIL = {"nom_naissance": "Durand", "sexe": "M", "prenom1": "Paul", "prenom2": "", "date_naissance": "01/02/1970"}
ADRESSE = {
    "numero_voie": "",
    "nom_voie": "rue Haute",
    "complement": "",
    "code_postal": "44000",
    "commune": "Nantes",
    "email": "paul@exemple.fr",
    "mobile": "",
}


@pytest.fixture(scope="module")
def services(tmp_path_factory, mock_backend):
    tmp = tmp_path_factory.mktemp("logins")
    root = os.path.join(tmpfs_folder(), f"pointnum-logins-{os.getpid()}-{tmp.name}")
    built = build_services(
        load_settings(
            overrides={
                "ants": {"base_url": mock_backend.url, "mock_db": str(mock_backend.db), "retries": 0},
                "scanner": {"driver": "simulated", "resolution": 50},
                "printer": {"driver": "capture"},
                "a4": {"driver": "capture"},
                "workspace": {"root": root},
                "stats": {"path": str(tmp / "stats.db")},
            }
        )
    )
    yield built
    built.close()
    shutil.rmtree(root, ignore_errors=True)


def test_a_changement_de_titulaire_fills_the_etat_civil_from_the_id_token(services):
    flow = Flow(services.new_session("cg-changement-titulaire"))
    session = flow.session
    try:
        assert flow.state.stage == "connexion" and flow.can(CONNECT)
        person = ScriptedBrowser({"provider": "ameli", "login": "Min02", "password": "azerty"})
        session.logins.browser = person
        assert flow.connect() is True
        assert flow.state.view.step.id == "vehicule" and session.wizard.connected
        values = session.wizard.values
        assert (values["nom_naissance"], values["prenom1"], values["prenom2"]) == (
            "ESSAI LE BRETON-LÓPEZ",
            "Jean-Noël",
            "Zoé",
        )
        assert (values["date_naissance"], values["sexe"]) == ("1999-12-31", "M")
        assert "/franceconnect/api/v2/fi/ameli" in person.visited
        assert session.client.session_info()["type"] == "franceconnect"
    finally:
        assert session.end("abandoned").clean


def test_a_login_given_up_comes_back_to_the_same_step_with_everything_kept(services):
    flow = Flow(services.new_session("cg-changement-titulaire"))
    session = flow.session
    try:
        before = dict(session.wizard.values)
        session.logins.browser = ScriptedBrowser({"cancel": "1"})
        with pytest.raises(SessionError) as told:
            flow.connect()
        assert told.value.message_fr.startswith("Vous êtes revenu à la borne sans vous connecter.")
        assert flow.state.stage == "connexion" and flow.can(CONNECT)
        assert session.wizard.values == before and not session.wizard.connected
        assert not session.client.has_session
        session.logins.browser = ScriptedBrowser({"login": "testfc1", "password": "123"})
        assert flow.connect() is True and session.wizard.values["nom_naissance"] == "DUPONT"
    finally:
        assert session.end("abandoned").clean


def to_paiement(services) -> Flow:
    client = AntsClient(services.settings.ants.base_url, retries=0)
    code = client.new_photo_code()
    client.close()
    flow = Flow(services.new_session("permis-perte"))
    flow.resume()
    for values in ({"motif": "perte"}, ETAT_CIVIL, ADRESSE, {"code_photo": code}):
        assert flow.answer(values) is True, flow.session.wizard.errors
    for piece in ("identite", "domicile"):
        flow.scan(piece)
    assert flow.answer() is True and flow.state.view.step.id == "paiement"
    return flow


def test_a_refused_card_is_told_on_the_shop_page_and_coming_back_keeps_the_dossier(services):
    flow = to_paiement(services)
    session = flow.session
    try:
        assert flow.can(BUY_TIMBRE)
        dossier = dict(session.wizard.values)
        pages = session.workspace.page_counts()
        person = ScriptedBrowser({"carte": REFUSED})  # refused, then back to the kiosk without paying
        session.logins.browser = person
        with pytest.raises(SessionError) as told:
            flow.buy_timbre("timbre", {"timbre": ""})
        assert told.value.message_fr == "Vous êtes revenu à la borne sans acheter de timbre. Rien n'est perdu."
        assert person.told == ["Le paiement a été refusé par votre banque. Utilisez une autre carte."]
        kept = {k: v for k, v in session.wizard.values.items() if k != "timbre"}
        assert flow.state.view.step.id == "paiement" and kept == dossier and not session.wizard.values["timbre"]
        assert session.workspace.page_counts() == pages

        person = ScriptedBrowser({"carte": EXPIRED, "retry_card": ACCEPTED})
        session.logins.browser = person
        numero = flow.buy_timbre("timbre", {"timbre": ""})
        assert person.told == ["Cette carte est expirée. Utilisez une autre carte."]
        assert len(numero) == 16 and session.wizard.values["timbre"] == numero
        assert flow.answer({"timbre": numero}) is True and flow.state.view.step.id == "recapitulatif"
    finally:
        assert session.end("abandoned").clean


def test_the_end_of_the_session_ends_ants_and_franceconnect_and_takes_the_window_profile(services, caplog):
    flow = Flow(services.new_session("cg-changement-titulaire"))
    session = flow.session
    session.logins.browser = ScriptedBrowser({"login": "Min03", "password": "azerty"})
    assert flow.connect() is True
    token, hint = session.client.token, session.client.id_token_hint
    profile = session.workspace.path / PROFILE_DIR
    assert token and hint and profile.is_dir()
    base = services.settings.ants.base_url
    caplog.set_level(logging.INFO, logger="ants.client")
    assert session.end("idle").clean
    said = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("GET /franceconnect/api/v2/session/end -> 200") for m in said), said
    assert any(m.startswith("DELETE /api/v1/sessions/current -> 204") for m in said), said
    assert not profile.exists() and session.client.id_token_hint is None
    after = requests.get(base + "/api/v1/sessions/current", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert after.status_code == 401
    with pytest.raises(SessionError):  # nothing can be opened in the window of an ended session
        session.login_franceconnect()


def test_a_session_without_a_window_says_so(services):
    session = services.new_session("cg-changement-titulaire")
    session.logins.browser = None
    try:
        with pytest.raises(SessionError) as told:
            session.login_franceconnect()
        assert told.value.message_fr == "Cette borne ne peut pas ouvrir la page de connexion. Demandez au médiateur."
    finally:
        assert session.end("abandoned").clean
