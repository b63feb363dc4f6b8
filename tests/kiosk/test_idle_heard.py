"""The idle warning is heard, not only shown: someone looking at their papers
does not see the screen. On the real window, the kiosk's clock advanced (no
sleep): a chime and the warning's words, in one espeak-ng run that really
happens (its command line kept by a wrapper, its sound written to a WAV file);
a touch stops them."""

from __future__ import annotations

import os
import shutil
import wave

import pytest

from kiosk.speech import EspeakSpeaker
from support import wait_until
from test_idle_wipe import FakeTime, start_typing

pytestmark = pytest.mark.ui

WARNING = (
    "Êtes-vous toujours là ? Sans réponse, vos données seront effacées dans 29 secondes. "
    "Touchez le bouton « Je suis toujours là »."
)


def wrapped_espeak(tmp_path):
    """espeak-ng itself, behind a script that writes down the arguments it was run with."""
    real = shutil.which("espeak-ng")
    assert real, "espeak-ng is part of the kiosk (install.sh installs it)"
    log = tmp_path / "argv.txt"
    script = tmp_path / "espeak-ng"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}.part"\nmv "{log}.part" "{log}"\nexec "{real}" "$@"\n')
    os.chmod(script, 0o755)
    return EspeakSpeaker(executable=str(script), wav_to=str(tmp_path / "said.wav")), log


def seconds(path) -> float:
    with wave.open(str(path)) as sound:
        return sound.getnframes() / sound.getframerate()


def test_the_warning_is_a_chime_then_its_words_and_a_touch_stops_them(driver, make_services, tmp_path):
    speaker, log = wrapped_espeak(tmp_path)
    clock = FakeTime()
    services = make_services(ui={"idle_step_s": 120.0, "idle_warning_s": 30.0})
    kiosk = driver(services, now=clock.now, wall=clock.wall, speaker=speaker, typing="keys")
    start_typing(kiosk)
    assert not log.exists()  # nothing said while the person is there
    clock.advance(121)
    kiosk.idle_tick()
    assert kiosk.app.idle.phase == "warning"
    wait_until(log.exists, timeout=10, message="espeak-ng run for the warning")
    argv = log.read_text(encoding="utf-8").splitlines()
    assert argv[:4] == ["-v", "fr", "-s", "140"] and "-m" in argv and argv[-2] == "--"
    chime = speaker.chime()
    assert argv[-1] == f'<speak><audio src="{chime}"/>{WARNING}</speak>'
    speaker.wait(10)
    # The words came out, after the chime: longer than the chime alone and than the words alone.
    said = tmp_path / "said.wav"
    alert_length = seconds(said)
    plain = EspeakSpeaker(wav_to=str(tmp_path / "plain.wav"))
    plain.say(WARNING, "fr")
    plain.wait(10)
    assert alert_length > seconds(tmp_path / "plain.wav") + 0.3 and seconds(chime) == pytest.approx(0.45, abs=0.01)

    # Said again when it comes again; a touch on "Je suis toujours là" stops it at once.
    kiosk.tap(kiosk.root.ids.still_here)
    assert kiosk.app.idle.phase == "active"
    log.unlink()
    clock.advance(121)
    kiosk.idle_tick()
    wait_until(log.exists, timeout=10, message="espeak-ng run for the second warning")
    stopped = speaker._generation
    kiosk.tap(kiosk.root.ids.still_here)
    assert speaker._generation == stopped + 1 and speaker._proc is None


def test_the_warning_is_said_in_the_person_s_language(driver, make_services):
    clock = FakeTime()
    services = make_services(ui={"idle_step_s": 120.0, "idle_warning_s": 30.0})
    kiosk = driver(services, now=clock.now, wall=clock.wall, typing="keys")
    start_typing(kiosk)
    kiosk.root.set_language("en")
    try:
        clock.advance(121)
        kiosk.idle_tick()
        speaker = kiosk.speaker
        assert speaker.alerts == [len(speaker.said) - 1]
        assert speaker.said[-1] == (
            "en",
            "Are you still there? Without an answer, your data will be deleted in 29 seconds. "
            "Touch the button “I am still here”.",
        )
    finally:
        kiosk.root.set_language("fr")


def test_the_chime_is_shipped_as_chime_wav_writes_it_and_nothing_is_written_to_say_it(tmp_path, monkeypatch):
    """The chime is a file of the package (no temporary file per process, left
    behind when the kiosk stops): the same bytes chime_wav writes today."""
    from kiosk import speech

    fresh = tmp_path / "chime.wav"
    speech.chime_wav(str(fresh))
    assert speech.CHIME.read_bytes() == fresh.read_bytes()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr("tempfile.tempdir", None)
    speaker = EspeakSpeaker(executable="/bin/true")
    command = speaker.alert_command("Êtes-vous toujours là ?")
    assert f'<audio src="{speech.CHIME}"/>' in command[-1]
    assert list(scratch.iterdir()) == []
