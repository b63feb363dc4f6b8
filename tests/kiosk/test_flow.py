"""The whole "permis perdu" flow, driven by touches on the real Kivy window,
against the mock ANTS backend process, SANE's test scanner and a TCP printer."""

import os
from pathlib import Path

import pytest
import sqlite_utils

from ants import AntsClient
from kiosk.tour import DEMO_USER, walk_permis_perte
from support import fill_permis_perte_to_pieces, make_canary

pytestmark = pytest.mark.ui

DOCS_SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
CANARY = make_canary()


def booth_and_shop(url):
    client = AntsClient(url, retries=0)
    try:
        code = client.new_photo_code()
        timbre = client.buy_timbre("perte", "33000", "4970100000000014", "12/30", "123").numero
    finally:
        client.close()
    return code, timbre


def files_containing(root: Path, needle: bytes) -> list[Path]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            try:
                if needle in path.read_bytes():
                    hits.append(path)
            except OSError:
                pass
    return hits


def test_whole_flow_on_real_parts(driver, make_services, mock_backend, sane_env, tcp_printer, workspace_root, tmp_path):
    services = make_services(
        ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)},
        scanner={"driver": "sane", "device": "test:0", "resolution": 75},
        printer={"driver": "network", "host": "127.0.0.1", "port": tcp_printer.port},
    )
    kiosk = driver(services)
    code, timbre = booth_and_shop(mock_backend.url)
    user = dict(DEMO_USER, nom_naissance="Lefèvre", commune=CANARY)
    shots = DOCS_SCREENS if os.environ.get("POINTNUM_UPDATE_SCREENS") else tmp_path / "screens"

    numero, taken = walk_permis_perte(kiosk, user, code, timbre, shots=shots)

    # The backend stored the dossier, fields and scanned pièces.
    assert numero
    db = sqlite_utils.Database(mock_backend.db)
    rows = [r for r in db.query("select * from demandes where numero = ?", [numero])]
    assert len(rows) == 1
    stored = str(rows[0])
    assert "Lefèvre" in stored and CANARY in stored and code in stored
    pieces = {r["piece_id"]: r for r in db.query("select * from pieces where demande = ?", [numero])}
    assert set(pieces) == {"identite", "domicile"}

    # The récépissé reached the printer: numéro and a QR code command.
    data = tcp_printer.wait_for(numero.encode())
    assert b"\x1d(k" in data
    assert CANARY.encode() not in data and b"Lef" not in data

    # Goodbye, then nothing of the user remains on the kiosk side.
    assert kiosk.screen.name == "goodbye"
    assert "effacées" in kiosk.screen.ids.message.text
    assert list(workspace_root.iterdir()) == []
    assert files_containing(tmp_path, CANARY.encode()) == []
    assert len(taken) == 13 and all(p.stat().st_size > 10_000 for p in taken)


def test_bad_input_is_explained_and_kept(driver, make_services, mock_backend):
    kiosk = driver(make_services(ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)}), typing="keys")
    kiosk.tap_button("Touchez ici")
    kiosk.tap_group("permis")
    kiosk.tap_button("Permis perdu")
    kiosk.tap_button("J'ai tout")
    kiosk.tap_button("Continuer")  # no motif chosen
    assert kiosk.screen.name == "form"
    assert kiosk.screen._boxes["motif"].error == "Touchez une des réponses pour continuer."
    kiosk.choose("On m'a volé mon permis")
    kiosk.tap_button("Continuer")
    kiosk.type_into("nom_naissance", "Dupont")
    kiosk.type_into("date_naissance", "31/02/1980")
    kiosk.tap_button("Continuer")
    boxes = kiosk.screen._boxes
    assert boxes["date_naissance"].error == "Cette date n'existe pas. Vérifiez le jour et le mois."
    assert boxes["prenom1"].error == "Ce champ est obligatoire. Merci de le remplir."
    assert kiosk.field_input("nom_naissance").text == "Dupont"
    kiosk.type_into("date_naissance", "01/01/2099")
    kiosk.tap_button("Continuer")
    assert kiosk.screen._boxes["date_naissance"].error == "Cette date est dans le futur. Vérifiez l'année."
    # Back and forth: what was typed is still there.
    kiosk.tap_button("Fermer le clavier")  # Retour comes back once the keyboard is down
    kiosk.tap_button("Retour")
    kiosk.tap_button("Continuer")
    assert kiosk.field_input("nom_naissance").text == "Dupont"


def test_backend_down_keeps_the_dossier(driver, make_services, start_backend):
    private = start_backend("down")
    services = make_services(ants={"base_url": private.url, "timeout": 2.0, "retries": 0, "mock_db": str(private.db)})
    kiosk = driver(services)
    code, timbre = booth_and_shop(private.url)
    kiosk.tap_button("Touchez ici")
    kiosk.tap_group("permis")
    kiosk.tap_button("Permis perdu")
    kiosk.tap_button("J'ai tout")
    session = kiosk.controller.session
    # Fill quickly through the session (the touch path is covered above), then stop the backend.
    w = session.wizard
    fill_permis_perte_to_pieces(w, code)
    session.scan_piece("identite")
    session.scan_piece("domicile")
    assert w.next()
    assert w.next({"timbre": timbre})
    kiosk.controller.show("recap")
    private.stop()
    kiosk.check()
    kiosk.tap_button("Valider et envoyer")
    kiosk.wait_idle()
    assert kiosk.screen.name == "recap"
    assert kiosk.controller.notice.startswith("Le service de l'ANTS ne répond pas")
    assert w.values["nom_naissance"] == "Durand" and session.workspace.page_count("identite") == 1
    # The backend is back: the same dossier goes through.
    start_backend("down", port=private.port)
    kiosk.tap_button("Valider et envoyer")
    kiosk.wait(lambda: kiosk.screen.name == "confirmation", what="confirmation")
    assert session.numero


def test_the_kiosk_logs_out_later_when_ants_was_down_at_the_end(driver, make_services, start_backend):
    import requests

    private = start_backend("logout-later")
    services = make_services(ants={"base_url": private.url, "timeout": 2.0, "retries": 0, "mock_db": str(private.db)})
    kiosk = driver(services)
    kiosk.tap_button("Touchez ici")
    kiosk.tap_group("permis")
    kiosk.tap_button("Permis perdu")
    kiosk.tap_button("J'ai tout")
    session = kiosk.controller.session
    session.client.open_session()
    headers = {"Authorization": f"Bearer {session.client.token}"}
    private.stop()
    kiosk.controller.finish("abandoned")
    kiosk.wait_idle()
    assert kiosk.screen.name == "goodbye" and services.logouts_pending()
    start_backend("logout-later", port=private.port)
    kiosk.app._retry_logouts(0)  # what the kiosk's timer calls each minute (LOGOUT_RETRY_S)
    kiosk.wait_idle()
    assert not services.logouts_pending()
    assert requests.get(private.url + "/api/v1/sessions/current", headers=headers, timeout=5).status_code == 401
