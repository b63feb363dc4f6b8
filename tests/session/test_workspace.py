import io
import os

import pikepdf
import stat

import pytest
from PIL import Image

from session import Workspace, WorkspaceError


def test_workspace_is_private_and_on_tmpfs(workspace_root):
    ws = Workspace(workspace_root)
    assert stat.S_IMODE(os.stat(ws.path).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(workspace_root).st_mode) == 0o700
    page = ws.add_page("identite", Image.new("RGB", (200, 300), "white"))
    assert stat.S_IMODE(os.stat(page).st_mode) == 0o600


def test_refuses_a_disk_folder(tmp_path):
    if os.path.realpath(tmp_path).startswith("/dev/shm"):
        pytest.skip("tmp_path is on tmpfs here")
    with pytest.raises(WorkspaceError):
        Workspace(tmp_path / "ws")


def test_pages_assemble_into_one_pdf(workspace_root):
    ws = Workspace(workspace_root)
    for colour in ("red", "blue", "green"):
        ws.add_page("domicile", Image.new("RGB", (620, 877), colour))
    ws.remove_page("domicile")
    pdf = ws.piece_pdf("domicile")
    assert ws.page_count("domicile") == 2
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == 2


def test_wipe_removes_everything(workspace_root):
    ws = Workspace(workspace_root)
    ws.add_page("identite", Image.new("RGB", (100, 100)))
    report = ws.wipe()
    assert report.clean and report.removed_files == 2  # the page and its preview
    assert not ws.path.exists() and list(workspace_root.iterdir()) == []
