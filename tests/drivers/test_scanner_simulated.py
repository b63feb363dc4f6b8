"""SimulatedScanner: the same port as SANE, documents from a folder, faults on demand."""

from __future__ import annotations

import threading

import pytest
from PIL import Image

from config import ScannerSettings
from drivers.scanner import (
    SAMPLES,
    SCANNER_DRIVERS,
    SaneScanner,
    ScanCancelled,
    Scanner,
    ScannerCoverOpen,
    ScannerError,
    ScannerJam,
    ScannerNoPaper,
    ScannerTimeout,
    ScannerUnavailable,
    SimulatedScanner,
    make_scanner,
)

EXPECTED_MESSAGES = {
    "unplugged": (ScannerUnavailable, "Le scanner n'est pas branché ou ne répond pas. Appelez le médiateur."),
    "jam": (ScannerJam, "Une feuille est coincée dans le scanner. Retirez-la doucement, puis réessayez."),
    "no-paper": (ScannerNoPaper, "Il n'y a pas de feuille dans le chargeur. Posez vos documents, puis réessayez."),
    "timeout": (ScannerTimeout, "Le scanner met trop de temps à répondre. Réessayez ou appelez le médiateur."),
    "cover-open": (ScannerCoverOpen, "Le capot du scanner est ouvert. Fermez-le, puis réessayez."),
}


def test_bundled_samples_are_small_a4_pages():
    files = sorted(SAMPLES.glob("*.png"))
    assert [f.name for f in files] == [
        "01-cni-specimen-recto.png",
        "02-cni-specimen-verso.png",
        "03-facture-electricite.png",
        "04-recepisse-declaration-vol.png",
        "05-attestation-hebergement-fond-noir.png",
    ]
    assert sum(f.stat().st_size for f in files) < 300_000
    for f in files:
        with Image.open(f) as image:
            assert image.size == (1240, 1754)  # A4 at 150 dpi


def test_same_port_as_sane():
    assert issubclass(SimulatedScanner, Scanner) and issubclass(SaneScanner, Scanner)
    scanner = SimulatedScanner()
    assert scanner.is_available()
    assert scanner.sources() == ["flatbed", "adf"]


def test_flatbed_serves_the_documents_in_order_cycling():
    scanner = SimulatedScanner()
    names = [next(scanner.scan(resolution=150)).info["source_file"] for _ in range(6)]
    assert names == [
        "01-cni-specimen-recto.png",
        "02-cni-specimen-verso.png",
        "03-facture-electricite.png",
        "04-recepisse-declaration-vol.png",
        "05-attestation-hebergement-fond-noir.png",
        "01-cni-specimen-recto.png",
    ]


def test_pages_are_resized_to_the_asked_resolution():
    (page,) = SimulatedScanner(resolution=300).scan()
    assert page.size == (2480, 3508) and page.mode == "RGB" and page.info["dpi"] == (300, 300)
    (page,) = SimulatedScanner().scan(resolution=75)
    assert page.size == (620, 877)


def test_folder_of_own_images(tmp_path):
    for name, colour in (("b.png", "blue"), ("a.png", "red"), ("notes.txt", None)):
        if colour:
            Image.new("RGB", (100, 140), colour).save(tmp_path / name)
        else:
            (tmp_path / name).write_text("not an image")
    scanner = SimulatedScanner(tmp_path, adf_pages=3, source_dpi=100)
    pages = list(scanner.scan("adf", resolution=100))
    assert [p.getpixel((0, 0)) for p in pages] == [(255, 0, 0), (0, 0, 255), (255, 0, 0)]


def test_empty_folder_is_unavailable(tmp_path):
    scanner = SimulatedScanner(tmp_path)
    assert not scanner.is_available()
    with pytest.raises(ScannerUnavailable):
        list(scanner.scan())


def test_feeder_gives_the_set_number_of_pages():
    scanner = SimulatedScanner(adf_pages=5)
    assert len(list(scanner.scan("adf", resolution=50))) == 5
    scanner.adf_pages = 0
    with pytest.raises(ScannerNoPaper):
        list(scanner.scan("adf"))


@pytest.mark.parametrize("fault", sorted(EXPECTED_MESSAGES))
def test_faults_from_the_constructor_raise_the_matching_error(fault):
    error, message = EXPECTED_MESSAGES[fault]
    scanner = SimulatedScanner(fault=fault)
    with pytest.raises(error) as info:
        list(scanner.scan())
    assert isinstance(info.value, ScannerError)
    assert info.value.message_fr == message


@pytest.mark.parametrize("fault", sorted(EXPECTED_MESSAGES))
def test_injected_faults_then_cleared(fault):
    error, message = EXPECTED_MESSAGES[fault]
    scanner = SimulatedScanner()
    assert len(list(scanner.scan("adf", resolution=50))) == 3
    scanner.inject_fault(fault)
    with pytest.raises(error) as info:
        list(scanner.scan("adf", resolution=50))
    assert info.value.message_fr == message
    scanner.clear_fault()
    assert len(list(scanner.scan("adf", resolution=50))) == 3


