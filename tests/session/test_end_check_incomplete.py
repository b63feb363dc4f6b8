"""The wipe's check at the end of a session claims clean only when it read
everything the kiosk may have written: a file it could not read (too large,
past the time or byte bound) leaves the end not clean, so the kiosk takes the
"hors service" path instead of saying the data were erased."""

from __future__ import annotations

from ants import AntsClient
from session import Catalogue, UserSession
from support import free_port


def make_session(workspace_root, temp_dir) -> UserSession:
    return UserSession(
        Catalogue.load()["permis-perte"],
        workspace_root=workspace_root,
        client=AntsClient(f"http://127.0.0.1:{free_port()}", retries=0, timeout=1),
        scanner=None,
        printer=None,
        site_name="Essai",
        suivi_url="{numero}",
        check_places=[workspace_root, temp_dir],
    )


def test_a_file_too_large_to_search_leaves_the_end_not_clean(workspace_root, tmp_path):
    import session.wipe as wipe

    session = make_session(workspace_root, tmp_path)
    session.wizard.values["nom_naissance"] = "Zorglubienne"
    big = tmp_path / "written-during-the-session.bin"
    with open(big, "wb") as fh:  # sparse: costs nothing, larger than the search reads
        fh.truncate(wipe.MAX_FILE + 1)
    try:
        report = session.end("abandoned")
    finally:
        big.unlink()  # or every later search of /tmp would find it too large to read
    assert not report.clean
    assert report.leftovers == [f"not searched: {big} ({wipe.TOO_LARGE})"]


def test_a_check_that_read_everything_is_clean(workspace_root, tmp_path):
    session = make_session(workspace_root, tmp_path)
    session.wizard.values["nom_naissance"] = "Zorglubienne"
    (tmp_path / "small.txt").write_text("rien de personnel")
    report = session.end("abandoned")
    assert report.clean, report.leftovers
