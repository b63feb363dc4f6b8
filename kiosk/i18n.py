"""The kiosk's languages: French (the source), English and Arabic.

Every visible string of the kiosk's own goes through ``tr._("…")``. In kv,
``text: tr._("Bonjour")`` is re-evaluated when the language changes (the
translator records the rules that call it, as Kivy's i18n example does), so
switching relabels every screen live.

Catalogues are gettext ``.po`` files under ``kiosk/locale/<lang>/LC_MESSAGES/``;
they are compiled to ``.mo`` in memory at start (:func:`compile_mo`, a tiny
msgfmt) and read by Python's ``gettext``. Arabic is reshaped
(``arabic-reshaper``: joined letter forms) here and put in visual order line by
line when drawn (``python-bidi``), after Kivy has wrapped it: see
:class:`RtlLabelMixin`.

Procedure texts (titles, questions, help, validation messages) come from
``session/`` in French; the screens show them through :meth:`Translator.text`,
and their translations live beside, in ``procedures.po`` (see
:mod:`kiosk.datatexts`): one lookup for both catalogues.
"""
from __future__ import annotations

import ast
import gettext
import io
import logging
import struct
import threading
from pathlib import Path

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, StringProperty

from .fonts import has_arabic

log = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "kiosk"
#: The languages offered on the welcome screen, each named in itself.
LANGUAGES = {"fr": "Français", "en": "English", "ar": "العربية"}
RTL = ("ar",)
#: espeak-ng's voice for each language.
VOICES = {"fr": "fr", "en": "en", "ar": "ar"}


# --- a tiny msgfmt ------------------------------------------------------------
def parse_po(text: str) -> dict[str, str]:
    """msgid → msgstr of a .po file (no plurals, no contexts: the kiosk uses none).
    Fuzzy and untranslated entries are left out, as msgfmt does."""
    catalog: dict[str, str] = {}
    msgid = msgstr = None
    section = None
    fuzzy = False

    def flush():
        nonlocal msgid, msgstr, fuzzy
        if msgid is not None and msgstr and not fuzzy:
            catalog[msgid] = msgstr
        msgid = msgstr = None
        fuzzy = False

    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#,") and "fuzzy" in line:
            flush()
            fuzzy = True
        elif line.startswith("#") or not line:
            if not line:
                flush()
        elif line.startswith("msgid "):
            if msgid is not None:
                keep_fuzzy = fuzzy
                flush()
                fuzzy = keep_fuzzy
            msgid, section = ast.literal_eval(line[6:]), "id"
        elif line.startswith("msgstr "):
            msgstr, section = ast.literal_eval(line[7:]), "str"
        elif line.startswith('"'):
            if section == "id":
                msgid += ast.literal_eval(line)
            else:
                msgstr += ast.literal_eval(line)
    flush()
    return catalog


def compile_mo(catalog: dict[str, str]) -> bytes:
    """The GNU .mo bytes of ``catalog`` (the format Python's gettext reads)."""
    keys = sorted(catalog)
    ids = [k.encode() for k in keys]
    strs = [catalog[k].encode() for k in keys]
    n = len(keys)
    header = 7 * 4
    ids_table = header
    strs_table = ids_table + n * 8
    data_start = strs_table + n * 8
    offsets_ids, offsets_strs, blob = [], [], b""
    for s in ids:
        offsets_ids.append((len(s), data_start + len(blob)))
        blob += s + b"\0"
    for s in strs:
        offsets_strs.append((len(s), data_start + len(blob)))
        blob += s + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, n, ids_table, strs_table, 0, 0)
    out += b"".join(struct.pack("<2I", *o) for o in offsets_ids)
    out += b"".join(struct.pack("<2I", *o) for o in offsets_strs)
    return out + blob


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(lang: str) -> gettext.NullTranslations:
    if lang == "fr":
        return gettext.NullTranslations()
    mo = po_path(lang).with_suffix(".mo")
    po = po_path(lang)
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with open(mo, "rb") as fp:
            return gettext.GNUTranslations(fp)
    if not po.exists():
        log.error("no catalogue for %r", lang)
        return gettext.NullTranslations()
    catalog = parse_po(po.read_text(encoding="utf-8"))
    data = po.with_name("procedures.po")  # the procedures' words (kiosk/datatexts.py)
    if data.exists():
        catalog = {**parse_po(data.read_text(encoding="utf-8")), **catalog}
    return gettext.GNUTranslations(io.BytesIO(compile_mo(catalog)))


# --- right to left ------------------------------------------------------------
def shape(text: str) -> str:
    """Arabic letters joined (presentation forms), still in logical order."""
    if not has_arabic(text):
        return text
    import arabic_reshaper

    return arabic_reshaper.reshape(text)


def visual(line: str) -> str:
    """One drawn line in visual (left-to-right drawing) order."""
    if not has_arabic(line):
        return line
    from bidi import get_display

    return get_display(line, base_dir="R")


