"""The appliance files a technician installs: units verified by systemd itself,
the kiosk's command line as cage reads it (and run under a headless cage), the
purge before each start, scripts checked by shellcheck."""

import getopt
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from config import load_settings
from support import wait_until

ROOT = Path(__file__).resolve().parent.parent
UNITS = sorted((ROOT / "systemd").glob("*.service"))
KIOSK_UNIT = ROOT / "systemd" / "pointnum-kiosk.service"
INSTALLED_SITE = ROOT / "config" / "sites" / "prefecture.toml"  # what install.sh puts in /etc/pointnum/kiosk.toml
VENV_BIN = Path(sys.executable).parent
CAGE_OPTIONS = "dhm:rsv"  # cage 0.1.4's getopt string (cage.c); `cage -h` is checked against it below


def read_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A unit file as systemd reads it: sections of (key, value), in order, keys repeatable."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    logical = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not logical and raw.lstrip().startswith(("#", ";")):
            continue
        if raw.endswith("\\"):
            logical += raw[:-1] + " "
            continue
        line, logical = (logical + raw).strip(), ""
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        else:
            key, _, value = line.partition("=")
            current.append((key.strip(), value.strip()))
    return sections


def values(unit: dict, section: str, key: str) -> list[str]:
    return [v for k, v in unit.get(section, []) if k == key]


def command(value: str) -> list[str]:
    """An Exec*= value as argv, its special prefixes (-, @, +, !, :) dropped."""
    return shlex.split(value.lstrip("-@+!:"))


def environment(unit: dict) -> dict[str, str]:
    env = {}
    for value in values(unit, "Service", "Environment"):
        for assignment in shlex.split(value):
            name, _, val = assignment.partition("=")
            env[name] = val
    return env


def config_files(argv: list[str]) -> list[str]:
    return [argv[i + 1] for i, a in enumerate(argv) if a == "--config"]


def _host_paths(text: str) -> str:
    # The units point at /opt/pointnum and cage, which a test machine lacks:
    # verify copies pointing at an executable that exists, everything else unchanged.
    return text.replace("/opt/pointnum/venv/bin/", "/bin/true #").replace("/usr/bin/cage", "/bin/true")


def _verify(unit_text: str, name: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess, list[str]]:
    if not shutil.which("systemd-analyze"):
        pytest.fail("systemd-analyze missing: the README's test command installs it (Debian package systemd)")
    for other in UNITS:  # units refer to each other
        (tmp_path / other.name).write_text(_host_paths(other.read_text()))
    copy = tmp_path / name
    copy.write_text(_host_paths(unit_text))
    result = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    # An unknown key or a bad value only warns (exit 0): the warnings name the file.
    problems = [
        line
        for line in result.stderr.splitlines()
        if str(tmp_path) in line or name in line or "Unknown" in line or "typo" in line.lower()
    ]
    return result, problems


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_units_verify_clean(unit, tmp_path):
    result, problems = _verify(unit.read_text(), unit.name, tmp_path)
    assert result.returncode == 0 and problems == [], result.stderr


def test_the_verify_check_sees_a_misspelt_key(tmp_path):
    text = KIOSK_UNIT.read_text().replace("ExecStartPre=", "ExecStarPre=")
    result, problems = _verify(text, KIOSK_UNIT.name, tmp_path)
    assert any("ExecStarPre" in line for line in problems), result.stderr


# --- the kiosk's command line ------------------------------------------------------
def _cage_command() -> tuple[list[tuple[str, str]], list[str]]:
    (exec_start,) = values(read_unit(KIOSK_UNIT), "Service", "ExecStart")
    argv = command(exec_start)
    assert argv[0] == "/usr/bin/cage", exec_start
    options, app = getopt.getopt(argv[1:], CAGE_OPTIONS)  # as cage's own getopt: stops at "--"
    return options, app


def test_the_kiosk_runs_under_cage_without_vt_switching():
    """cage -s lets Ctrl+Alt+Fn switch to a text console: out of the kiosk."""
    options, app = _cage_command()
    assert "-s" not in [flag for flag, _ in options]
    assert app == ["/opt/pointnum/venv/bin/kiosk", "--config", "/etc/pointnum/kiosk.toml"]


def _cage() -> str:
    cage = shutil.which("cage")
    if not cage:
        pytest.fail("cage missing: apt-get install cage xwayland (the README's test command installs them)")
    return cage


