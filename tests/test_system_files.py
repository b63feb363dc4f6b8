"""The appliance files a technician installs: units verified by systemd itself,
scripts checked by shellcheck."""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNITS = sorted((ROOT / "systemd").glob("*.service"))


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_units_verify_clean(unit, tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.fail("systemd-analyze missing: the README's test command installs it")
    # The units point at /opt/pointnum and cage, which a test machine lacks:
    # verify a copy pointing at an executable that exists, everything else unchanged.
    text = unit.read_text().replace("/opt/pointnum/venv/bin/", "/bin/true #").replace("/usr/bin/cage", "/bin/true")
    copy = tmp_path / unit.name
    copy.write_text(text)
    for other in UNITS:  # units refer to each other
        if other != unit:
            (tmp_path / other.name).write_text(other.read_text().replace("/opt/pointnum/venv/bin/", "/bin/true #")
                                               .replace("/usr/bin/cage", "/bin/true"))
    result = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, cwd=tmp_path)
    problems = [line for line in result.stderr.splitlines()
                if unit.name in line or "Unknown" in line or "typo" in line.lower()]
    assert result.returncode == 0 and not problems, result.stderr


def test_shell_scripts_pass_shellcheck():
    if not shutil.which("shellcheck"):
        pytest.fail("shellcheck missing: the README's test command installs it")
    scripts = ["install.sh", "demo.sh", "test.sh", "scripts/bootstrap.sh", ".ci/run"]
    result = subprocess.run(["shellcheck", "-x", *scripts], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_tmpfiles_and_udev_rules_present():
    assert "d /var/lib/pointnum 0750 pointnum pointnum" in (ROOT / "systemd/tmpfiles.d/pointnum.conf").read_text()
    rules = (ROOT / "systemd/udev/70-pointnum.rules").read_text()
    assert 'ENV{libsane_matched}=="yes"' in rules and 'GROUP="lp"' in rules
