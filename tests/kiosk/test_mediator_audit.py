"""The audit of assist mode takes identifiers from a closed list only, and keeps
its entries a configured number of days."""

import pytest

from session.audit import AuditError, AuditLog
from support import make_canary


def test_the_audit_refuses_anything_but_its_actions_and_identifiers(tmp_path):
    canary = make_canary()
    log = AuditLog(tmp_path / "audit.db", kiosk="borne1")
    log.record("camille", "step_jumped", "etat_civil")
    for bad in (("camille", canary), ("camille", "step_jumped", canary), (canary, "assist_started")):
        with pytest.raises(AuditError):
            log.record(*bad)
    assert [e[1:] for e in log.entries()] == [("borne1", "camille", "step_jumped", "etat_civil")]
    log.close()
    assert canary.encode() not in (tmp_path / "audit.db").read_bytes()


def test_old_entries_go_after_the_configured_days(tmp_path):
    clock = [1_000_000.0]
    log = AuditLog(tmp_path / "audit.db", kiosk="borne1", keep_days=2, now=lambda: clock[0])
    log.record("camille", "assist_started")
    clock[0] += 86400
    log.record("camille", "assist_ended")
    clock[0] += 86400 + 1
    assert log.purge() == 1
    assert [e[3] for e in log.entries()] == ["assist_ended"]
