"""kiosk/sdnotify.py speaks sd_notify(3)'s datagrams, to a path or an abstract socket,
and reads systemd's watchdog settings as sd_watchdog_enabled(3) does, cage in between."""

import os
import socket

from kiosk.sdnotify import Notifier, watchdog_interval


def test_ready_status_and_watchdog_to_a_path(tmp_path):
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(str(tmp_path / "notify"))
    receiver.settimeout(5)
    notifier = Notifier(str(tmp_path / "notify"))
    assert notifier.ready(status="accueil affiché") and notifier.watchdog() and notifier.stopping()
    assert [receiver.recv(100).decode() for _ in range(3)] == [
        "READY=1\nSTATUS=accueil affiché",
        "WATCHDOG=1",
        "STOPPING=1",
    ]
    notifier.close()
    receiver.close()


def test_an_abstract_socket(tmp_path):
    name = f"pointnum-test-{os.getpid()}"
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind("\0" + name)
    receiver.settimeout(5)
    assert Notifier("@" + name).watchdog()
    assert receiver.recv(100) == b"WATCHDOG=1"
    receiver.close()


def test_outside_systemd_nothing_is_sent_and_a_gone_socket_is_no_crash(tmp_path, monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert not Notifier().enabled and Notifier().ready() is False
    assert Notifier(str(tmp_path / "nobody")).watchdog() is False


def test_the_watchdog_interval_is_half_of_systemds(monkeypatch):
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    assert watchdog_interval() == 15.0
    monkeypatch.setenv("WATCHDOG_PID", str(os.getppid()))  # cage, the unit's main process, started the kiosk
    assert watchdog_interval() == 15.0
    monkeypatch.setenv("WATCHDOG_PID", "1")  # meant for another process
    assert watchdog_interval() is None
    monkeypatch.setenv("WATCHDOG_USEC", "0")
    monkeypatch.delenv("WATCHDOG_PID")
    assert watchdog_interval() is None
