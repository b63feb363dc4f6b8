"""Arabic is complete: the procedures' words (``procedures.po``) are all
translated, and drawn with what the Arabic font has.

SDL2 has no font fallback: a label with Arabic letters is drawn entirely with
Noto Sans Arabic (:func:`kiosk.fonts.font_for`), which has no Latin letters, no
parentheses, no slash, no "?", "…" or "€" (``fc-query`` on the font). So a web
address or a code inside an Arabic sentence would show as boxes: the Arabic
sentences say what the thing is instead («موقع الطوابع الجبائية», «حرفان، ثم 3
أرقام») and a msgstr that is only a code (the licence categories B, C1E…) is the
code itself, drawn with the Latin font."""

from __future__ import annotations

import re

import polib

from kiosk import datatexts
from kiosk.fonts import has_arabic
from kiosk.i18n import load_translations

PLACEHOLDER = re.compile(r"{[\w.]*}")
#: What Noto Sans Arabic draws besides Arabic letters (fc-query: 20-21 2c-2e 30-3a a0 ab bb).
DRAWN = set(" !,-.0123456789:\u00a0«»")
#: Codes kept as they are printed on the licence: a choice that is only the code.
CODES = {"AM", "A1", "A2", "A", "B1", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE"}


def _arabic() -> dict[str, str]:
    return {e.msgid: e.msgstr for e in polib.pofile(str(datatexts.po_path("ar"))) if e.msgid}


def test_every_english_procedure_text_has_its_arabic_with_the_same_placeholders():
    english = [e.msgid for e in polib.pofile(str(datatexts.po_path("en"))) if e.msgid]
    arabic = _arabic()
    assert len(english) > 400
    assert [m for m in english if not arabic.get(m, "").strip()] == []
    assert sorted(set(arabic) - set(english)) == []
    for msgid in english:
        assert PLACEHOLDER.findall(msgid) == PLACEHOLDER.findall(arabic[msgid]), msgid


def test_every_procedure_word_is_read_in_arabic():
    """Titles, checklists, labels, choices, help, statuts and validation
    messages, as the catalogue loader gives them, through the kiosk's lookup."""
    from session.catalogue import Catalogue

    words = load_translations("ar")
    shown: list[str] = []
    for procedure in Catalogue.load():
        shown += [procedure.title, *procedure.checklist]
        for step in procedure.steps:
            shown.append(step.title)
            for field in step.fields:
                shown += [field.label] + [label for _value, label in field.choices]
    assert len(shown) > 300
    shown += datatexts._sentences_in(datatexts.ROOT / "session" / "validation.py")
    untranslated = [t for t in shown if t and words.gettext(t) == t and t not in CODES]
    assert untranslated == []
    assert words.gettext("Permis perdu, volé ou abîmé") == "رخصة ضائعة أو مسروقة أو تالفة"
    assert words.gettext("Ce champ est obligatoire. Merci de le remplir.") == "هذه الخانة إجبارية. املأها من فضلك."


def test_arabic_procedure_texts_use_only_what_the_arabic_font_draws():
    for msgid, msgstr in _arabic().items():
        if not has_arabic(msgstr):
            assert msgstr == msgid and msgid in CODES, (msgid, msgstr)  # drawn with the Latin font
            continue
        outside = {ch for ch in PLACEHOLDER.sub("", msgstr) if not has_arabic(ch) and ch not in DRAWN}
        assert outside == set(), (msgid, msgstr)
