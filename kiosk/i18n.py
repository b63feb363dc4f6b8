"""The kiosk's languages: French (the source), English and Arabic.

Every visible string of the kiosk's own goes through ``tr._("…")``. In kv,
``text: tr._("Bonjour")`` is re-evaluated when the language changes (the
translator records the rules that call it, as Kivy's i18n example does), so
switching relabels every screen live.

Catalogues are gettext ``.po`` files under ``kiosk/locale/<lang>/LC_MESSAGES/``;
polib (one small module that reads, writes and compiles them as GNU gettext
does) compiles them to ``.mo`` in memory at start, and Python's ``gettext``
reads that; a ``.mo`` beside its ``.po``, when as recent, is read instead.

Arabic is reshaped (``arabic-reshaper``: joined letter forms) here and put in
visual order line by line when drawn (``python-bidi``), after Kivy has wrapped
it: see :class:`RtlLabelMixin`.

Procedure texts (titles, questions, help, validation messages) come from
``session/`` in French; the screens show them through :meth:`Translator.text`,
and their translations live beside, in ``procedures.po`` (see
:mod:`kiosk.datatexts`): one lookup for both catalogues.
"""

from __future__ import annotations

import gettext
import io
import logging
import threading
from pathlib import Path

import polib
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


# --- the catalogues ------------------------------------------------------------
def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def translated(po: Path) -> dict[str, str]:
    """msgid → msgstr of the entries msgfmt keeps (translated, neither fuzzy nor
    obsolete); the header aside."""
    return {entry.msgid: entry.msgstr for entry in polib.pofile(str(po)).translated_entries()}


def compile_catalogue(po: Path) -> gettext.GNUTranslations:
    """A ``.po`` compiled in memory by polib (its ``.mo`` is what GNU msgfmt
    makes: a test compares them)."""
    return gettext.GNUTranslations(io.BytesIO(polib.pofile(str(po)).to_binary()))


def _catalogue(po: Path) -> gettext.GNUTranslations:
    """A catalogue's ``.mo`` where one is at least as recent as its ``.po``; the
    ``.po`` compiled in memory otherwise."""
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with open(mo, "rb") as fp:
            return gettext.GNUTranslations(fp)
    return compile_catalogue(po)


def load_translations(lang: str) -> gettext.NullTranslations:
    """The kiosk's words in ``lang``, and behind them (a gettext fallback) the
    procedures' words (``procedures.po``, see :mod:`kiosk.datatexts`)."""
    if lang == "fr":
        return gettext.NullTranslations()
    po = po_path(lang)
    if not po.exists() and not po.with_suffix(".mo").exists():
        log.error("no catalogue for %r", lang)
        return gettext.NullTranslations()
    translations = _catalogue(po)
    data = po.with_name("procedures.po")
    if data.exists() or data.with_suffix(".mo").exists():
        translations.add_fallback(_catalogue(data))
    return translations


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
