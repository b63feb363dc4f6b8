"""Write session/data/codes_postaux.tsv, the kiosk's offline table of codes
postaux, from the npm package codes-postaux (github BaseAdresseNationale/
codes-postaux, MIT licence; its data come from INSEE's Code officiel
géographique and the DGFiP's FIMOCT).

    cd /tmp && npm pack codes-postaux@4.1.2 && tar xzf codes-postaux-4.1.2.tgz
    python3 scripts/make_codes_postaux.py /tmp/package

One line per code postal and commune: ``code_postal<TAB>code_insee<TAB>nom``,
sorted. The communes of Paris, Lyon and Marseille are written without their
arrondissement ("Paris", not "Paris 11e Arrondissement"): that is how an address
names them. A name given twice for the same code (a commune with several
libellés d'acheminement) is written once. The file's first lines say where it
comes from, and the package's licence is copied beside it (codes_postaux.LICENSE);
session/codes_postaux.py reads it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "session" / "data" / "codes_postaux.tsv"
_ARRONDISSEMENT = re.compile(r" \d+(?:er|e) Arrondissement$")


def rows(package: Path) -> tuple[str, list[tuple[str, str, str]]]:
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    entries = json.loads((package / "codes-postaux.json").read_text(encoding="utf-8"))
    seen: dict[tuple[str, str], str] = {}
    for entry in entries:
        code, insee = entry["codePostal"], entry["codeCommune"]
        name = _ARRONDISSEMENT.sub("", entry["nomCommune"]).strip()
        if not re.fullmatch(r"\d{5}", code) or not name or "\t" in name:
            raise ValueError(f"unexpected entry in codes-postaux.json: {entry!r}")
        seen.setdefault((code, name), insee)
    out = sorted((code, insee, name) for (code, name), insee in seen.items())
    return f"{meta['name']} {meta['version']}", out


def write(package: Path, out: Path = OUT) -> int:
    source, table = rows(package)
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# Codes postaux → communes, from the npm package {source}",
        "# (https://github.com/BaseAdresseNationale/codes-postaux, MIT licence;",
        "# data: INSEE Code officiel géographique, DGFiP FIMOCT).",
        "# Regenerate with: python3 scripts/make_codes_postaux.py <unpacked package folder>",
        "# code_postal\tcode_insee\tnom",
    ]
    lines += ["\t".join(row) for row in table]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The MIT licence asks for its notice beside a substantial copy.
    notice = (package / "LICENSE").read_text(encoding="utf-8")
    out.with_suffix(".LICENSE").write_text(f"session/data/{out.name} comes from the npm package {source}.\n\n{notice}")
    return len(table)


def main(argv: list[str]) -> int:
    package = Path(argv[0]) if argv else Path("/tmp/package")
    count = write(package)
    print(f"{OUT.relative_to(ROOT)}: {count} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
