"""Services for headless runs against the mock: the simulated scanner at low
resolution, the capture printers (receipt and A4), a tmpfs workspace."""

import os
import shutil

import pytest

from config import load_settings
from config.factories import build_services
from support import tmpfs_folder


@pytest.fixture(scope="module")
def services(tmp_path_factory, mock_backend):
    tmp = tmp_path_factory.mktemp("headless")
    root = os.path.join(tmpfs_folder(), f"pointnum-headless-{os.getpid()}-{tmp.name}")
    site = tmp / "site.toml"
    site.write_text(f"""config_version = 1
[site]
name = "Sous-préfecture d'essai"
[ants]
base_url = "{mock_backend.url}"
mock_db = "{mock_backend.db}"
retries = 0
[scanner]
driver = "simulated"
resolution = 50
[printer]
driver = "capture"
[a4]
driver = "capture"
[workspace]
root = "{root}"
[stats]
path = "{tmp / "stats.db"}"
""")
    built = build_services(load_settings(site))
    built.site_file = site
    yield built
    built.close()
    shutil.rmtree(root, ignore_errors=True)
