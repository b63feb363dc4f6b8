"""The lint and the type check, run with the test suite (./test.sh, and so CI):
ruff and mypy as pyproject.toml configures them, strict on session/ and
drivers/, ordinary elsewhere."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_ruff_finds_nothing():
    done = run_tool("ruff", "check", "--no-fix", "--output-format", "concise", ".")
    assert done.returncode == 0, f"ruff check:\n{done.stdout}{done.stderr}"


def test_ruff_format_has_nothing_to_change():
    done = run_tool("ruff", "format", "--check", ".")
    assert done.returncode == 0, f"ruff format --check (run `ruff format .`):\n{done.stdout}{done.stderr}"


def test_mypy_finds_nothing():
    done = run_tool("mypy")  # the packages and the flags: [tool.mypy] in pyproject.toml
    assert done.returncode == 0, f"mypy:\n{done.stdout}{done.stderr}"


def test_mypy_checks_every_installed_package():
    installed = {name.rstrip("*") for name in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]}
    assert set(PYPROJECT["tool"]["mypy"]["files"]) == installed


def test_session_and_drivers_are_checked_strictly():
    strict = next(o for o in PYPROJECT["tool"]["mypy"]["overrides"] if "session.*" in o["module"])
    assert {"session", "session.*", "drivers", "drivers.*"} <= set(strict["module"])
    assert all(
        strict[flag] is True
        for flag in (
            "disallow_any_generics",
            "disallow_subclassing_any",
            "disallow_untyped_calls",
            "disallow_untyped_defs",
            "disallow_incomplete_defs",
            "check_untyped_defs",
            "disallow_untyped_decorators",
            "warn_return_any",
            "no_implicit_reexport",
            "strict_equality",
            "extra_checks",
        )
    )