def test_unplugged_scanner_is_not_available():
    scanner = SimulatedScanner(fault="unplugged")
    assert not scanner.is_available()
    with pytest.raises(ScannerUnavailable):
        scanner.sources()


def test_jam_mid_feed_after_some_pages():
    scanner = SimulatedScanner(adf_pages=5)
    scanner.inject_fault("jam", after_pages=2)
    received = []
    with pytest.raises(ScannerJam):
        for page in scanner.scan("adf", resolution=50):
            received.append(page)
    assert len(received) == 2


def test_feeder_running_out_mid_feed_ends_normally():
    scanner = SimulatedScanner(adf_pages=5)
    scanner.inject_fault("no-paper", after_pages=2)
    assert len(list(scanner.scan("adf", resolution=50))) == 2


def test_unknown_fault_is_refused():
    with pytest.raises(ValueError, match="unknown scanner fault"):
        SimulatedScanner(fault="fire")


def test_cancel_between_pages():
    cancel = threading.Event()
    received = []
    with pytest.raises(ScanCancelled):
        for page in SimulatedScanner(adf_pages=4).scan("adf", resolution=50, cancel=cancel):
            received.append(page)
            cancel.set()
    assert len(received) == 1


def test_duplex_feeder_gives_two_pages_a_sheet():
    scanner = SimulatedScanner(adf_pages=2, duplex=True)
    assert scanner.duplex() and scanner.sources() == ["flatbed", "adf", "adf-duplex"]
    pages = list(scanner.scan("adf-duplex", resolution=50))
    assert [p.info["source_file"] for p in pages] == [
        "01-cni-specimen-recto.png",
        "02-cni-specimen-verso.png",
        "03-facture-electricite.png",
        "04-recepisse-declaration-vol.png",
    ]


def test_a_feeder_without_duplex_says_to_turn_the_sheet():
    scanner = SimulatedScanner()
    assert not scanner.duplex()
    with pytest.raises(ScannerError) as info:
        list(scanner.scan("adf-duplex"))
    assert info.value.message_fr == (
        "Ce scanner ne numérise pas les deux faces à la fois. Retournez la feuille pour le verso."
    )


def test_progress_is_reported_for_each_page():
    seen = []
    pages = list(SimulatedScanner(adf_pages=2).scan("adf", resolution=50, progress=lambda *a: seen.append(a)))
    # four reports a page, top first, each with the part read so far
    assert [(read, expected) for read, expected, _ in seen] == [
        (p.width * p.height * 3 * band // 4, p.width * p.height * 3) for p in pages for band in (1, 2, 3, 4)
    ]
    for (_, _, partial), (page, band) in zip(seen, [(p, b) for p in pages for b in (1, 2, 3, 4)], strict=True):
        top = partial()
        assert top.width == page.width and top.height == page.height * band // 4
        assert top.tobytes() == page.crop((0, 0, page.width, top.height)).tobytes()


def test_fault_file_overrides_while_it_exists(tmp_path):
    fault_file = tmp_path / "fault"
    scanner = SimulatedScanner(adf_pages=3, fault_file=fault_file)
    assert len(list(scanner.scan("adf", resolution=50))) == 3
    fault_file.write_text("jam 1\n")
    received = []
    with pytest.raises(ScannerJam):
        for page in scanner.scan("adf", resolution=50):
            received.append(page)
    assert len(received) == 1
    fault_file.write_text("unplugged")
    assert not scanner.is_available()
    fault_file.write_text("")
    assert scanner.is_available() and len(list(scanner.scan("adf", resolution=50))) == 3


def test_unknown_source_is_refused():
    with pytest.raises(ValueError, match="unknown scan source"):
        list(SimulatedScanner().scan("glass"))


# -- factory -------------------------------------------------------------------


def test_factory_maps_every_configured_driver():
    assert set(SCANNER_DRIVERS) == {"sane", "simulated"}


def test_factory_builds_a_simulated_scanner_from_settings(tmp_path):
    Image.new("RGB", (10, 10), "green").save(tmp_path / "x.png")
    scanner = make_scanner(ScannerSettings(driver="simulated", folder=str(tmp_path), resolution=200, fault="jam"))
    assert isinstance(scanner, SimulatedScanner)
    assert scanner.folder == tmp_path and scanner.resolution == 200 and scanner.fault == "jam"
    default = make_scanner(ScannerSettings(driver="simulated"))
    assert default.folder == SAMPLES and default.fault == ""


def test_factory_builds_a_sane_scanner_from_settings():
    scanner = make_scanner(ScannerSettings(driver="sane", device="test:0", mode="Gray", resolution=150, timeout=5.0))
    assert isinstance(scanner, SaneScanner)
    assert (scanner.device, scanner.mode, scanner.resolution, scanner.timeout) == ("test:0", "Gray", 150, 5.0)


def test_factory_refuses_an_unknown_driver():
    with pytest.raises(ValueError, match="unknown scanner driver 'twain'"):
        make_scanner(ScannerSettings.model_construct(driver="twain"))  # past the settings' own check