def test_cage_here_reads_the_units_flags_as_meant():
    """The installed cage: -s is what allows VT switching (so none without it), and
    every flag the unit passes is one cage knows."""
    out = subprocess.run([_cage(), "-h"], capture_output=True, text=True, timeout=10)
    text = out.stdout + out.stderr
    flags = dict(re.findall(r"^ -(\w)\s+(.*)$", text, re.M))
    assert flags.get("s") == "Allow VT switching", text
    assert set(CAGE_OPTIONS.replace(":", "")) == set(flags), text  # the parse above reads as cage does
    options, _ = _cage_command()
    assert all(flag[1] in flags for flag, _ in options), text


def _headless_kiosk_command(tmp_path: Path) -> tuple[list[str], dict, Path]:
    """The unit's own ExecStart, the venv and the site file being this checkout's,
    in the unit's environment with its runtime directory under ``tmp_path``."""
    unit = read_unit(KIOSK_UNIT)
    runtime = tmp_path / "run-pointnum"
    runtime.mkdir(mode=0o700)
    site = tmp_path / "kiosk.toml"
    text, found = re.subn(
        r"(?m)^# base_url = .*$",
        'base_url = "http://127.0.0.1:9"',  # no network beyond loopback
        INSTALLED_SITE.read_text(encoding="utf-8"),
    )
    assert found == 1
    # Open whatever the day and the hour the suite runs at: no range on any day and no closed
    # day is "always open" (config/_settings.py HoursSettings); the closed screen has its own tests.
    text, ranges = re.subn(
        r"(?m)^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|closed_days) = .*\n", "", text
    )
    assert ranges > 0
    site.write_text(
        text + f'\n[workspace]\nroot = "{runtime}/sessions"\n[stats]\npath = "{tmp_path}/stats.db"\n', encoding="utf-8"
    )
    (exec_start,) = values(unit, "Service", "ExecStart")
    line = (
        exec_start.replace("/opt/pointnum/venv/bin/", f"{VENV_BIN}/")
        .replace("/etc/pointnum/kiosk.toml", str(site))
        .replace("/usr/bin/cage", _cage())
    )
    env = {
        k: v.replace("/run/pointnum", str(runtime)).replace("/var/cache/pointnum", str(tmp_path))
        for k, v in environment(unit).items()
    }
    env.update(
        PATH="/usr/bin:/bin",
        HOME=str(tmp_path),
        LANG="C.UTF-8",
        WLR_BACKENDS="headless",
        WLR_RENDERER="pixman",
        WLR_LIBINPUT_NO_DEVICES="1",
    )
    return command(line), env, runtime


def test_the_units_command_line_shows_the_kiosk_under_headless_cage(tmp_path):
    """The unit's ExecStart, run as a user that is not root (cage refuses root), under
    cage's headless backend: Kivy opens its window on cage's Xwayland, the only display
    it is given. Its own user namespace and /tmp/.X11-unix, as the unit's PrivateTmp."""
    argv, env, runtime = _headless_kiosk_command(tmp_path)
    assert "WAYLAND_DISPLAY" not in env and "DISPLAY" not in env
    shell = (
        "mkdir -p /tmp/.X11-unix && mount -t tmpfs -o mode=1777 tmpfs /tmp/.X11-unix && "
        "exec unshare --user --map-user=1000 --map-group=1000 env -i "
        + shlex.join([f"{k}={v}" for k, v in env.items()] + argv)
    )
    log = tmp_path / "kiosk.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", shell],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=tmp_path,
        )
    try:

        def shown():
            text = log.read_text(errors="replace")
            if proc.poll() is not None:
                pytest.fail(f"cage ended ({proc.returncode}) before the kiosk's window:\n{text[-4000:]}")
            return "Start application main loop" in text and "GL: OpenGL version" in text

        wait_until(shown, timeout=60, interval=0.1, message="the kiosk's window under cage")
        assert (runtime / "wayland-0").is_socket()  # cage's own display, in the unit's XDG_RUNTIME_DIR
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


# --- the purge before each start ---------------------------------------------------
def _purges() -> list[tuple[Path, str, list[str]]]:
    """Every command in the units that runs ``kioskctl ... purge``: (unit, key, argv)."""
    found = []
    for path in UNITS:
        for key, value in read_unit(path).get("Service", []):
            if key.startswith("Exec"):
                argv = command(value)
                if argv[0].endswith("/kioskctl") and "purge" in argv:
                    found.append((path, key, argv))
    return found


def test_the_purge_runs_before_every_start_of_the_kiosk_with_its_context():
    """In the kiosk's own unit, before each start (automatic restarts too), with its user,
    environment and runtime directory (so workspace_root() finds /run/pointnum as the
    kiosk does) and its site file. A unit of its own, once a boot, purged another folder."""
    purges = _purges()
    assert [(p.name, key) for p, key, _ in purges] == [(KIOSK_UNIT.name, "ExecStartPre")]
    unit = read_unit(KIOSK_UNIT)
    assert values(unit, "Service", "Restart") == ["always"]
    ((_, _, purge),) = purges
    _, app = _cage_command()
    assert config_files(purge) == config_files(app) == ["/etc/pointnum/kiosk.toml"]


