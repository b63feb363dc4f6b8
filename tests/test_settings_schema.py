"""The settings' schema: each choice defined once (by the drivers), every field
documented with its default, one readable line per error, layering, and the
config_version migrations."""

from __future__ import annotations

import logging
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

import config._settings as settings_module
from config import CONFIG_VERSION, MIGRATIONS, ConfigError, Migration, Settings, load_settings
from drivers.printer import A4_PRINTER_DRIVERS, PRINTER_DRIVERS
from drivers.printer._factory import A4PrinterDriver, ReceiptPrinterDriver
from drivers.scanner import SCANNER_DRIVERS
from drivers.scanner._factory import ScannerDriver

ROOT = Path(__file__).resolve().parent.parent


def sections() -> list[tuple[str, type[BaseModel]]]:
    return [
        (name, field.annotation)
        for name, field in Settings.model_fields.items()
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
    ]


def site_file(tmp_path: Path, text: str, name: str = "kiosk.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(*paths: Path, overrides: dict | None = None) -> str:
    with pytest.raises(ConfigError) as exc:
        load_settings(*paths, overrides=overrides)
    return str(exc.value)


# -- One definition of each choice -----------------------------------------------------


@pytest.mark.parametrize(
    "factories, names, section",
    [
        (PRINTER_DRIVERS, ReceiptPrinterDriver, "printer"),
        (A4_PRINTER_DRIVERS, A4PrinterDriver, "a4"),
        (SCANNER_DRIVERS, ScannerDriver, "scanner"),
    ],
)
def test_a_driver_setting_offers_exactly_its_factory_s_drivers(factories, names, section):
    assert set(factories) == set(typing.get_args(names))
    assert Settings.model_fields[section].annotation.model_fields["driver"].annotation == names


def test_the_fault_and_status_choices_are_the_drivers_own():
    from drivers.printer._receipt import UNANSWERED
    from drivers.printer.a4 import FAULTS as A4_FAULTS
    from drivers.scanner import FAULTS as SCANNER_FAULTS

    def choices(section: str, key: str) -> set[str]:
        return set(typing.get_args(Settings.model_fields[section].annotation.model_fields[key].annotation))

    assert choices("scanner", "fault") == {"", *SCANNER_FAULTS}
    assert choices("a4", "fault") == {"", *A4_FAULTS}
    assert choices("printer", "status_unanswered") == set(UNANSWERED)


@pytest.mark.parametrize(
    "section, key, given",
    [
        ("printer", "driver", "laser"),
        ("a4", "driver", "lpr"),
        ("scanner", "driver", "twain"),
    ],
)
def test_an_unknown_driver_is_refused_with_the_factory_s_names(tmp_path, section, key, given):
    site = site_file(tmp_path, f'[{section}]\n{key} = "{given}"\n')
    choices = Settings.model_fields[section].annotation.model_fields[key].annotation
    assert error_of(site) == (
        f"{site}: [{section}.{key}] = {given!r}: valeurs possibles : "
        + ", ".join(repr(c) for c in typing.get_args(choices))
    )


# -- Documented defaults ---------------------------------------------------------------------


def test_every_setting_has_a_description_and_a_default():
    models = [("", Settings), *sections()]
    for section, model in models:
        assert model.__doc__, section
        for name, field in model.model_fields.items():
            assert field.description, f"{section}.{name} has no description"
            assert not field.is_required(), f"{section}.{name} has no default"
    schema = Settings.model_json_schema()  # what a technician's documentation can be made of
    ui = schema["$defs"]["UiSettings"]["properties"]["max_fps"]
    assert (ui["default"], ui["minimum"]) == (120, 0) and "8 ms" in ui["description"]


def test_the_packaged_defaults_file_says_the_models_defaults():
    import tomllib
    from importlib import resources

    text = resources.files("config").joinpath("defaults.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text)["config_version"] == CONFIG_VERSION
    assert load_settings() == Settings()


# -- Errors: one line with the file, the key, the value and what is expected --------------


@pytest.mark.parametrize("section", [name for name, _ in sections()])
def test_a_misspelt_key_in_any_section_is_an_error(tmp_path, section):
    site = site_file(tmp_path, f"[{section}]\nnmae = 1\n")
    assert error_of(site) == f"{site}: [{section}.nmae] = 1: clé inconnue (unknown key)"


@pytest.mark.parametrize(
    "text, message",
    [
        ("[ants]\nretries = true\n", "[ants.retries] = True: type attendu : int"),
        ('[ui]\ndpi = "96"\n', "[ui.dpi] = '96': type attendu : float"),
        ("[ui]\nfullscreen = 1\n", "[ui.fullscreen] = 1: type attendu : bool"),
        ("[site]\nname = 7\n", "[site.name] = 7: type attendu : str"),
        ("ui = 3\n", "[ui] = 3: doit être une section [table]"),
        ("[scanner]\noptions = 3\n", "[scanner.options] = 3: type attendu : dict"),
        ("[scanner.options]\nmode = [1]\n", "[scanner.options.mode] = [1]: un texte, un nombre ou true/false attendu"),
        ("[scanner]\nresolution = 0\n", "[scanner.resolution] = 0: entre 1 et 600 dpi"),
        ("[printer]\nstatus_timeout = -0.5\n", "[printer.status_timeout] = -0.5: doit être positif"),
        (
            '[site]\nclosing_time = "18h30"\n',
            "[site.closing_time] = '18h30': heure attendue au format HH:MM, par exemple 18:30",
        ),
        ("config_version = 0\n", f"[config_version] = 0: version {CONFIG_VERSION} attendue"),
        ('config_version = "1"\n', "[config_version] = '1': type attendu : int"),
    ],
)
def test_a_bad_value_is_one_line_for_the_technician(tmp_path, text, message):
    site = site_file(tmp_path, text)
    assert error_of(site) == f"{site}: {message}"


def test_the_error_names_the_layer_it_is_in(tmp_path):
    good = site_file(tmp_path, '[printer]\ndriver = "network"\n', "site.toml")
    bad = site_file(tmp_path, "[printer]\nport = 70000.5\n", "local.toml")
    assert error_of(good, bad) == f"{bad}: [printer.port] = 70000.5: type attendu : int"
    assert (
        error_of(good, overrides={"ants": {"timeout": "vite"}})
        == "ligne de commande: [ants.timeout] = 'vite': type attendu : float"
    )
    assert error_of(tmp_path / "absent.toml") == f"{tmp_path / 'absent.toml'}: [-] = '-': fichier introuvable"


def test_settings_built_in_code_are_checked_too():
    from pydantic import ValidationError

    from config import PrinterSettings

    with pytest.raises(ValidationError):
        PrinterSettings(driver="laser")
    assert PrinterSettings(port=9101).port == 9101


# -- Layering ------------------------------------------------------------------------------


def test_later_layers_override_key_by_key(tmp_path):
    site = site_file(
        tmp_path,
        '[scanner]\ndriver = "sane"\ndevice = "test:0"\n[scanner.options]\nmode = "Gray"\nsource = "Flatbed"\n',
        "site.toml",
    )
    local = site_file(
        tmp_path, '[scanner]\ndevice = "epson2:libusb:001:004"\n[scanner.options]\nmode = "Color"\n', "local.toml"
    )
    s = load_settings(site, local, overrides={"ui": {"fullscreen": False}})
    assert (s.scanner.driver, s.scanner.device, s.scanner.resolution) == ("sane", "epson2:libusb:001:004", 300)
    assert s.scanner.options == {"mode": "Color"}  # a table value is replaced whole, as any value
    assert (s.ui.fullscreen, s.ui.width) == (False, 1280)
    assert isinstance(s.ants.timeout, float) and s.ants.timeout == 10.0


def test_settings_keep_the_methods_the_kiosk_uses(tmp_path):
    s = load_settings(
        overrides={
            "workspace": {"root": str(tmp_path / "ws")},
            "stats": {"path": str(tmp_path / "s.db")},
            "ants": {"mock_db": str(tmp_path / "mock" / "ants.db")},
        }
    )
    assert s.workspace_root() == tmp_path / "ws"
    assert s.temp_dir() == tmp_path / f"pointnum-tmp-{__import__('os').getuid()}"
    assert s.stats_path() == tmp_path / "s.db"
    assert s.mock_db_path() == tmp_path / "mock" / "ants.db"
    assert s.mock_store_excluded() == [tmp_path / "mock"]
    s.ants.base_url = "http://127.0.0.1:9"  # the bundled mock's address, set once it listens
    assert s.ants.base_url == "http://127.0.0.1:9"


# -- Migrations of config_version --------------------------------------------------------------


def test_every_older_version_has_a_migration_with_a_message():
    assert sorted(MIGRATIONS) == list(range(1, CONFIG_VERSION))
    assert all(step.message and step.version == version for version, step in MIGRATIONS.items())


def _rename_port(data: dict) -> dict:
    printer = dict(data.get("printer", {}))
    if "port_number" in printer:
        printer["port"] = printer.pop("port_number")
    return {**data, "printer": printer}


def test_a_file_of_an_older_version_is_migrated_and_the_technician_told(tmp_path, monkeypatch, caplog):
    monkeypatch.setitem(MIGRATIONS, 0, Migration(0, "[printer] port_number s'appelle désormais port", _rename_port))
    site = site_file(tmp_path, 'config_version = 0\n[printer]\ndriver = "network"\nport_number = 9101\n')
    with caplog.at_level(logging.WARNING, logger="config._settings"):
        s = load_settings(site)
    assert (s.config_version, s.printer.driver, s.printer.port) == (CONFIG_VERSION, "network", 9101)
    assert caplog.messages[0] == (
        f"{site}: config_version 0 -> 1: [printer] port_number s'appelle désormais port (mettez le fichier à jour)"
    )
    assert [m.split(": ")[1] for m in caplog.messages[1:]] == [f"config_version {v} -> {v + 1}" for v in (1,)]
    assert "port_number" in site.read_text()  # the file is the technician's: never rewritten


def test_migrations_run_in_order_up_to_the_current_version(monkeypatch, caplog):
    monkeypatch.setattr(settings_module, "CONFIG_VERSION", 3)
    monkeypatch.setitem(MIGRATIONS, 1, Migration(1, "port_number devient port", _rename_port))
    monkeypatch.setitem(
        MIGRATIONS,
        2,
        Migration(
            2, "[ui] plein_ecran devient fullscreen", lambda d: {**d, "ui": {"fullscreen": d["ui"]["plein_ecran"]}}
        ),
    )
    with caplog.at_level(logging.WARNING, logger="config._settings"):
        data = settings_module.migrate(
            {"config_version": 1, "printer": {"port_number": 9101}, "ui": {"plein_ecran": False}}, "kiosk.toml"
        )
    assert data == {"config_version": 3, "printer": {"port": 9101}, "ui": {"fullscreen": False}}
    assert [m.split(":")[1].strip() for m in caplog.messages] == ["config_version 1 -> 2", "config_version 2 -> 3"]
    with pytest.raises(ConfigError, match=r"\[config_version\] = 4: version 3 attendue"):
        settings_module.migrate({"config_version": 4}, "kiosk.toml")


# -- How the kiosk and kioskctl report a bad site file --------------------------------------------


@pytest.mark.parametrize("command", [["kioskctl", "stats"], ["kiosk"]])
def test_a_bad_site_file_stops_the_program_with_one_line(tmp_path, command):
    site = site_file(tmp_path, '[printer]\ndriver = "laser"\n')
    program, *rest = command
    done = subprocess.run(
        [sys.executable, "-m", program, "--config", str(site), *rest],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"{program}: configuration error: {site}: [printer.driver] = 'laser': "
        "valeurs possibles : 'network', 'usb', 'serial', 'file', 'capture'"
    ]
