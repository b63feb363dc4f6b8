"""The fleet's files for the tools a préfecture already runs: Prometheus' alert
rules (promtool checks them and runs their unit tests), the Ansible playbook and
its inventory (ansible-playbook --syntax-check, ansible-lint's production profile),
and the site file each kiosk of the inventory gets."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from config import load_settings
from kioskctl import metrics

ROOT = Path(__file__).resolve().parent.parent
PROMETHEUS = ROOT / "deploy" / "prometheus"
ANSIBLE = ROOT / "deploy" / "ansible"
PACKAGES = {"promtool": "prometheus", "ansible-playbook": "ansible-core", "ansible-inventory": "ansible-core"}
PACKAGES["ansible-lint"] = "ansible-lint"


def tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} missing: install Debian's {PACKAGES[name]} (the README's test command installs it)")
    return path


def run(argv, cwd, home: Path) -> subprocess.CompletedProcess:
    # Ansible writes ~/.ansible and ~/.cache/ansible-compat: a home of the test's own.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "ANSIBLE_NOCOLOR": "1"}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


# -- Prometheus ---------------------------------------------------------------------


def test_the_alert_rules_pass_promtool(tmp_path):
    out = run([tool("promtool"), "check", "rules", "pointnum-alerts.yml"], PROMETHEUS, tmp_path)
    assert out.returncode == 0 and "SUCCESS: 4 rules found" in out.stdout, out.stdout + out.stderr
    assert out.stderr == ""


def test_the_alerts_fire_as_meant_in_promtools_unit_tests(tmp_path):
    """Paper out 10 min while open (not while closed), a kiosk down, a wipe failure."""
    out = run([tool("promtool"), "test", "rules", "pointnum-alerts.test.yml"], PROMETHEUS, tmp_path)
    assert out.returncode == 0 and "SUCCESS" in out.stdout, out.stdout + out.stderr


def test_promtool_here_fails_a_rule_that_does_not_fire(tmp_path):
    """The unit tests above can fail: expecting the paper alert at 9 minutes is wrong."""
    text = (PROMETHEUS / "pointnum-alerts.test.yml").read_text(encoding="utf-8")
    broken = text.replace("eval_time: 12m", "eval_time: 9m", 1)
    assert broken != text
    (tmp_path / "pointnum-alerts.yml").write_text((PROMETHEUS / "pointnum-alerts.yml").read_text(encoding="utf-8"))
    (tmp_path / "t.yml").write_text(broken)
    out = run([tool("promtool"), "test", "rules", "t.yml"], tmp_path, tmp_path)
    assert out.returncode == 1 and "FAILED" in out.stdout + out.stderr


def test_the_rules_use_only_metrics_the_kiosk_writes(tmp_path):
    site = tmp_path / "kiosk.toml"
    site.write_text(f'[stats]\npath = "{tmp_path / "s.db"}"\n')
    written = metrics.render(
        load_settings(site), up=True, devices=[metrics.DeviceState("printer", True)], open_now=True
    )
    names = set(re.findall(r"^# TYPE (\w+) ", written, re.M))
    used = set(re.findall(r"\b(pointnum_\w+)", (PROMETHEUS / "pointnum-alerts.yml").read_text(encoding="utf-8")))
    assert used and used <= names, used - names


# -- Ansible ------------------------------------------------------------------------


def test_the_playbook_passes_the_syntax_check(tmp_path):
    out = run(
        [tool("ansible-playbook"), "--syntax-check", "-i", "inventory.example.ini", "playbook.yml"],
        ANSIBLE,
        tmp_path,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "[WARNING]" not in out.stderr, out.stderr


def test_the_playbook_passes_ansible_lint_production_profile(tmp_path):
    out = run([tool("ansible-lint"), "--profile", "production", "playbook.yml"], ANSIBLE, tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Passed with production profile: 0 failure(s), 0 warning(s)" in re.sub(r"\x1b\[[0-9;]*m", "", out.stderr)


def test_ansible_lint_here_refuses_a_script_task_that_always_changes(tmp_path):
    """A task running install.sh with neither creates: nor changed_when: reports a change on every run."""
    text = (ANSIBLE / "playbook.yml").read_text(encoding="utf-8")
    broken = text.replace("        creates: /opt/pointnum/venv/bin/kiosk\n", "", 1)
    assert broken != text
    shutil.copytree(ANSIBLE, tmp_path / "ansible")
    (tmp_path / "ansible" / "playbook.yml").write_text(broken)
    out = run([tool("ansible-lint"), "--profile", "production", "playbook.yml"], tmp_path / "ansible", tmp_path)
    assert out.returncode != 0 and "no-changed-when" in out.stdout + out.stderr, out.stdout + out.stderr


def test_each_kiosk_of_the_inventory_has_a_ready_site_file(tmp_path):
    out = run([tool("ansible-inventory"), "-i", "inventory.example.ini", "--list"], ANSIBLE, tmp_path)
    assert out.returncode == 0, out.stderr
    hosts = json.loads(out.stdout)["_meta"]["hostvars"]
    assert sorted(hosts) == ["borne-draguignan-1", "borne-toulon-1", "borne-toulon-2"]
    for name, host in hosts.items():
        path = ANSIBLE / "sites" / host["pointnum_site_file"]
        settings = load_settings(path)
        assert settings.backend_error([str(path)]) is None, name
        template = "prefecture" if "toulon" in name else "sous-prefecture"
        expected = (ROOT / "config/sites" / f"{template}.toml").read_text(encoding="utf-8")
        ours = path.read_text(encoding="utf-8")
        assert [a for a, b in zip(ours.splitlines(), expected.splitlines(), strict=True) if a != b] == [
            'base_url = "https://ants.invalid"  # replace with the address of the ANTS service'
        ]
