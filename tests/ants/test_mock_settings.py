"""The mock's settings: a documented default per field, strict values, the
tables a file changes entry by entry, and one line per error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from ants.mock.settings import MockSettings, SettingsError


def test_every_setting_has_a_description_and_a_default():
    for name, field in MockSettings.model_fields.items():
        assert field.description, name
        assert not field.is_required(), name


def test_a_file_changes_only_the_entries_it_names(tmp_path):
    path = tmp_path / "mock.toml"
    path.write_text("[frais]\ncg_acheminement = 2.80\n[page_limits]\nidentite = 3\n", encoding="utf-8")
    settings = MockSettings.from_toml(path)
    defaults = MockSettings()
    assert settings.frais == {**defaults.frais, "cg_acheminement": Decimal("2.80")}
    assert settings.page_limits == {**defaults.page_limits, "identite": 3}
    assert settings.frais["cg_acheminement"] == Decimal("2.80")  # to the cent, no float's 2.7999…


@pytest.mark.parametrize(
    "data, message",
    [
        ({"max_upload_bytes": 0}, "settings: max_upload_bytes must be > 0, not 0"),
        ({"seed_timbres": 2.0}, "settings: seed_timbres must be an integer, not 2.0"),
        ({"agent_token": 12}, "settings: agent_token must be a string, not 12"),
        (
            {"franceconnect_redirect_uris": "http://localhost/cb"},
            "settings: franceconnect_redirect_uris must be a list, not 'http://localhost/cb'",
        ),
        ({"page_limits": {"identite": 0}}, "settings: page_limits must be >= 1, not 0 (page_limits.identite)"),
        ({"frais": {"cni_perte_vol": "vingt"}}, "settings: frais must be an amount, not 'vingt' (frais.cni_perte_vol)"),
        ({"timbre_amounts": {"casse": 25}}, "settings: timbre_amounts needs perte, vol, deterioration"),
        (
            {"coordination_test_ids": {"SOLOCAL001": "used"}},
            "settings: coordination_test_ids is validated, declared, consumed or expired, not 'used' "
            "(coordination_test_ids.SOLOCAL001)",
        ),
        ({"code_cession_length": 3}, "settings: code_cession_length must be >= 4, not 3"),
        (
            {"code_cession_alphabet": "ABC-12345678"},
            "settings: code_cession_alphabet must be 10 or more different letters and digits, not 'ABC-12345678'",
        ),
        (
            {"numero_format": "PC{year}"},
            "settings: numero_format may use the fields {annee}, {seq} and {alea} only, not 'PC{year}'",
        ),
        ({"pannes": [{"chemin": "/api", "statut": 200}]}, "settings: statut must be >= 400, not 200 (pannes.0.statut)"),
        (
            {"pannes": [{"mode": "erreur", "probabilite": 0}]},
            "settings: probabilite must be > 0, not 0 (pannes.0.probabilite)",
        ),
        (
            {"pannes": [{"chemin": "/", "chemn": "/", "method": "GET"}]},
            "settings: unknown key(s) chemn, method (pannes.0)",
        ),
        ({"nombre": 1, "pannes": []}, "settings: unknown key(s) nombre"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_key_and_what_it_must_be(data, message):
    with pytest.raises(SettingsError) as exc:
        MockSettings.from_mapping(data)
    assert str(exc.value) == message


def test_a_bad_file_is_named(tmp_path):
    path = tmp_path / "mock.toml"
    path.write_text('session_ttl_seconds = "1h"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as exc:
        MockSettings.from_toml(path)
    assert str(exc.value) == f"{path}: session_ttl_seconds must be an integer, not '1h'"


def test_faults_from_start_up_are_tables_with_their_types():
    settings = MockSettings.from_mapping({"pannes": [{"chemin": "/api/v1/demandes", "mode": "latence", "delai_s": 2}]})
    assert settings.pannes == [{"chemin": "/api/v1/demandes", "mode": "latence", "delai_s": 2.0}]


def test_settings_cannot_change_once_made():
    settings = MockSettings()
    with pytest.raises(ValidationError):
        settings.max_upload_bytes = 1  # type: ignore[misc]