def _rtl_core_label():
    from kivy.core.text import Label as CoreLabel

    class RtlCoreLabel(CoreLabel):
        """Kivy wraps the logical text; each line is put in visual order as drawn."""

        def render_lines(self, lines, options, render_text, y, size):
            saved = []
            for line in lines:
                for word in line.words:
                    saved.append((word, word.text))
                    word.text = visual(word.text)
            try:
                return super().render_lines(lines, options, render_text, y, size)
            finally:
                for word, text in saved:
                    word.text = text

    return RtlCoreLabel


_RtlCoreLabel = None


class RtlLabelMixin:
    """For Label subclasses: Arabic text drawn right to left, wrapped correctly."""

    def _create_label(self):
        global _RtlCoreLabel
        if self.markup:
            return super()._create_label()
        if _RtlCoreLabel is None:
            _RtlCoreLabel = _rtl_core_label()
        if self._label is None or self._label.__class__ is not _RtlCoreLabel:
            dkw = {x: getattr(self, x) for x in self._font_properties}
            dkw["usersize"] = self.text_size
            if self.disabled:
                dkw["color"] = self.disabled_color
                dkw["outline_color"] = self.disabled_outline_color
            self._label = _RtlCoreLabel(**dkw)


# --- the live translator -----------------------------------------------------------
class Translator(EventDispatcher):
    """``tr._(text)``: the current language's words; kv rules using it follow
    :attr:`lang`."""
    lang = StringProperty("fr")
    rtl = BooleanProperty(False)
    #: Where text starts: 'left', or 'right' in Arabic.
    start = StringProperty("left")
    #: A BoxLayout's horizontal orientation in reading order.
    row = StringProperty("lr")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The kv rules that use ``tr._``: uid -> (func, args, kwargs). A rule is
        # removed when its widget dies, and widgets die when a collection finds
        # them, at any allocation: in the middle of the copy a language switch
        # makes, or on another thread. So changes wait while a copy is made
        # (see _snapshot), and every change holds the lock.
        self._observers: dict[int, tuple] = {}
        self._observers_lock = threading.RLock()
        self._copying = False
        self._deferred: list[tuple[int, tuple | None]] = []
        self._next_uid = 1
        self._cache: dict[str, gettext.NullTranslations] = {}
        self._tr = gettext.NullTranslations()

    def _(self, text: str) -> str:
        return shape(self._tr.gettext(text)) if self.rtl else self._tr.gettext(text)

    def text(self, text: str) -> str:
        """A procedure's text (from session/) in the current language; "" stays ""
        (gettext would answer the catalogue's header)."""
        return self._(text) if text else text

    def gettext(self, text: str) -> str:
        """The translation without shaping (what is spoken)."""
        return self._tr.gettext(text)

    def on_lang(self, _instance, lang: str) -> None:
        if lang not in self._cache:
            self._cache[lang] = load_translations(lang)
        self._tr = self._cache[lang]
        self.rtl = lang in RTL
        self.start = "right" if self.rtl else "left"
        self.row = "rl" if self.rtl else "lr"
        for uid, (func, args, _kwargs) in self._snapshot():
            if uid not in self._observers:
                continue  # its widget died during the switch
            try:
                func(args, None, None)
            except ReferenceError:
                self._change(uid, None)  # its widget is gone

    def reset(self) -> None:
        self.lang = "fr"

    # kv binds ``tr._`` through these: "_" is not a property, so keep the rules here.
    def fbind(self, name, func, *args, **kwargs):
        if name != "_":
            return super().fbind(name, func, *args, **kwargs)
        with self._observers_lock:
            uid = self._next_uid
            self._next_uid += 1
        self._change(uid, (func, args[0] if len(args) == 1 else args, kwargs))
        return uid

    def funbind(self, name, func, *args, **kwargs):
        if name != "_":
            return super().funbind(name, func, *args, **kwargs)
        for uid, (f, _a, _k) in self._snapshot():
            if f == func:
                self._change(uid, None)

    def unbind_uid(self, name, uid):
        if name != "_":
            return super().unbind_uid(name, uid)
        self._change(uid, None)

    def _change(self, uid: int, entry: tuple | None) -> None:
        """Register ``entry`` under ``uid`` (None: remove it); while a copy is
        being made on this thread (a collection's finalizer), once it is done."""
        with self._observers_lock:  # another thread waits for the copy to be over
            if self._copying:
                self._deferred.append((uid, entry))
            elif entry is None:
                self._observers.pop(uid, None)
            else:
                self._observers[uid] = entry

    def _snapshot(self) -> list[tuple[int, tuple]]:
        """The observers now, copied whatever the garbage collector does meanwhile."""
        with self._observers_lock:
            self._copying = True
            try:
                entries = list(self._observers.items())
            finally:
                self._copying = False
                deferred, self._deferred = self._deferred, []
                for uid, entry in deferred:
                    self._change(uid, entry)
        return entries

    @property
    def observers(self) -> int:
        return len(self._observers)


tr = Translator()


def N_(text: str) -> str:
    """Marks a string for the catalogue without translating it now."""
    return text
