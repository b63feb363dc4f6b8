"""Accessibility on the device itself: contrast of every text colour pair,
the three languages (live relabelling, Arabic shaped and right to left),
read-aloud through espeak-ng, and touch that forgives (one finger at a time,
no double action, no way out through the keyboard)."""

import ast
import gettext
import os
import re
import shutil
import signal
import subprocess
import wave
from pathlib import Path

import polib
import pytest

from kiosk.fonts import has_arabic
from kiosk.i18n import LOCALE_DIR, compile_catalogue, po_path, shape, tr, translated
from kiosk.theme import PALETTES, TEXT_PAIRS
from support import wait_until

KIOSK = Path(__file__).resolve().parents[2] / "kiosk"


# --- contrast -------------------------------------------------------------------
def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula_matches_wcag_examples():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("palette,least", [("normal", 4.5), ("contraste", 7.0)])
def test_every_text_colour_pair_is_readable(palette, least):
    colours = PALETTES[palette]
    weak = {
        f"{fg} on {bg}": round(contrast(colours[fg], colours[bg]), 2)
        for fg, bg in TEXT_PAIRS
        if contrast(colours[fg], colours[bg]) < least
    }
    assert weak == {}


def test_the_pairs_cover_the_colours_the_kv_files_draw_text_with():
    """Each colour a .kv gives to text (color: THEME.x) appears as a foreground in TEXT_PAIRS."""
    used = set()
    for kv in KIOSK.rglob("*.kv"):
        for m in re.finditer(r"\bcolor: (.*)", kv.read_text()):
            used |= set(re.findall(r"THEME\.(\w+)", m.group(1))) - {"palette"}
    foregrounds = {fg for fg, _bg in TEXT_PAIRS}
    assert used and used <= foregrounds


# --- languages ------------------------------------------------------------------
MARKED = re.compile(r"""(?:tr\._|\bN_)\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\)""")
#: Kept in French in Arabic (none now: the procedure words are Arabic too, FranceConnect
#: is «فرانس كونكت»); the Arabic font has no Latin letters (no fallback in SDL2).
FRENCH_IN_ARABIC: set[str] = set()


def marked_strings() -> set[str]:
    out = set()
    for f in KIOSK.rglob("*"):
        if f.suffix in (".py", ".kv") and f.name != "i18n.py":
            out |= {ast.literal_eval(m.group(1)) for m in MARKED.finditer(f.read_text())}
    return out


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_kiosk_string_is_translated(lang):
    catalog = translated(po_path(lang))
    expected = marked_strings() - (FRENCH_IN_ARABIC if lang == "ar" else set())
    assert len(expected) > 50
    assert sorted(expected - set(catalog)) == []
    for msgid, msgstr in catalog.items():  # placeholders survive translation
        assert re.findall(r"{\w*}", msgid) == re.findall(r"{\w*}", msgstr), msgid


def test_arabic_translations_use_only_what_the_arabic_font_draws():
    # Noto Sans Arabic has no Latin letters and no parentheses: they would show as boxes.
    catalog = translated(po_path("ar"))
    for msgid, msgstr in catalog.items():
        if msgid and has_arabic(msgstr):
            assert not re.search(r"[A-Za-z()]", re.sub(r"{\w*}", "", msgstr)), (msgid, msgstr)


def test_every_procedure_text_is_translated_in_english():
    from kiosk import datatexts

    catalog = translated(datatexts.po_path("en"))
    texts = datatexts.texts()
    assert len(texts) > 400  # titles, questions, help, pièces, checklists, statuts, validation messages
    assert [t for t in texts if t not in catalog] == []  # run `python -m kiosk.datatexts en`, then translate
    assert sorted(set(catalog) - set(texts) - {""}) == []  # nothing stale (the header aside)
    for msgid, msgstr in catalog.items():
        assert re.findall(r"{[\w.]*}", msgid) == re.findall(r"{[\w.]*}", msgstr), msgid


