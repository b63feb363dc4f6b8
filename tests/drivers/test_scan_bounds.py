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
    SaneScanner,
    ScannerPageTooLarge,
    SimulatedScanner,
    _base,
    process_page,
)
from drivers.scanner.worker import ScanWorker

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


@pytest.mark.sane
def test_a_sane_frame_over_the_bound_is_refused_before_the_first_read(sane_env, tmp_path):
    # A technician's option (options.resolution) over the kiosk's own: A4 at
    # 800 dpi is 62 million pixels; the frame's parameters say so at sane_start.
    settings = ScannerSettings(driver="sane", device="test:0", resolution=300, options={"resolution": 800})
    read = []
    with ScanWorker(settings, timeout=60) as worker:
        with pytest.raises(ScannerPageTooLarge) as info:
            worker.scan("flatbed", 300, tmp_path, on_progress=lambda job: read.append(job.progress.page_bytes))
        assert info.value.message_fr == TOO_LARGE
        assert "frame announced by sane_get_parameters" in info.value.detail
        assert read == []  # not a byte of it was read
        assert peak_rss_mb(worker.pid) < IDLE_CHILD_MB
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def hand_scanner_reset(sane_env):
    """SANE's test backend keeps option values from one open to the next in a process."""
    yield
    list(SaneScanner("test:0", resolution=25, options={"hand-scanner": False}).scan())


@pytest.mark.sane
def test_a_sane_frame_of_unknown_height_is_cut_at_the_bound_while_read(hand_scanner_reset, monkeypatch):
    # A hand-held scanner cannot tell its lines (sane_get_parameters says -1):
    # the lines read are counted instead. The test backend's hand scanner gives
    # 5196 x 8031 pixels at 1200 dpi; the bound is lowered under that here.
    monkeypatch.setattr(_base, "MAX_PAGE_PIXELS", 20_000_000)
    scanner = SaneScanner("test:0", mode="Gray", resolution=300, options={"hand-scanner": True, "resolution": 1200})
    read = []
    with pytest.raises(ScannerPageTooLarge) as info:
        list(scanner.scan("flatbed", progress=lambda done, expected, partial=None: read.append((done, expected))))
    assert info.value.message_fr == TOO_LARGE
    assert "the frame being read" in info.value.detail
    assert read and read[0][1] is None  # the device could not tell the page's size
    assert 20_000_000 - 512 * 1024 < read[-1][0] <= 20_000_000  # one chunk of 512 KiB past it, at most


def test_a_resolution_over_the_highest_offered_is_a_configuration_error():
    from config import ConfigError, load_settings

    assert load_settings(overrides={"scanner": {"resolution": MAX_RESOLUTION}}).scanner.resolution == 600
    with pytest.raises(ConfigError) as info:
        load_settings(overrides={"scanner": {"resolution": 1200}})
    assert "[scanner.resolution] = 1200: entre 1 et 600 dpi" in str(info.value)
