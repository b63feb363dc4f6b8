"""The catalogues behind ``tr``: ``kiosk.datatexts`` rewrites the procedures'
catalogue with polib, and ``kiosk.i18n`` reads the kiosk's words with the
procedures' behind them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from kiosk import datatexts, i18n

REAL = Path(i18n.LOCALE_DIR)


def msgfmt(po: Path, mo: Path) -> None:
    if not shutil.which("msgfmt"):
        pytest.fail(
            "msgfmt is missing (/usr/bin/msgfmt): install Debian's gettext (sudo apt-get install gettext)",
            pytrace=False,
        )
    subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True, capture_output=True)


@pytest.fixture
def locale(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "locale"
    shutil.copytree(REAL, folder)
    monkeypatch.setattr(datatexts, "LOCALE_DIR", folder)
    monkeypatch.setattr(i18n, "LOCALE_DIR", folder)
    return folder


def test_rewriting_the_procedures_catalogue_keeps_what_translators_did(locale):
    po = datatexts.po_path("en")
    texts = datatexts.texts()
    before = polib.pofile(str(po))
    fuzzy, dropped, given = texts[3], texts[4], texts[5]
    before.find(fuzzy).flags.append("fuzzy")
    before.find(fuzzy).tcomment = "to check against the form"
    before.remove(before.find(dropped))
    before.append(polib.POEntry(msgid="Une phrase que plus rien n'affiche.", msgstr="A sentence nothing shows."))
    before.save(str(po))
    kept = i18n.translated(po)

    datatexts.write_catalogue("en", {given: "Given here"})

    after = polib.pofile(str(po))
    assert [entry.msgid for entry in after] == texts  # the data's texts, in order; the stale one gone
    assert after.find(dropped).msgstr == ""  # a new text comes untranslated
    assert after.find(fuzzy).fuzzy and after.find(fuzzy).tcomment == "to check against the form"
    assert after.find(fuzzy).msgstr == before.find(fuzzy).msgstr
    assert after.find(given).msgstr == "Given here"
    assert {k: v for k, v in i18n.translated(po).items() if k != given} == {
        k: v for k, v in kept.items() if k in texts and k != given
    }
    assert after.metadata == before.metadata
    msgfmt(po, po.with_suffix(".mo"))


def test_a_new_catalogue_is_one_gnu_msgfmt_accepts(locale):
    po = datatexts.write_catalogue("de", {})
    catalogue = polib.pofile(str(po))
    assert catalogue.metadata["Language"] == "de"
    assert catalogue.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert i18n.translated(po) == {} and len(catalogue) == len(datatexts.texts())
    _header, _, body = po.read_text(encoding="utf-8").partition("\n\n")
    assert [line for line in body.splitlines() if line.startswith('"')] == []  # one msgid or msgstr a line
    msgfmt(po, po.with_suffix(".mo"))


def _write(po: Path, entries: list[polib.POEntry]) -> None:
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for entry in entries:
        catalogue.append(entry)
    po.parent.mkdir(parents=True, exist_ok=True)
    catalogue.save(str(po))


def test_the_kiosks_words_come_first_the_procedures_behind_them(locale):
    folder = locale / "xx" / "LC_MESSAGES"
    _write(
        folder / "kiosk.po",
        [
            polib.POEntry(msgid="Suivant", msgstr="Next"),
            polib.POEntry(msgid="Retour", msgstr="Back (to check)", flags=["fuzzy"]),
            polib.POEntry(msgid="Permis perdu", msgstr=""),
            polib.POEntry(msgid="Commun", msgstr="Kiosk's"),
        ],
    )
    _write(
        folder / "procedures.po",
        [
            polib.POEntry(msgid="Permis perdu", msgstr="Lost licence"),
            polib.POEntry(msgid="Commun", msgstr="Procedure's"),
        ],
    )
    words = i18n.load_translations("xx")
    assert words.gettext("Suivant") == "Next"
    assert words.gettext("Retour") == "Retour"  # fuzzy: left out, as msgfmt does
    assert words.gettext("Permis perdu") == "Lost licence"  # untranslated here, translated behind
    assert words.gettext("Commun") == "Kiosk's"
    assert words.gettext("Inconnu") == "Inconnu"
    assert i18n.load_translations("fr").gettext("Suivant") == "Suivant"
    assert i18n.load_translations("zz").gettext("Suivant") == "Suivant"  # no catalogue: French


def test_a_compiled_catalogue_as_recent_as_its_po_is_read_instead(locale):
    folder = locale / "xx" / "LC_MESSAGES"
    _write(folder / "kiosk.po", [polib.POEntry(msgid="Suivant", msgstr="Next")])
    _write(folder / "other.po", [polib.POEntry(msgid="Suivant", msgstr="Next, compiled")])
    msgfmt(folder / "other.po", folder / "kiosk.mo")
    assert i18n.load_translations("xx").gettext("Suivant") == "Next, compiled"
    mo_time = (folder / "kiosk.mo").stat().st_mtime_ns
    os.utime(folder / "kiosk.po", ns=(mo_time + 10**9, mo_time + 10**9))
    assert i18n.load_translations("xx").gettext("Suivant") == "Next"  # the .po is newer