CATALOGUES = sorted(str(po.relative_to(LOCALE_DIR)) for po in LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def test_the_catalogues_are_the_kiosks_and_the_procedures():
    assert {"en/LC_MESSAGES/kiosk.po", "ar/LC_MESSAGES/kiosk.po", "en/LC_MESSAGES/procedures.po"} <= set(CATALOGUES)


@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_polib_compiles_every_catalogue_as_gnu_msgfmt_does(catalogue, tmp_path):
    if not shutil.which("msgfmt"):
        pytest.fail(
            "msgfmt is missing (/usr/bin/msgfmt): install Debian's gettext (sudo apt-get install gettext)",
            pytrace=False,
        )
    po = LOCALE_DIR / catalogue
    mo = tmp_path / "catalogue.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)  # format, header, domain
    with open(mo, "rb") as fp:
        gnu = gettext.GNUTranslations(fp)
    ours = compile_catalogue(po)
    assert ours.info() == gnu.info()
    msgids = {entry.msgid for entry in polib.pofile(str(po))} | marked_strings()
    assert [m for m in msgids if ours.gettext(m) != gnu.gettext(m)] == []


@pytest.fixture
def kiosk(driver, make_services):
    k = driver(make_services(), typing="keys")
    yield k
    tr.reset()


def test_switching_language_relabels_every_screen_live(kiosk):
    welcome = kiosk.screen
    kiosk.tap(welcome.ids.lang_en)
    assert welcome.ids.start.text == "Touch here to start"
    assert kiosk.root.ids.mediator.text == "Call a mediator"
    assert kiosk.controller.manager.get_screen("checklist").ids.begin.text == "I have everything, let's start"
    kiosk.tap_button("Touch here")
    assert kiosk.screen.ids.question.text == "What do you want to do?"
    kiosk.tap_group("permis")
    # The procedures' own words too (session/ data, kiosk/locale/*/procedures.po)
    kiosk.tap_button("Licence lost, stolen or damaged")
    assert kiosk.screen.ids.begin.text == "I have everything, let's start"
    assert kiosk.screen.ids.title.text == "Licence lost, stolen or damaged"
    kiosk.tap(kiosk.screen.ids.begin)
    form = kiosk.screen
    assert form.ids.indicator.title == "Reason for the request"
    assert form._boxes["motif"].label == "What happened?"
    kiosk.tap(form.ids.next)  # nothing chosen: the session's message, in English
    assert form._boxes["motif"].error == "Tap one of the answers to continue."
    kiosk.tap(kiosk.root.ids.read_aloud)
    assert kiosk.speaker.said[-1][0] == "en" and "What happened?" in kiosk.speaker.last
    kiosk.controller.finish("abandoned")
    kiosk.wait_idle()
    kiosk.controller.reset()
    assert tr.lang == "fr" and kiosk.screen.ids.start.text == "Touchez ici pour commencer"


def test_centred_text_stays_centred_after_a_language_change(kiosk):
    welcome = kiosk.screen
    for lang in ("ar", "fr", "en", "fr"):
        kiosk.tap(welcome.ids[f"lang_{lang}"])
        assert welcome.ids.invite.halign == "center", lang
    kiosk.tap(welcome.ids.start)
    assert kiosk.screen.ids.question.halign == "left"


def test_arabic_is_shaped_and_laid_out_right_to_left(kiosk):
    welcome = kiosk.screen
    kiosk.tap(welcome.ids.lang_ar)
    start = welcome.ids.start
    assert start.text == shape("المس هنا للبدء")
    assert start.text != "المس هنا للبدء"  # joined letter forms
    assert start.font_name == "KioskArabic"
    assert welcome.ids.invite.halign == "center"  # centred text stays centred
    kiosk.tap(start)
    assert kiosk.screen.ids.question.halign == "right"  # text from the start of the line: the right
    kiosk.tap_group("permis")
    kiosk.tap_button(shape("رخصة ضائعة"))  # the procedure words are Arabic too
    back, begin = kiosk.screen.ids.back, kiosk.screen.ids.begin
    assert back.x > begin.x  # "Retour" on the right: where an Arabic reader starts
    top = kiosk.root.ids
    assert top.mediator.x < top.read_aloud.x
    # drawn in visual order, line by line
    from kiosk.i18n import visual

    assert visual(shape("رجوع")) == shape("رجوع")[::-1]


# --- read-aloud ---------------------------------------------------------------
def require_espeak():
    if not shutil.which("espeak-ng"):
        pytest.fail(
            "espeak-ng is missing (/usr/bin/espeak-ng): install Debian's espeak-ng (sudo apt-get install espeak-ng)",
            pytrace=False,
        )


@pytest.mark.parametrize(
    "lang,text", [("fr", "Touchez ici pour commencer."), ("en", "Touch here to start."), ("ar", "المس هنا للبدء")]
)
def test_espeak_writes_real_speech(tmp_path, lang, text):
    from kiosk.speech import EspeakSpeaker

    require_espeak()
    out = tmp_path / f"{lang}.wav"
    speaker = EspeakSpeaker(wav_to=str(out))
    assert speaker.command(text, lang)[:3] == [speaker.executable, "-v", lang]
    speaker.say(text, lang)
    speaker.wait()
    with wave.open(str(out)) as w:
        seconds = w.getnframes() / w.getframerate()
        frames = w.readframes(w.getnframes())
    assert seconds > 0.5
    assert max(abs(int.from_bytes(frames[i : i + 2], "little", signed=True)) for i in range(0, len(frames), 2)) > 1000


def test_espeak_stop_ends_the_sentence(tmp_path):
    from kiosk.speech import EspeakSpeaker

    require_espeak()
    # espeak-ng writes its sound into a pipe nobody reads: it blocks there for
    # ever, so only stop() can end it
    fifo = tmp_path / "speech.wav"
    os.mkfifo(fifo)
    speaker = EspeakSpeaker(wav_to=str(fifo))
    speaker.say("Une longue phrase.")
    proc = wait_until(lambda: speaker._proc, 10, message="espeak-ng to start")
    try:
        assert proc.poll() is None
        speaker.stop()
        assert proc.returncode == -signal.SIGTERM  # ended by stop(), not by itself
        assert not os.path.exists(f"/proc/{proc.pid}")
        speaker.wait(5)
        assert not speaker._thread.is_alive()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


def test_read_aloud_says_the_question_and_its_help(kiosk):
    kiosk.tap(kiosk.root.ids.read_aloud)
    assert kiosk.speaker.said[-1][0] == "fr" and kiosk.speaker.last.startswith("Bonjour !")
    kiosk.tap_button("Touchez ici")
    kiosk.tap_group("permis")
    kiosk.tap_button("Permis perdu")
    kiosk.tap_button("J'ai tout")
    kiosk.tap(kiosk.root.ids.read_aloud)
    said = kiosk.speaker.last
    assert said.startswith("Étape 1 sur 8. Motif de la demande.")
    assert "Que s'est-il passé ?" in said and "En cas de vol, il faut d'abord déclarer le vol" in said
    assert "J'ai perdu mon permis." in said
    kiosk.controller.finish("abandoned")
    kiosk.wait_idle()
    kiosk.tap(kiosk.root.ids.read_aloud)
    assert "effacées" in kiosk.speaker.last


def test_every_screen_has_something_to_say():
    from kiosk.screens import NAMES, screen_class
    from kiosk.screens.base import KioskScreen

    assert all(screen_class(name).spoken_text is not KioskScreen.spoken_text for name in NAMES)


# --- touch that forgives ------------------------------------------------------------
def test_a_second_finger_is_ignored(kiosk):
    from kivy.tests.common import UnitTestTouch

    start = kiosk.screen.ids.start
    contrast = kiosk.root.ids.contrast
    first = UnitTestTouch(*start.to_window(start.x + 5, start.y + 5))
    second = UnitTestTouch(*contrast.to_window(*contrast.center))
    first.touch_down()
    second.touch_down()
    second.touch_up()
    assert contrast.state == "normal"
    first.touch_up()
    kiosk.pump(1)
    from kiosk.theme import THEME

    assert THEME.palette == "normal" and kiosk.screen.name == "chooser"


def test_a_long_press_acts_once(kiosk):
    from kivy.tests.common import UnitTestTouch

    calls = []
    kiosk.app.mediator_call.bind(asked=lambda *_a: calls.append(1))
    mediator = kiosk.root.ids.mediator
    touch = UnitTestTouch(*mediator.to_window(*mediator.center))
    touch.touch_down()
    kiosk.pump(20)
    touch.touch_up()
    kiosk.pump(2)
    assert calls == [1] and kiosk.controller.assisted


def test_a_finger_dragged_off_a_button_does_not_press_it(kiosk):
    from kivy.tests.common import UnitTestTouch

    start = kiosk.screen.ids.start
    touch = UnitTestTouch(*start.to_window(*start.center))
    touch.touch_down()
    touch.touch_move(start.to_window(start.center_x, start.top + 80)[0], start.to_window(0, start.top + 80)[1])
    touch.touch_up()
    kiosk.pump(2)
    assert kiosk.screen.name == "welcome"


@pytest.mark.parametrize("key,modifiers", [(27, []), (282, []), (285, ["alt"])])
def test_no_way_out_through_the_keyboard(kiosk, key, modifiers):
    window = kiosk.window
    assert window.dispatch("on_keyboard", key, 0, None, modifiers) is True
    assert window.dispatch("on_request_close") is True
    kiosk.pump(2)
    assert kiosk.root.parent is window and kiosk.screen.name == "welcome"
