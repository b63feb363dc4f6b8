"""Every page's pixels are bounded before it is decoded or read, on every
scanner: a 13,000 x 13,000 image (under Pillow's own limit) in the simulated
scanner's folder once took the scan worker to 8 GB."""

from __future__ import annotations

import re

import pytest
from PIL import Image, ImageFile

from config import ScannerSettings
from drivers.scanner import (
    MAX_PAGE_PIXELS,
    MAX_RESOLUTION,
    ScannerPageTooLarge,
    SimulatedScanner,
    process_page,
)
from drivers.scanner.worker import ScanWorker

#: SANE devices over the bound are tried in sane_inprocess.py (in a process of their own).
TOO_LARGE = (
    "Cette page est trop grande pour être numérisée. "
    "Utilisez une feuille au format A4 au plus, ou appelez le médiateur."
)
#: What a worker's child may have used at its peak having decoded no page
#: (about 40 MB here; one A4 page at 300 dpi takes it to about 140 MB).
IDLE_CHILD_MB = 120


def peak_rss_mb(pid: int) -> int:
    status = open(f"/proc/{pid}/status").read()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) // 1024


@pytest.fixture
def bomb_folder(tmp_path):
    """A folder holding one 13,000 x 13,000 PNG: a blank page of one bit a
    pixel, a few kilobytes on disk, 500 MB once decoded in colour."""
    folder = tmp_path / "documents"
    folder.mkdir()
    Image.new("1", (13_000, 13_000), 1).save(folder / "bombe.png")
    assert (folder / "bombe.png").stat().st_size < 100_000
    return folder


def test_the_bound_is_an_a4_sheet_at_the_highest_resolution_with_a_margin():
    a4 = round(210 / 25.4 * MAX_RESOLUTION) * round(297 / 25.4 * MAX_RESOLUTION)
    assert MAX_RESOLUTION == 600
    assert a4 < MAX_PAGE_PIXELS < 1.5 * a4 < 13_000 * 13_000


def test_a_pixel_bomb_in_the_folder_is_refused_before_it_is_decoded(bomb_folder, monkeypatch):
    decoded = []
    real_load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: decoded.append(image.size) or real_load(image))
    scanner = SimulatedScanner(folder=bomb_folder, resolution=150)
    with pytest.raises(ScannerPageTooLarge) as info:
        list(scanner.scan("flatbed", 150))
    assert info.value.message_fr == TOO_LARGE
    assert f"{bomb_folder / 'bombe.png'}: 13000 x 13000 pixels" in info.value.detail  # for the technician
    assert decoded == []


def test_a_page_blown_up_past_the_bound_by_the_resolution_is_refused():
    # an A4 image at the simulated scanner's 150 dpi, asked at 1200 dpi: 139 million pixels
    scanner = SimulatedScanner(resolution=300)
    with pytest.raises(ScannerPageTooLarge) as info:
        list(scanner.scan("flatbed", 1200))
    assert "at 1200 dpi" in info.value.detail
    assert len(list(scanner.scan("flatbed", MAX_RESOLUTION))) == 1  # the highest offered passes


def test_the_pipeline_refuses_a_page_over_the_bound():
    page = Image.new("1", (13_000, 13_000), 1)  # 21 MB: what it would make of it is not
    with pytest.raises(ScannerPageTooLarge) as info:
        process_page(page)
    assert "13000 x 13000" in info.value.detail


def test_through_the_worker_the_user_is_told_and_the_child_stays_small(bomb_folder, tmp_path):
    dest = tmp_path / "workspace"
    dest.mkdir()
    settings = ScannerSettings(driver="simulated", folder=str(bomb_folder), resolution=150)
    with ScanWorker(settings, timeout=60) as worker:
        with pytest.raises(ScannerPageTooLarge) as info:
            worker.scan("flatbed", 150, dest)
        assert info.value.message_fr == TOO_LARGE
        assert peak_rss_mb(worker.pid) < IDLE_CHILD_MB
    assert list(dest.iterdir()) == []


def test_a_resolution_over_the_highest_offered_is_a_configuration_error():
    from config import ConfigError, load_settings

    assert load_settings(overrides={"scanner": {"resolution": MAX_RESOLUTION}}).scanner.resolution == 600
    with pytest.raises(ConfigError) as info:
        load_settings(overrides={"scanner": {"resolution": 1200}})
    assert "[scanner.resolution] = 1200: entre 1 et 600 dpi" in str(info.value)
