"""The session reads the scans through the real scan worker, proposes what
they say, the user confirms; a refused page is not kept and says why; the
wipe knows what was read."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
import specimens
from PIL import Image

from ants import AntsClient
from config import ScannerSettings
from drivers.scanner.worker import ScanWorker
from session import Catalogue, UserSession
from support import free_port


def _glass(folder: Path, documents: list[Image.Image]) -> None:
    folder.mkdir()
    for i, doc in enumerate(documents):
        raw = specimens.scanned(doc, seed=i + 1)
        raw.resize((raw.width // 2, raw.height // 2), Image.Resampling.LANCZOS).save(folder / f"{i:02d}.png")


@pytest.fixture
def numero() -> str:
    """The card's number: one value, so the test reads the same page every run (tesseract
    misreads some made-up numbers, and the check digits then rightly refuse the card: what
    benchmarks/bench_reading.py measures, not what this test is about). Found nowhere else,
    it is also the wipe check's needle."""
    return "XKWTPRAHV"


NOM = "SPECIMEN"


@pytest.fixture
def session(tmp_path: Path, workspace_root: Path, numero: str):  # type: ignore[no-untyped-def]
    today = dt.date.today()
    _glass(
        tmp_path / "glass",
        [
            specimens.identity_page(specimens.mrz_td1(NOM, "MARIE", "F", "900101", numero)),
            specimens.bill(today - dt.timedelta(days=200), nom=NOM),
            specimens.bill(today - dt.timedelta(days=20), nom=NOM),
            specimens.photo_sheet("A1B2C3D4E5F6G7H8J9K0LM"),
        ],
    )
    worker = ScanWorker(ScannerSettings(driver="simulated", folder=str(tmp_path / "glass"), resolution=300))
    s = UserSession(
        Catalogue.load()["permis-perte"],
        workspace_root=workspace_root,
        client=AntsClient(f"http://127.0.0.1:{free_port()}"),
        scanner=worker,
        printer=None,
        site_name="Essai",
        suivi_url="{numero}",
        check_places=[workspace_root, tmp_path / "elsewhere"],
    )
    yield s
    worker.close()


def test_the_scans_fill_the_form_once_the_user_confirms(session, numero, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    assert session.scan_piece("identite") == 1
    proposal = session.reading_proposal()
    assert {k: proposal.values[k] for k in ("nom_naissance", "prenom1", "sexe", "date_naissance")} == {
        "nom_naissance": NOM,
        "prenom1": "MARIE",
        "sexe": "F",
        "date_naissance": "1990-01-01",
    }
    assert "nom_naissance" not in session.wizard.values  # nothing counts before the user confirms

    old = session.scan_piece("domicile")  # a bill 200 days old: refused, not kept
    assert old == 0
    assert session.wizard.errors["domicile"].startswith("Rescannez : ce justificatif date du ")
    assert session.scan_piece("domicile") == 1
    assert "domicile" not in session.wizard.errors
    assert session.reading_proposal().values["code_postal"] == "63000"
    assert session.reading_proposal().told == []  # the same name on the bill and the card

    assert session.scan_code("photo") == "A1B2C3D4E5F6G7H8J9K0LM"
    assert session.workspace.page_count("photo") == 0  # the photo sheet is read, not sent

    done = session.confirm_reading({"prenom1": "Marie"})
    assert session.wizard.values["nom_naissance"] == NOM
    assert session.wizard.values["date_naissance"] == "1990-01-01"
    assert session.wizard.values["prenom1"] == "Marie"
    assert session.wizard.values["code_postal"] == "63000"
    assert {"nom_naissance", "code_photo", "commune"} <= set(done)
    assert numero not in caplog.text and "63000" not in caplog.text  # nothing read reaches a log


def test_the_wipe_looks_for_what_was_read(session, numero, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    session.scan_piece("identite")  # read, never confirmed (and no field of this procedure): still the user's data
    assert session.readings["identite"][0].fields["numero_titre"] == numero
    leak = tmp_path / "elsewhere"
    leak.mkdir()
    (leak / "left.txt").write_text(f"... {numero} ...")  # as if something had written it down
    report = session.end("abandoned")
    assert not report.clean
    assert any("left.txt" in where for where in report.leftovers)
    assert session.readings == {} and session.read_notes == []
