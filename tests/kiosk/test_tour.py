"""The demo's headless tour (kiosk/tour.py) is a product feature: it stands on
the kiosk's own API and Kivy's public pieces, not on Kivy's test helpers, and
its checks are code that raises a TourError saying where the kiosk did not
follow, so they still hold under ``python -O``."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOUR = ROOT / "kiosk" / "tour.py"

# Runs the headless demo as `kiosk --demo` does, then says which kivy.tests modules it loaded.
# No `assert` here either: the child runs under -O.
CHILD = """
import sys
from kiosk.__main__ import main
rc = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m == "kivy.tests" or m.startswith("kivy.tests."))
print("kivy.tests modules:", loaded)
sys.exit(rc)
"""


def test_the_tour_has_no_assert_and_no_kivy_test_helper():
    tree = ast.parse(TOUR.read_text())
    asserts = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Assert)]
    imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module] + [
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    ]
    assert asserts == []
    assert [m for m in imported if m.startswith("kivy.tests")] == []


def test_the_tour_completes_under_python_O_without_loading_kivy_tests(tmp_path, workspace_root, unused_port):
    site = tmp_path / "site.toml"
    site.write_text(f"""config_version = 1
[ants]
base_url = "http://127.0.0.1:{unused_port}"
mock_db = "{tmp_path / "mock.db"}"
[workspace]
root = "{workspace_root}"
[stats]
path = "{tmp_path / "stats.db"}"
""")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    out = tmp_path / "shots"
    result = subprocess.run(
        [sys.executable, "-O", "-c", CHILD, "--demo", "--config", str(site), "--screenshots", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "kivy.tests modules: []" in result.stdout
    assert "No screen here: the demo ran offscreen through 13 screens." in result.stdout
    assert len(list(out.glob("*.png"))) == 13


def test_a_step_that_does_not_follow_stops_the_tour_with_a_sentence(kivy_window, make_services, mock_backend, tmp_path):
    from kiosk.tour import DEMO_USER, TourError, run_headless_demo

    services = make_services(ants={"base_url": mock_backend.url, "mock_db": str(mock_backend.db)})
    no_such_day = dict(DEMO_USER, date_naissance="31/02/1985")
    out = tmp_path / "shots"

    with pytest.raises(TourError) as failed:
        run_headless_demo(services, out, user=no_such_day)

    assert str(failed.value) == (
        "after « Continuer » on the step 'etat-civil', the kiosk shows the step "
        "'etat-civil', not 'adresse'; the step marks date_naissance as wrong"
    )
    # The screens up to the one that did not follow were taken, and no further.
    assert sorted(p.name for p in out.glob("*.png"))[-1] == "06-etape-2-etat-civil.png"
    assert len(list(out.glob("*.png"))) == 6
