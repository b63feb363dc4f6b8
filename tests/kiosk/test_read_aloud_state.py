"""'Écouter' shows that it is speaking, and stops when touched again. On the real
window, with espeak-ng behind a wrapper that waits for the test's word before
speaking: the sentence lasts as long as the test wants, without a sleep."""

from __future__ import annotations

import errno
import os
import shutil

import pytest

from kiosk.speech import EspeakSpeaker
from support import wait_until

pytestmark = pytest.mark.ui


class HeldEspeak:
    """espeak-ng behind a script that writes its pid, then waits on a FIFO until released."""

    def __init__(self, tmp_path):
        real = shutil.which("espeak-ng")
        assert real, "espeak-ng is part of the kiosk (install.sh installs it)"
        self.pid_file = tmp_path / "pid"
        self.fifo = tmp_path / "go"
        os.mkfifo(self.fifo)
        script = tmp_path / "espeak-ng"
        script.write_text(
            f'#!/bin/sh\necho $$ > "{self.pid_file}.part"\nmv "{self.pid_file}.part" "{self.pid_file}"\n'
            f'read go < "{self.fifo}"\nexec "{real}" "$@"\n'
        )
        os.chmod(script, 0o755)
        self.speaker = EspeakSpeaker(executable=str(script), wav_to=str(tmp_path / "said.wav"))

    def started(self) -> int:
        wait_until(self.pid_file.exists, timeout=10, message="espeak-ng's wrapper started")
        pid = int(self.pid_file.read_text())
        self.pid_file.unlink()
        return pid

    def release(self) -> None:
        def opened() -> bool:
            try:
                fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno == errno.ENXIO:  # the script has not opened its end yet
                    return False
                raise
            os.write(fd, b"go\n")
            os.close(fd)
            return True

        wait_until(opened, timeout=10, message="the wrapper reading its FIFO")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ecouter_shows_it_speaks_and_stops_when_touched_again(driver, make_services, tmp_path):
    held = HeldEspeak(tmp_path)
    kiosk = driver(make_services(), speaker=held.speaker)
    button = kiosk.root.ids.read_aloud
    assert (button.text, button.role, kiosk.root.speaking) == ("Écouter", "secondary", False)
    kiosk.tap(button)
    pid = held.started()
    kiosk.pump(2)
    assert kiosk.root.speaking and (button.text, button.role) == ("Arrêter la lecture", "primary")
    kiosk.tap(button)  # "Arrêter la lecture"
    assert not kiosk.root.speaking and (button.text, button.role) == ("Écouter", "secondary")
    assert not alive(pid)  # espeak-ng's process is gone, not only the button's state

    # Said to the end: the button comes back by itself.
    kiosk.tap(button)
    held.started()
    kiosk.pump(3)
    assert button.text == "Arrêter la lecture"
    held.release()
    kiosk.wait(lambda: not kiosk.root.speaking, timeout=15, what="the sentence said to its end")
    assert button.text == "Écouter" and (tmp_path / "said.wav").stat().st_size > 1000


def test_the_idle_warning_stops_the_reading(driver, make_services, tmp_path):
    held = HeldEspeak(tmp_path)
    kiosk = driver(make_services(), speaker=held.speaker)
    kiosk.tap(kiosk.root.ids.read_aloud)
    pid = held.started()
    kiosk.pump(2)
    kiosk.root._idle_phase(kiosk.app.idle, "warning")  # what the idle watch's phase change calls
    assert not kiosk.root.speaking and not alive(pid)
    held.started()  # the warning's own words, in their turn
    held.speaker.stop()


def test_the_words_are_translated(driver, make_services):
    kiosk = driver(make_services())
    kiosk.speaker.busy = True  # the capture speaker "speaks" until stopped
    kiosk.root.set_language("en")
    try:
        kiosk.tap(kiosk.root.ids.read_aloud)
        assert kiosk.root.ids.read_aloud.text == "Stop reading"
        kiosk.tap(kiosk.root.ids.read_aloud)
        assert kiosk.root.ids.read_aloud.text == "Listen" and kiosk.speaker.stopped >= 1
    finally:
        kiosk.root.set_language("fr")
