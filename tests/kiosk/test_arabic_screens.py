"""The kiosk in Arabic on a procedure's checklist and its état-civil step: every
word on the screen comes from the Arabic catalogues (``kiosk.po`` and
``procedures.po``), none is left in French."""

import re

import pytest

from kiosk.i18n import shape, tr

pytestmark = pytest.mark.ui

LATIN = re.compile(r"[A-Za-zÀ-ÿ]")
#: Latin words that stay so in Arabic: each language named in itself, the text-size buttons.
KEPT = {"Français", "English", "A"}


def shown_words(kiosk) -> list[str]:
    out = []
    site = kiosk.root.site_name  # the site's name (its config) and the devices' states: the technician's line
    for w in kiosk.root.walk(restrict=True):
        text = getattr(w, "text", "")
        if isinstance(text, str) and site and text.startswith(site):
            continue
        if isinstance(text, str) and text.strip() and w.opacity > 0 and w.get_root_window() is not None:
            out.append(re.sub(r"\[/?[a-z]+(=[^\]]*)?\]", "", text))
    return out


def french_on_screen(kiosk) -> list[str]:
    return [t for t in shown_words(kiosk) if LATIN.search(t) and t not in KEPT]


@pytest.fixture
def kiosk(driver, make_services):
    k = driver(make_services(), typing="keys")
    yield k
    tr.reset()


def test_the_checklist_and_the_etat_civil_step_show_no_french_word(kiosk, tmp_path):
    kiosk.tap(kiosk.screen.ids.lang_ar)
    kiosk.tap(kiosk.screen.ids.start)
    kiosk.tap_group("permis")
    kiosk.tap_button(shape("رخصة ضائعة أو مسروقة أو تالفة"))
    assert kiosk.screen.name == "checklist"
    assert kiosk.screen.ids.title.text == shape("رخصة ضائعة أو مسروقة أو تالفة")
    words = shown_words(kiosk)
    assert shape("إثبات سكن عمره أقل من 6 أشهر: فاتورة الكهرباء أو الغاز أو الماء أو الهاتف.") in "\n".join(words)
    assert french_on_screen(kiosk) == []
    kiosk.screenshot(tmp_path / "checklist-ar.png")

    kiosk.tap(kiosk.screen.ids.begin)
    kiosk.choose(shape("أضعت رخصتي"))
    kiosk.tap_button(shape("متابعة"))
    form = kiosk.screen
    assert form.ids.indicator.title == shape("الحالة المدنية")
    assert form._boxes["nom_naissance"].label == shape("الاسم العائلي عند الولادة")
    assert french_on_screen(kiosk) == []
    kiosk.tap(form.ids.next)  # nothing typed: the session's message, in Arabic
    assert form._boxes["nom_naissance"].error == shape("هذه الخانة إجبارية. املأها من فضلك.")
    assert french_on_screen(kiosk) == []
    kiosk.screenshot(tmp_path / "etat-civil-ar.png")
