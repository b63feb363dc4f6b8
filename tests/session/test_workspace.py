import io
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from session import Workspace, WorkspaceError
from session.workspace import _is_tmpfs
from support import tmpfs_folder


def test_workspace_is_private_and_on_tmpfs(workspace_root):
    ws = Workspace(workspace_root)
    assert stat.S_IMODE(os.stat(ws.path).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(workspace_root).st_mode) == 0o700
    page = ws.add_page("identite", Image.new("RGB", (200, 300), "white"))
    assert stat.S_IMODE(os.stat(page).st_mode) == 0o600


@pytest.fixture
def disk_folder(tmp_path) -> Path:
    """A folder of ours on a disk: pytest's own, or /var/tmp where /tmp is in RAM."""
    for base in (tmp_path, Path("/var/tmp")):
        if os.access(base, os.W_OK) and not _is_tmpfs(base.resolve()):
            folder = Path(tempfile.mkdtemp(prefix="pointnum-disk-", dir=base))
            yield folder
            shutil.rmtree(folder, ignore_errors=True)
            return
    pytest.fail(f"{tmp_path} and /var/tmp are both on tmpfs: no disk folder to check the refusal with")


def test_refuses_a_disk_folder(disk_folder):
    with pytest.raises(WorkspaceError, match="n'est pas en mémoire"):
        Workspace(disk_folder / "ws")
    assert not any((disk_folder / "ws").iterdir())  # nothing written there


def test_tmpfs_is_told_by_the_mount_table(disk_folder):
    assert _is_tmpfs(tmpfs_folder().resolve())
    assert not _is_tmpfs(disk_folder.resolve())
    # a folder whose name only starts like a tmpfs mount point is not in it
    assert not _is_tmpfs(Path(str(tmpfs_folder()) + "-not-it"))


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