def test_the_purge_empties_the_folder_the_kiosk_computes_from_the_installed_site_file(tmp_path):
    """The ExecStartPre command line itself, in the unit's environment, reads the site
    file as the kiosk does and deletes what a killed session left in the kiosk's folder."""
    unit = read_unit(KIOSK_UNIT)
    (exec_pre,) = values(unit, "Service", "ExecStartPre")
    site = tmp_path / "kiosk.toml"
    site.write_text(
        INSTALLED_SITE.read_text(encoding="utf-8")
        + f'\n[workspace]\nroot = "{tmp_path}/ram/sessions"\n[stats]\npath = "{tmp_path}/stats.db"\n',
        encoding="utf-8",
    )
    kiosk_folder = load_settings(site).workspace_root()  # kiosk/__main__.py: load_settings(*--config)
    leftover = kiosk_folder / "ws-killed"
    (leftover / "pages").mkdir(parents=True)
    (leftover / "pages" / "page-1.png").write_bytes(b"scan")
    argv = command(
        exec_pre.replace("/opt/pointnum/venv/bin/", f"{VENV_BIN}/").replace("/etc/pointnum/kiosk.toml", str(site))
    )
    env = dict(
        os.environ,
        **{
            k: v.replace("/run/pointnum", str(tmp_path / "ram")).replace("/var/cache/pointnum", str(tmp_path))
            for k, v in environment(unit).items()
        },
    )
    out = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1 espace(s) de travail supprimé(s)"
    assert kiosk_folder.is_dir() and list(kiosk_folder.iterdir()) == []
    stats = subprocess.run([*argv[:-1], "stats"], capture_output=True, text=True, env=env, timeout=60)
    assert stats.stdout.splitlines()[-1] == "1 session(s) interrompue(s) par un plantage (crash), sans date", (
        stats.stdout + stats.stderr
    )


# --- scripts and the other files ---------------------------------------------------
def test_shell_scripts_pass_shellcheck():
    if not shutil.which("shellcheck"):
        pytest.fail("shellcheck missing: install Debian's shellcheck (the README's test command installs it)")
    scripts = shell_scripts()
    assert {"install.sh", "demo.sh", "test.sh", "scripts/bootstrap.sh", ".ci/run"} <= set(scripts)
    result = subprocess.run(["shellcheck", "-x", *scripts], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout


def shell_scripts() -> list[str]:
    """Every file of the checkout that is a shell script: a .sh name, or a sh/bash first line."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    found = []
    for name in filter(None, listed.split("\0")):
        path = ROOT / name
        if not path.is_file():
            continue
        with open(path, "rb") as f:
            first = f.readline(200)
        if name.endswith(".sh") or re.match(rb"#!\S*(/|env )(ba)?sh\b", first):
            found.append(name)
    return sorted(found)


def test_the_journal_is_kept_in_ram_by_a_drop_in_install_sh_installs():
    text = (ROOT / "systemd/journald.conf.d/pointnum.conf").read_text()
    settings = dict(line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#"))
    assert settings["Storage"] == "volatile" and settings["ForwardToSyslog"] == "no"
    assert "systemd/journald.conf.d/pointnum.conf" in (ROOT / "install.sh").read_text()


def test_the_units_stop_writes_the_kiosk_down_for_node_exporter():
    unit = read_unit(KIOSK_UNIT)
    (stop,) = values(unit, "Service", "ExecStopPost")
    argv = command(stop)
    assert argv[0] == "/opt/pointnum/venv/bin/kioskctl" and argv[-2:] == ["metrics", "--down"]
    assert config_files(argv) == ["/etc/pointnum/kiosk.toml"]


def test_tmpfiles_and_udev_rules_present():
    tmpfiles = (ROOT / "systemd/tmpfiles.d/pointnum.conf").read_text()
    assert "d /var/lib/pointnum 0750 pointnum pointnum" in tmpfiles
    # node_exporter (its own user) reads the textfile: a folder of its own, 0755, that the kiosk may write.
    assert "d /var/lib/pointnum-metrics 0755 pointnum pointnum -" in tmpfiles
    assert "/var/lib/pointnum-metrics" in values(read_unit(KIOSK_UNIT), "Service", "ReadWritePaths")[0].split()
    rules = (ROOT / "systemd/udev/70-pointnum.rules").read_text()
    assert 'ENV{libsane_matched}=="yes"' in rules and 'GROUP="lp"' in rules
