"""The offline table of codes postaux (session/data/codes_postaux.tsv, from the
npm package codes-postaux): Corsica, overseas, a code shared by several
communes, a code it does not know; and the file made again by its script."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from session import codes_postaux
from session.codes_postaux import Commune, communes, matching
from session.validation import departement

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "session" / "data" / "codes_postaux.tsv"


def test_corsica_ajaccio_is_in_corse_du_sud():
    found = communes("20000")
    ajaccio = next(c for c in found if c.nom == "Ajaccio")
    assert ajaccio == Commune("Ajaccio", "2A004")
    assert ajaccio.departement == "2A" == departement("20000")
    assert communes("20200")[0].departement == "2B" == departement("20200")  # Bastia's code


def test_reunion_saint_denis_alone_under_its_code():
    assert communes("97400") == (Commune("Saint-Denis", "97411"),)
    assert communes("97400")[0].departement == "974" == departement("97400")


def test_a_code_shared_by_several_communes_in_alphabetical_order():
    names = [c.nom for c in communes("01400")]
    assert len(names) == 10
    assert names[:3] == ["Chanoz-Châtenay", "Châtillon-sur-Chalaronne", "Condeissiat"]
    assert "L'Abergement-Clémenciat" in names and names == sorted(names, key=codes_postaux.folded)
    # The start of a name narrows them, accents and case aside; a word inside the name too, after.
    assert [c.nom for c in matching("01400", "chat")] == ["Châtillon-sur-Chalaronne", "Chanoz-Châtenay"]
    assert [c.nom for c in matching("01400", "sa")] == ["Saint-Georges-sur-Renon", "Sandrans"]
    assert [c.nom for c in matching("01400", "cha")][-1] == "Dompierre-sur-Chalaronne"
    assert matching("01400", "") == communes("01400")


def test_paris_without_its_arrondissement_and_homonyms_apart():
    assert [c.nom for c in communes("75011")] == ["Paris"]
    assert [c.nom for c in communes("13001")] == ["Marseille"]
    assert [c.nom for c in communes("01000")] == ["Bourg-en-Bresse", "Saint-Denis-lès-Bourg"]


def test_an_unknown_code_has_no_commune():
    assert communes("33999") == () and communes("") == () and matching("33999", "bor") == ()


def test_the_file_says_its_source_and_is_what_its_script_makes(tmp_path):
    assert codes_postaux.source() == "Codes postaux → communes, from the npm package codes-postaux 4.1.2"
    assert "MIT" in DATA.with_suffix(".LICENSE").read_text(encoding="utf-8")
    # A package of three entries, made into a table by the script: its rules, line by line.
    package = tmp_path / "package"
    package.mkdir()
    (package / "package.json").write_text(json.dumps({"name": "codes-postaux", "version": "9.9.9"}))
    (package / "LICENSE").write_text("The MIT License (MIT)\n")
    entries = [
        {"codePostal": "75011", "codeCommune": "75111", "nomCommune": "Paris 11e Arrondissement"},
        {"codePostal": "20000", "codeCommune": "2A004", "nomCommune": "Ajaccio"},
        {"codePostal": "20000", "codeCommune": "2A004", "nomCommune": "Ajaccio"},
    ]
    (package / "codes-postaux.json").write_text(json.dumps(entries))
    spec = importlib.util.spec_from_file_location("make_codes_postaux", ROOT / "scripts" / "make_codes_postaux.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = tmp_path / "codes_postaux.tsv"
    assert script.write(package, out) == 2
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# Codes postaux → communes, from the npm package codes-postaux 9.9.9"
    assert [line for line in lines if not line.startswith("#")] == ["20000\t2A004\tAjaccio", "75011\t75111\tParis"]
    # The shipped table has the real package's shape: every line a code, an INSEE code and a name.
    shipped = [line.split("\t") for line in DATA.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert len(shipped) > 35_000 and all(len(row) == 3 and len(row[0]) == 5 for row in shipped)
