"""The Prometheus textfile: checked by Prometheus' own promtool, written so that
node_exporter never reads half of it, its figures from the real statistics and
the real printers' answers."""

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from config import load_settings
from drivers.devices import DeviceStatus
from drivers.printer import PrinterPaperOut
from kioskctl import metrics
from session import SessionFigures, StatsStore

ROOT = Path(__file__).resolve().parents[2]


def promtool(text: str) -> subprocess.CompletedProcess:
    if not shutil.which("promtool"):
        pytest.fail("promtool missing: install Debian's prometheus (the README's test command installs it)")
    return subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)


def samples(text: str) -> dict[str, float]:
    return {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }


@pytest.fixture
def settings(tmp_path):
    site = tmp_path / "kiosk.toml"
    site.write_text(
        'config_version = 1\n[site]\ncode = "PREF-83"\ndepartement = "83"\n'
        f'[stats]\npath = "{tmp_path / "stats.db"}"\n[metrics]\ntextfile = "{tmp_path / "tf" / "pointnum.prom"}"\n'
    )
    return load_settings(site)


def fill(settings) -> None:
    store = StatsStore(settings.stats_path())
    for outcome, help_calls, pages in [("submitted", 1, 3), ("submitted", 0, 2), ("idle", 2, 0), ("crash", 0, 0)]:
        store.record(
            SessionFigures(procedure="permis-perte", outcome=outcome, help_calls=help_calls, pages_scanned=pages)
        )
    row = store.record(SessionFigures(procedure="cg-cession", outcome="abandoned", receipts_printed=1))
    store.mark_wipe_failed(row)
    store.close()
    StatsStore(settings.stats_path(), training=True).record(SessionFigures(outcome="submitted"))


def test_the_textfile_passes_promtool_and_says_the_statistics(settings):
    fill(settings)
    devices = [metrics.DeviceState("scanner", True), metrics.DeviceState("printer", False, paper_out=True)]
    text = metrics.render(settings, up=True, devices=devices, open_now=True, now=1_700_000_000.5)
    checked = promtool(text)
    assert (checked.returncode, checked.stderr) == (0, ""), checked.stderr
    got = samples(text)
    assert got["pointnum_up"] == 1 and got["pointnum_site_open"] == 1
    assert got['pointnum_site_info{site="PREF-83",departement="83"}'] == 1
    assert got['pointnum_sessions_total{outcome="submitted",training="0"}'] == 2
    assert got['pointnum_sessions_total{outcome="submitted",training="1"}'] == 1
    assert got['pointnum_sessions_total{outcome="idle",training="0"}'] == 1
    assert got['pointnum_sessions_total{outcome="closing",training="0"}'] == 0  # every series, even at 0
    assert got["pointnum_help_calls_total"] == 3 and got["pointnum_pages_scanned_total"] == 5
    assert got["pointnum_wipe_failures_total"] == 1 and got["pointnum_receipts_printed_total"] == 1
    assert got['pointnum_paper_out{device="printer"}'] == 1 and got['pointnum_device_up{device="scanner"}'] == 1
    assert got["pointnum_metrics_written_timestamp_seconds"] == 1_700_000_000.5
    assert got["pointnum_last_session_end_timestamp_seconds"] == round(settings.stats_path().stat().st_mtime)


def test_promtool_here_refuses_a_broken_file():
    """The check above can fail: a family typed twice is a parse error."""
    broken = "# TYPE pointnum_up gauge\npointnum_up 1\n# TYPE pointnum_up gauge\npointnum_up 1\n"
    assert promtool(broken).returncode == 1


def test_no_statistics_yet_is_a_valid_file_of_zeros(settings):
    text = metrics.render(settings, up=False)
    assert promtool(text).returncode == 0
    assert samples(text)["pointnum_up"] == 0 and samples(text)["pointnum_help_calls_total"] == 0


def test_a_reader_never_sees_half_a_file(settings):
    """node_exporter reads while the kiosk writes: each read is one whole version."""
    path = settings.metrics_path()
    versions = {metrics.render(settings, up=bool(i % 2), now=float(i)) for i in range(2)}
    metrics.write_textfile(path, sorted(versions)[0])
    seen, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            seen.append(path.read_text(encoding="utf-8"))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(300):
            metrics.write_textfile(path, sorted(versions)[i % 2])
    finally:
        stop.set()
        reader.join(timeout=10)
    assert seen and set(seen) <= versions
    assert [p.name for p in path.parent.iterdir()] == ["pointnum.prom"]  # no temporary file left
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_failed_write_keeps_the_previous_file(settings, monkeypatch):
    path = metrics.write(settings, up=True)
    before = path.read_text()

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(metrics.os, "replace", full_disk)
    with pytest.raises(OSError):
        metrics.write(settings, up=False)
    assert path.read_text() == before and [p.name for p in path.parent.iterdir()] == ["pointnum.prom"]


def test_the_running_kiosks_device_status_becomes_device_metrics():
    status = DeviceStatus()
    status.report_error("printer", PrinterPaperOut("no paper"))
    states = {d.device: d for d in metrics.from_device_status(status, simulated=("scanner",))}
    assert states["printer"] == metrics.DeviceState("printer", up=False, paper_out=True)
    assert states["scanner"].up
    status.clear_error("printer")
    assert not {d.device: d for d in metrics.from_device_status(status)}["printer"].paper_out


@pytest.mark.parametrize(
    ("state", "up", "paper_out", "paper_low"), [("ok", 1, 0, 0), ("paper-out", 0, 1, 0), ("paper-low", 1, 0, 1)]
)
def test_kioskctl_metrics_asks_the_real_printer(tmp_path, tcp_printer, state, up, paper_out, paper_low):
    tcp_printer.status = state
    site = tmp_path / "kiosk.toml"
    prom = tmp_path / "pointnum.prom"
    site.write_text(
        f'config_version = 1\n[printer]\ndriver = "network"\nhost = "127.0.0.1"\nport = {tcp_printer.port}\n'
        f'status_timeout = 0.5\n[stats]\npath = "{tmp_path / "s.db"}"\n[metrics]\ntextfile = "{prom}"\n'
    )
    out = subprocess.run(
        [sys.executable, "-m", "kioskctl", "--config", str(site), "metrics"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert out.returncode == 0 and out.stdout.strip() == str(prom), out.stderr
    got = samples(prom.read_text())
    assert got['pointnum_device_up{device="printer"}'] == up
    assert got['pointnum_paper_out{device="printer"}'] == paper_out
    assert got['pointnum_paper_low{device="printer"}'] == paper_low
    assert promtool(prom.read_text()).returncode == 0


def test_kioskctl_metrics_down_after_the_kiosk_stopped(tmp_path):
    site = tmp_path / "kiosk.toml"
    prom = tmp_path / "pointnum.prom"
    site.write_text(f'config_version = 1\n[stats]\npath = "{tmp_path / "s.db"}"\n[metrics]\ntextfile = "{prom}"\n')
    out = subprocess.run(
        [sys.executable, "-m", "kioskctl", "--config", str(site), "metrics", "--down"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    got = samples(prom.read_text())
    assert got["pointnum_up"] == 0 and got["pointnum_site_open"] == 1  # no hours: always open
