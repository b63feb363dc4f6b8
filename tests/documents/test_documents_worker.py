"""Reading and checking run in the scan worker's child, beside the page
pipeline: the page comes back with what was read, and a page upside down is
written turned."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import specimens
from pages import TD1
from PIL import Image

from config import ScannerSettings
from documents import read_page
from drivers.scanner.worker import ScanWorker


def _glass(folder: Path, *documents: Image.Image, upside_down: bool = False) -> None:
    """The specimens as the simulated scanner serves them: 150-dpi files."""
    for i, doc in enumerate(documents):
        raw = specimens.scanned(doc, seed=i + 1, upside_down=upside_down)
        raw.resize((raw.width // 2, raw.height // 2), Image.Resampling.LANCZOS).save(folder / f"{i:02d}.png")


def test_the_worker_reads_each_page_in_its_own_process(tmp_path: Path) -> None:
    glass, dest = tmp_path / "glass", tmp_path / "dest"
    glass.mkdir()
    dest.mkdir()
    _glass(glass, specimens.identity_page(TD1), specimens.bill(dt.date.today() - dt.timedelta(days=20)))
    with ScanWorker(ScannerSettings(driver="simulated", folder=str(glass), resolution=300)) as worker:
        identity = worker.scan("flatbed", dest=dest, read="identite")
        bill = worker.scan("flatbed", dest=dest, read="domicile")
        plain = worker.scan("flatbed", dest=dest)  # no read asked: none done
    assert identity[0].reading.kind == "identite"
    assert identity[0].reading.fields["nom_naissance"] == "SPECIMEN"
    assert bill[0].reading.fields["code_postal"] == "63000"
    assert plain[0].reading is None


def test_a_page_upside_down_is_written_the_right_way_up(tmp_path: Path) -> None:
    glass, dest = tmp_path / "glass", tmp_path / "dest"
    glass.mkdir()
    dest.mkdir()
    _glass(glass, specimens.identity_page(TD1), upside_down=True)
    with ScanWorker(ScannerSettings(driver="simulated", folder=str(glass), resolution=300)) as worker:
        (page,) = worker.scan("flatbed", dest=dest, read="identite")
    assert page.reading.rotate == 180 and page.reading.kind == "identite"
    with Image.open(page.path) as written:
        again = read_page(written, "identite")
    assert again.rotate == 0 and again.kind == "identite"  # read upright, as written
