import logging
import os
import time

from session.logbuffer import RecentLog
from session.wipe import check_leftovers, needles_of, purge_workspaces
from support import make_canary

CANARY = make_canary()


def test_finds_a_value_written_anywhere_under_a_place(tmp_path):
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "x.bin").write_bytes(b"\x00" * 5000 + CANARY.encode() + b"\x00")
    report = check_leftovers([tmp_path], needles_of([CANARY]))
    assert [f.place for f in report.findings] == [str(tmp_path / "deep" / "er" / "x.bin")]
    assert CANARY not in str(report.findings[0])  # the finding never repeats the value


def test_finds_utf16_and_lowercase_and_across_chunks(tmp_path, monkeypatch):
    import session.wipe as wipe

    monkeypatch.setattr(wipe, "CHUNK", 7)
    (tmp_path / "a").write_bytes(CANARY.encode("utf-16-le"))
    (tmp_path / "b").write_bytes(b"xx" + CANARY.lower().encode())
    (tmp_path / "c").write_bytes(b"123456" + CANARY.encode())  # straddles chunks of 7
    report = check_leftovers([tmp_path], needles_of([CANARY]))
    assert sorted(os.path.basename(f.place) for f in report.findings) == ["a", "b", "c"]


def test_short_values_are_not_needles():
    assert needles_of(["M", "75", "Nîmes"]) == {"Nîmes".encode(), "Nîmes".encode("utf-16-le"), "nîmes".encode()}


def test_only_files_changed_during_the_session_when_asked(tmp_path):
    old = tmp_path / "old"
    old.write_text(CANARY)
    past = time.time() - 3600
    os.utime(old, (past, past))
    assert check_leftovers([tmp_path], needles_of([CANARY]), since=time.time() - 60).clean
    assert not check_leftovers([tmp_path], needles_of([CANARY])).clean


def test_excluded_store_and_remaining_workspace(tmp_path):
    store = tmp_path / "ants-mock"
    store.mkdir()
    (store / "ants.db").write_text(CANARY)
    ws = tmp_path / "ws"
    ws.mkdir()
    report = check_leftovers([tmp_path], needles_of([CANARY]), workspace_dirs=[ws], exclude=[store])
    assert [f.what for f in report.findings] == ["workspace"]


def test_log_output_is_searched():
    log = RecentLog()
    logger = logging.getLogger("test.wipe")
    logger.addHandler(log)
    try:
        logger.warning("demande de %s", CANARY)
    finally:
        logger.removeHandler(log)
    report = check_leftovers([], needles_of([CANARY]), texts=log.texts())
    assert [f.place for f in report.findings] == ["log output"]


def test_purge_removes_what_a_crash_left(tmp_path):
    (tmp_path / "a1b2" / "sub").mkdir(parents=True)
    (tmp_path / "a1b2" / "sub" / "page.jpg").write_bytes(b"x")
    (tmp_path / "stray").write_text("x")
    assert purge_workspaces(tmp_path) == 2
    assert list(tmp_path.iterdir()) == []
    assert purge_workspaces(tmp_path / "missing") == 0
