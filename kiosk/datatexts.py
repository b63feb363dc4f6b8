"""The procedures' words, translated for the screen.

The session core speaks French: procedure titles, questions, help, pièces,
checklists, notices, guidance, statuts and validation messages come from
``session/`` as they are written there. The kiosk shows them through
``tr._()`` like its own words; their translations are kept apart, in
``kiosk/locale/<lang>/LC_MESSAGES/procedures.po``, because they follow the
data files, not the kiosk's code.

``python -m kiosk.datatexts`` rewrites those catalogues from the data files:
new texts are added untranslated, translations of texts still used are kept,
texts no longer used are dropped (a test checks English is complete).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import polib

DOMAIN = "procedures"
LOCALE_DIR = Path(__file__).with_name("locale")
ROOT = Path(__file__).resolve().parents[1]


def _texts_of_procedures() -> list[str]:
    from session.catalogue import Catalogue, load_pieces

    out: list[str] = []
    for procedure in Catalogue.load():
        out += [procedure.title, procedure.summary, *procedure.checklist]
        for step in procedure.steps:
            out += [step.title, step.intro]
            for notice in step.notices:
                out += [notice.title, notice.text]
            for block in step.guidance:
                out += [block.heading, *block.paragraphs]
            for field in step.fields:
                out += [field.label, field.help] + [label for _value, label in field.choices]
            for piece in step.pieces:
                out += [piece.label, piece.help]
    for info in load_pieces().values():
        out += [info.get("label", ""), info.get("help", "")]
    from session.families import families

    out += [family.delivery for family in families().values()]
    return out


def _sentences_in(module: Path) -> list[str]:
    """The French sentences written as whole string literals in a session module
    (what users read: statuts, what to do next, validation errors); docstrings
    and pieces of sentences put together at run time are left out."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            text = node.value
            if re.fullmatch(r"[A-ZÉÈÀÇ][^{}\n]* [^{}\n]*[.?!]", text):
                out.append(text)
    return out


def texts() -> list[str]:
    """Every procedure text a screen may show, once each, in a stable order."""
    from session import suivi

    found = _texts_of_procedures() + list(suivi.STATUTS.values()) + list(suivi.NEXT.values())
    found += _sentences_in(ROOT / "session" / "validation.py")
    seen: dict[str, None] = {}
    for text in found:
        if text and text.strip() and text not in seen:
            seen[text] = None
    return list(seen)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


#: The header of a new catalogue (an existing one keeps its own).
HEADER = {
    "Project-Id-Version": "pointnum-procedures",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
}


def write_catalogue(lang: str, translations: dict[str, str]) -> Path:
    """``lang``'s catalogue holds :func:`texts`, in their order: the entries
    already there keep their translation, flags and comments (a fuzzy one stays
    fuzzy), new texts come untranslated unless ``translations`` gives them, and
    texts no longer used go. One msgid or msgstr a line, as the catalogue is
    read in reviews."""
    path = po_path(lang)
    old = polib.pofile(str(path)) if path.exists() else None
    known = {entry.msgid: entry for entry in old or () if not entry.obsolete}
    catalogue = polib.POFile(wrapwidth=0)
    catalogue.metadata = dict(old.metadata) if old is not None else {**HEADER, "Language": lang}
    catalogue.header = (old.header if old is not None else "") or (
        f"Point numérique kiosk: the procedures' words (session/), in {lang}.\n"
        f"Rewritten by `python -m kiosk.datatexts {lang}`, which keeps the translations."
    )
    for text in texts():
        entry = known.get(text) or polib.POEntry(msgid=text, msgstr="")
        if text in translations:
            entry.msgstr = translations[text]
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
        catalogue.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalogue.save(str(path))
    return path


def main(argv=None) -> int:
    langs = (argv if argv is not None else sys.argv[1:]) or ["en", "ar"]
    for lang in langs:
        print(write_catalogue(lang, {}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
