"""Read-aloud: the current screen's question and help, spoken offline.

The port is :class:`Speaker` (``say(text)``, ``alert(text)``, ``stop()``).
:class:`EspeakSpeaker` runs ``espeak-ng`` in a subprocess started from a thread of
its own, so the UI never waits for it; a new ``say`` stops what was being said.
``alert`` is for a warning that matters (the idle countdown): a chime, then the
words, in the same espeak-ng run (SSML's ``<audio>``: espeak-ng plays the WAV
itself, so no other audio player is needed on the kiosk). :class:`CaptureSpeaker`
has the same interface and keeps what would have been said, for tests.
"""

from __future__ import annotations

import logging
import math
import shutil
import struct
import subprocess
import threading
import unicodedata
import wave
from pathlib import Path
from typing import Protocol
from xml.sax.saxutils import escape

from .i18n import VOICES

log = logging.getLogger(__name__)


class Speaker(Protocol):
    def say(self, text: str, lang: str = "fr") -> None: ...

    def alert(self, text: str, lang: str = "fr") -> None: ...

    def stop(self) -> None: ...

    def speaking(self) -> bool: ...


#: The chime, as :func:`chime_wav` writes it (tests/kiosk/test_idle_heard.py checks they agree).
CHIME = Path(__file__).with_name("chime.wav")


def chime_wav(path: str) -> str:
    """Write the chime said before a warning: two falling notes (E6, C6), 0.45 s, mono 22 kHz."""
    rate, notes = 22050, ((1318.5, 0.18), (1046.5, 0.27))
    frames = bytearray()
    for freq, length in notes:
        count = int(rate * length)
        for i in range(count):
            envelope = (1 - i / count) ** 2
            frames += struct.pack("<h", int(11000 * envelope * math.sin(2 * math.pi * freq * i / rate)))
    with wave.open(path, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return path


class EspeakSpeaker:
    """espeak-ng, French by default (``-v fr``), ``-v en`` / ``-v ar`` per language."""

    def __init__(self, executable: str = "espeak-ng", speed: int = 140, wav_to: str | None = None):
        self.executable = shutil.which(executable) or executable
        self.speed = speed  # words per minute: slower than espeak's 175, for people who read little
        self.wav_to = wav_to  # write audio to this file instead of the speakers (tests, checks)
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None
        self._generation = 0
        self._thread_generation = -1

    @staticmethod
    def is_usable(executable: str = "espeak-ng") -> bool:
        return shutil.which(executable) is not None

    def command(self, text: str, lang: str = "fr") -> list[str]:
        cmd = [self.executable, "-v", VOICES.get(lang, "fr"), "-s", str(self.speed)]
        if self.wav_to:
            cmd += ["-w", self.wav_to]
        return cmd + ["--", text]

    def chime(self) -> str:
        """The chime's WAV, shipped beside this module (:func:`chime_wav` wrote it):
        nothing is written at run time, nothing is left behind."""
        return str(CHIME)

    def alert_command(self, text: str, lang: str = "fr") -> list[str]:
        """The chime, then ``text``: one espeak-ng run reading SSML (``-m``)."""
        ssml = f'<speak><audio src="{escape(self.chime())}"/>{escape(text)}</speak>'
        cmd = self.command(ssml, lang)
        return cmd[:-2] + ["-m", "--", ssml]

    def say(self, text: str, lang: str = "fr") -> None:
        self._start(text, lang, self.command)

    def alert(self, text: str, lang: str = "fr") -> None:
        self._start(text, lang, self.alert_command)

    def _start(self, text: str, lang: str, command) -> None:
        self.stop()
        text = unicodedata.normalize("NFKC", text)  # shaped Arabic back to plain letters
        if not text.strip():
            return
        cmd = command(text, lang)
        with self._lock:
            generation = self._generation
        self._thread_generation = generation
        self._thread = threading.Thread(target=self._run, args=(cmd, generation), name="kiosk-speech", daemon=True)
        self._thread.start()

    def _run(self, cmd: list[str], generation: int) -> None:
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError as exc:
            log.error("espeak-ng could not start: %s", type(exc).__name__)
            return
        with self._lock:
            if generation != self._generation:  # stopped before it began
                proc.terminate()
            else:
                self._proc = proc
        proc.wait()

    def speaking(self) -> bool:
        """True from ``say`` until its sentence is said to the end or stopped."""
        with self._lock:
            current = self._generation
        thread = self._thread
        return thread is not None and thread.is_alive() and self._thread_generation == current

    def wait(self, timeout: float = 10.0) -> None:
        """Until the current sentence is said (tests, the wav check)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def stop(self) -> None:
        with self._lock:
            self._generation += 1
            proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                proc.kill()


class CaptureSpeaker:
    """Keeps what would be said: (language, text) pairs."""

    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []
        #: The indexes in :attr:`said` of what was said as an alert (after the chime).
        self.alerts: list[int] = []
        self.stopped = 0
        #: What :meth:`speaking` answers: nothing takes time here, unless a test says so.
        self.busy = False

    def say(self, text: str, lang: str = "fr") -> None:
        self.said.append((lang, unicodedata.normalize("NFKC", text)))

    def alert(self, text: str, lang: str = "fr") -> None:
        self.alerts.append(len(self.said))
        self.say(text, lang)

    def stop(self) -> None:
        self.stopped += 1
        self.busy = False

    def speaking(self) -> bool:
        return self.busy

    @property
    def last(self) -> str:
        return self.said[-1][1] if self.said else ""


class SilentSpeaker(CaptureSpeaker):
    """No espeak-ng on this machine: the button still answers, nothing is said."""


def make_speaker(enabled: bool = True) -> Speaker:
    if enabled and EspeakSpeaker.is_usable():
        return EspeakSpeaker()
    if enabled:
        log.error("espeak-ng is not installed (Debian: espeak-ng): read-aloud is silent")
    return SilentSpeaker()
