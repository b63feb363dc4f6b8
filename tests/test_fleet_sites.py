"""The site templates a technician installs with ``install.sh --site <template>``,
the backend that no template may guess, and the first real config migration."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from config import CONFIG_VERSION, ConfigError, load_settings
from config._settings import VERSION_1_BASE_URL

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ("prefecture", "sous-prefecture", "france-services", "mairie")


@pytest.mark.parametrize("name", TEMPLATES)
def test_each_template_is_valid_current_and_names_no_backend(name):
    path = ROOT / "config/sites" / f"{name}.toml"
    settings = load_settings(path)
    assert settings.config_version == CONFIG_VERSION and "config_version = 2" in path.read_text()
    assert settings.site.code and settings.site.name and settings.hours.monday
    assert settings.scanner.driver == "sane" and settings.printer.driver in ("usb", "network")
    error = settings.backend_error([str(path)])
    assert str(error) == (
        f"{path}: [ants.base_url] = '': adresse du service ANTS attendue (https://…), ou "
        "http://127.0.0.1:8765 avec start_bundled_mock = true pour la formation : aucune valeur par défaut"
    )


def test_a_template_completed_with_its_backend_is_ready(tmp_path):
    site = tmp_path / "kiosk.toml"
    text = (ROOT / "config/sites/prefecture.toml").read_text(encoding="utf-8")
    site.write_text(text.replace('# base_url = "https://…"', 'base_url = "https://ants.example.fr"'))
    settings = load_settings(site)
    assert settings.ants.base_url == "https://ants.example.fr" and settings.backend_error([str(site)]) is None


def test_the_kiosk_without_a_backend_stops_out_of_order_naming_file_and_key(tmp_path):
    site = tmp_path / "kiosk.toml"
    site.write_text((ROOT / "config/sites/mairie.toml").read_text(encoding="utf-8"))
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(site)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"kiosk: configuration error: {site}: [ants.base_url] = '': adresse du service ANTS attendue (https://…), "
        "ou http://127.0.0.1:8765 avec start_bundled_mock = true pour la formation : aucune valeur par défaut"
    ]


def test_a_version_1_file_without_a_backend_keeps_its_old_one_and_is_told(tmp_path, caplog):
    site = tmp_path / "kiosk.toml"
    site.write_text('config_version = 1\n[site]\nname = "Mairie de Test"\n')
    with caplog.at_level(logging.WARNING, logger="config._settings"):
        settings = load_settings(site)
    assert settings.config_version == 2 and settings.ants.base_url == VERSION_1_BASE_URL
    assert caplog.messages == [
        f"{site}: config_version 1 -> 2: [ants] base_url n'a plus de valeur par défaut ; un fichier qui n'en "
        f"donnait pas garde celle d'avant, {VERSION_1_BASE_URL} (le backend de formation local) : écrivez "
        "l'adresse du service ANTS (mettez le fichier à jour)"
    ]
    assert "config_version = 1" in site.read_text()  # the technician's file is never rewritten


def test_the_previous_prefecture_template_migrates_unchanged(tmp_path):
    """The version 1 template as installed before: it named its base_url, which stays."""
    old = tmp_path / "kiosk.toml"
    old.write_text(
        'config_version = 1\n[site]\nname = "Préfecture"\n[ants]\nbase_url = "https://ants.example.fr"\n'
        '[printer]\ndriver = "usb"\nusb_vendor = 0x04b8\nusb_product = 0x0e15\n'
    )
    settings = load_settings(old)
    assert (settings.config_version, settings.ants.base_url) == (2, "https://ants.example.fr")


def test_a_future_version_is_refused(tmp_path):
    site = tmp_path / "kiosk.toml"
    site.write_text("config_version = 3\n")
    with pytest.raises(ConfigError, match=r"\[config_version\] = 3: version 2 attendue"):
        load_settings(site)


def test_a_site_offers_the_procedures_it_names(tmp_path):
    from config.factories import build_services

    site = tmp_path / "kiosk.toml"
    site.write_text(f'[site]\nprocedures = ["permis-perte", "suivi-demande"]\n[stats]\npath = "{tmp_path / "s.db"}"\n')
    services = build_services(load_settings(site))
    try:
        assert sorted(p.id for p in services.catalogue) == ["permis-perte", "suivi-demande"]
        assert [p.id for p in services.catalogue.in_group("carte-grise")] == []
    finally:
        services.close()
    site.write_text('[site]\nprocedures = ["permis-perdu"]\n')
    with pytest.raises(ConfigError) as error:
        load_settings(site)
    assert str(error.value).startswith(
        f"{site}: [site.procedures.0] = 'permis-perdu': démarches possibles : cg-cession"
    )
