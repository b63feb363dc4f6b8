from importlib import resources

import pytest

from config import ConfigError, load_settings


def test_packaged_defaults_and_every_site_template_load():
    assert load_settings().scanner.driver == "simulated"
    for template in resources.files("config").joinpath("sites").iterdir():
        if template.name.endswith(".toml"):
            load_settings(str(template))


def test_site_file_overrides_defaults(tmp_path):
    site = tmp_path / "kiosk.toml"
    site.write_text(
        'config_version = 1\n[site]\nname = "Sous-préfecture de Brest"\n[printer]\ndriver = "network"\nport = 9101\n'
    )
    s = load_settings(site)
    assert (s.site.name, s.printer.driver, s.printer.port, s.printer.profile) == (
        "Sous-préfecture de Brest",
        "network",
        9101,
        "TM-T20II",
    )


@pytest.mark.parametrize(
    "text, key, value",
    [
        ('[printer]\ndriver = "laser"\n', "printer.driver", "'laser'"),
        ('[printer]\nport = "9100"\n', "printer.port", "'9100'"),
        ('[scaner]\ndriver = "sane"\n', "scaner", "{'driver': 'sane'}"),
        ("[ants]\ntimeout = -1\n", "ants.timeout", "-1"),
        ("config_version = 7\n", "config_version", "7"),
    ],
)
def test_bad_values_name_file_key_and_value(tmp_path, text, key, value):
    site = tmp_path / "kiosk.toml"
    site.write_text(text)
    with pytest.raises(ConfigError) as exc:
        load_settings(site)
    message = str(exc.value)
    assert message.startswith(f"{site}: [{key}] = {value}:"), message


def test_broken_toml_is_reported_with_its_file(tmp_path):
    site = tmp_path / "kiosk.toml"
    site.write_text("[site\nname = 1")
    with pytest.raises(ConfigError, match=str(site)):
        load_settings(site)
