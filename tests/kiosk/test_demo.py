"""The README's demo command on a machine with no screen: `kiosk --demo`
starts the bundled mock backend, runs offscreen through the whole flow and
says where its screenshots are."""

import os
import subprocess
import sys


def test_headless_demo_runs_and_says_where_the_screenshots_are(tmp_path, workspace_root, unused_port):
    port = unused_port
    site = tmp_path / "site.toml"
    site.write_text(f"""config_version = 1
[ants]
base_url = "http://127.0.0.1:{port}"
mock_db = "{tmp_path / "mock.db"}"
[workspace]
root = "{workspace_root}"
[stats]
path = "{tmp_path / "stats.db"}"
""")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    out = tmp_path / "shots"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--demo", "--config", str(site), "--screenshots", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Screenshots: {out}" in result.stdout
    shots = sorted(p.name for p in out.glob("*.png"))
    assert len(shots) == 13 and shots[0] == "01-accueil.png" and shots[-1] == "13-au-revoir.png"
    # The mock it started is gone with it.
    import socket

    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
