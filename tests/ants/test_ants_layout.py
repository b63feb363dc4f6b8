"""What the ants package may import, and its shipped settings example."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ants.mock.settings import MockSettings, SettingsError

ANTS = Path(__file__).resolve().parents[2] / "ants"


def imported_roots(folder: Path) -> set[str]:
    roots = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots.add(node.module.split(".")[0])
    return roots


def test_mock_never_imports_the_kiosk_side():
    assert imported_roots(ANTS / "mock") & {"session", "kiosk", "drivers", "config", "kioskctl"} == set()


def test_client_never_imports_ui_or_session():
    assert imported_roots(ANTS) & {"session", "kiosk", "drivers", "kivy"} == set()


def test_settings_example_is_the_defaults():
    assert MockSettings.from_toml(ANTS / "mock" / "settings.example.toml") == MockSettings()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"page_limits": {"identite": 0, "domicile": 1, "recepisse_vol": 1}}, "page_limits must be >= 1"),
        ({"numero_format": "{nope}"}, "numero_format"),
        ({"numero_format": "a/{seq}"}, "6-40 letters"),
        ({"vol_requires_recepisse": "yes"}, "must be true or false"),
        ({"test_cards": {"4970100000000014": "ok"}}, "outcomes"),
    ],
)
def test_bad_settings_are_refused(data, message):
    with pytest.raises(SettingsError, match=message):
        MockSettings.from_mapping(data)


def test_procedures_md_documents_every_procedure():
    from ants.mock import procedures

    text = (ANTS / "mock" / "PROCEDURES.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `([a-z-]+)`", text, flags=re.M))
    assert documented == {p.id for p in procedures.all_procedures()}
    assert len(documented) == 16


def test_mock_modules_stay_focused():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (ANTS / "mock").glob("*.py")}
    assert max(sizes.values()) < 500, sizes
