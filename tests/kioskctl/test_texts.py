"""What a technician reads from kioskctl: its help, as a terminal shows it, and the
list of procedures."""

import subprocess
import sys

import pytest

COMMANDS = ("procedures", "simulate", "stats", "purge", "verify-clean")


def kioskctl(*args):
    return subprocess.run([sys.executable, "-m", "kioskctl", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args", [("--help",)] + [(c, "--help") for c in COMMANDS], ids=" ".join)
def test_help_shows_no_markup(args):
    out = kioskctl(*args)
    assert out.returncode == 0, out.stderr
    assert "``" not in out.stdout, out.stdout


def test_help_says_what_kioskctl_is():
    assert "kioskctl: the technician's command line." in kioskctl("--help").stdout.splitlines()


def test_procedures_say_each_thing_once():
    """The relevé intégral's title already says "(par courrier)": the listing adds what
    the technician cannot read there, and says nothing wrong of the suivi."""
    out = kioskctl("procedures")
    assert out.returncode == 0, out.stderr
    lines = {line.split()[0]: line for line in out.stdout.splitlines() if line.startswith("  ")}
    assert lines["permis-releve"].count("par courrier") == 1, lines["permis-releve"]
    assert lines["permis-releve"].endswith("[aucune demande en ligne : explications imprimées]")
    assert lines["suivi-demande"].endswith("Où en est ma demande ?  [aucune nouvelle demande]")
    assert lines["permis-perte"].endswith("Permis perdu, volé ou abîmé")
