"""The mediators' PINs: scrypt hashes, the lockout, and ``kioskctl mediator add``
writing the hash (never the PIN) into the site file."""

import subprocess
import sys
from pathlib import Path

import pytest

from config import load_settings
from sitebus.pins import PinError, PinGate, hash_pin, verify_pin

ROOT = Path(__file__).resolve().parents[2]


def test_a_pin_is_kept_as_a_salted_scrypt_hash():
    one, two = hash_pin("1234"), hash_pin("1234")
    assert one.startswith("scrypt$16384$8$1$") and one != two and "1234" not in one
    assert verify_pin("1234", one) and not verify_pin("1235", one)
    with pytest.raises(PinError):
        hash_pin("12ab")
    with pytest.raises(PinError):
        verify_pin("1234", "md5$abc")


def test_five_failures_lock_for_five_minutes_then_it_opens_again():
    clock = [1000.0]
    gate = PinGate({"camille": hash_pin("2468", n=2**10)}, now=lambda: clock[0])
    for _ in range(4):
        assert gate.check("0000") is None and not gate.locked
    assert gate.check("0000") is None and gate.locked and gate.remaining_s() == 300
    assert gate.check("2468") is None  # locked: even the right PIN
    clock[0] += 299
    assert gate.locked
    clock[0] += 1
    assert not gate.locked and gate.check("2468") == "camille"


def test_kioskctl_mediator_add_writes_the_hash_into_the_site_file(tmp_path):
    site = tmp_path / "kiosk.toml"
    site.write_text('[site]\nname = "Mairie"\n')

    def add(name, pin):
        return subprocess.run(
            [sys.executable, "-m", "kioskctl", "--config", str(site), "mediator", "add", name, "--pin-stdin"],
            input=pin + "\n",
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )

    assert add("camille", "123456").returncode == 0
    assert add("alex", "654321").returncode == 0
    assert add("camille", "777777").returncode == 0  # a new PIN replaces the old
    refused = add("bob", "12")
    assert refused.returncode == 1 and "4 à 12 chiffres" in refused.stderr
    text = site.read_text()
    assert "123456" not in text and "777777" not in text and "654321" not in text
    pins = load_settings(site).mediators.pins
    assert sorted(pins) == ["alex", "camille"]
    assert verify_pin("777777", pins["camille"]) and verify_pin("654321", pins["alex"])
    listed = subprocess.run(
        [sys.executable, "-m", "kioskctl", "--config", str(site), "mediator", "list"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert listed.stdout.split() == ["alex", "camille"]
