"""Reading the person's documents to fill the step they are on: the button
that scans one, the confirmation of what was read, a code put in its field.

Typing is the hardest part for the people a point numérique serves: on the
état-civil step the identity document's MRZ fills the names and the date, on
the adresse step the bill's 2D-Doc fills the address, the photo sheet or
the timbre's print-out fills its code, and on the suivi the kiosk's own
récépissé gives the numéro de demande (its QR code). The session reads (UserSession.read_document
and scan_code, in the scan worker, through the controller's job queue: never on
the UI thread) and decides what to propose; this module shows it and forwards
the person's answer. What was read is shown, then confirmed ("C'est juste") or
put in the form to correct ("Corriger"); corrections go through
confirm_reading as the answer to what was read. Nothing the person typed is
replaced. Nothing read is kept here once the panel closes.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from session import flow as F

from .i18n import N_, tr
from .screens.base import load_kv, sentences
from .widgets.common import KLabel, KRow

#: The reading a step offers: the first kind whose fields the step has.
IDENTITY_FIELDS = ("nom_naissance", "prenom1", "date_naissance")
ADDRESS_FIELDS = ("nom_voie", "code_postal")
#: field kind -> what scan_code reads
CODE_KINDS = {"photo_code": "photo", "timbre": "timbre", "numero_demande": "recepisse"}
#: The codes put in their field in groups of four, as their sheet prints them (the
#: numéro de demande is put as the récépissé prints it, in one piece).
GROUPED = ("photo", "timbre")

OFFERS = {
    "identite": N_("Lire ma pièce d'identité"),
    "domicile": N_("Lire mon justificatif de domicile"),
    "photo": N_("Lire le code sur ma feuille"),
    "timbre": N_("Lire le code sur ma feuille"),
    "recepisse": N_("Lire mon récépissé"),
}
HINTS = {
    "identite": N_("Posez votre carte d'identité ou votre passeport ouvert sur la vitre, la photo contre la vitre."),
    "domicile": N_("Posez votre facture sur la vitre, face écrite contre la vitre : l'adresse sera lue."),
    "photo": N_("Posez la planche de photos sur la vitre, le code contre la vitre."),
    "timbre": N_("Posez le reçu du timbre sur la vitre, le code contre la vitre."),
    "recepisse": N_("Posez votre récépissé sur la vitre, le code carré contre la vitre."),
}
TITLES = {
    "identite": N_("Vérifiez ce qui a été lu sur votre pièce d'identité"),
    "domicile": N_("Vérifiez l'adresse lue sur votre justificatif"),
}
CODE_READ = N_("Le code a été lu sur la feuille : vérifiez-le, puis touchez « Continuer ».")
CODE_UNREAD = N_("Le code n'a pas pu être lu sur cette page : tapez-le.")
CODE_TYPED = N_("Vous avez déjà tapé un code : effacez-le, puis lisez la feuille à nouveau.")
#: The same sentences for the numéro de demande read on the récépissé.
NUMERO_READ = N_("Le numéro a été lu sur le récépissé : vérifiez-le, puis touchez « Continuer ».")
NUMERO_UNREAD = N_("Le numéro n'a pas pu être lu sur ce récépissé : tapez-le.")
NUMERO_TYPED = N_("Vous avez déjà tapé un numéro : effacez-le, puis lisez le récépissé à nouveau.")
TOLD_OF_CODE = {  # kind -> (read, unread, already typed)
    "recepisse": (NUMERO_READ, NUMERO_UNREAD, NUMERO_TYPED),
}
ALREADY = N_("Ce qui a été lu sur ce document est déjà rempli.")
ROW = N_("{label} :")


def offer_for(fields) -> tuple[str, str]:
    """(kind, field id) of the reading the step's ``fields`` offer, or ("", "")."""
    ids = {f.id for f in fields}
    if ids & set(IDENTITY_FIELDS):
        return "identite", ""
    if ids & set(ADDRESS_FIELDS):
        return "domicile", ""
    for f in fields:
        if f.kind in CODE_KINDS:
            return CODE_KINDS[f.kind], f.id
    return "", ""


def told_of_code(kind: str) -> tuple[str, str, str]:
    """What the person is told of a code's reading: read, unread, already typed."""
    return TOLD_OF_CODE.get(kind, (CODE_READ, CODE_UNREAD, CODE_TYPED))


def told_text(told: list[tuple[str, dict[str, str]]]) -> str:
    """The session's sentences (French templates and their values), in the user's language."""
    return " ".join(tr._(template).format(**params) if params else tr._(template) for template, params in told)


def grouped(code: str) -> str:
    """A code in groups of four, as the sheet prints it (O and 0 are easier told apart)."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def short_label(label: str) -> str:
    """A field's label without its parenthesis ("Date de naissance (JJ/MM/AAAA)")."""
    return label.split(" (")[0].strip()


class ReadingPanel(BoxLayout):
    """What was read on one document, over the form, with "C'est juste" and
    "Corriger" in view at every text size (the rows scroll if they must)."""

    title = StringProperty("")
    told = StringProperty("")
    reading = ObjectProperty(None)  # the Reading it answers

    def fill(self, rows: list[tuple[str, str]]) -> None:
        box = self.ids.rows
        box.clear_widgets()
        for label, value in rows:
            row = KRow(rtl=tr.rtl, size_hint_y=None, spacing=12)
            name = KLabel(text=tr._(ROW).format(label=label), size_hint_x=0.45)
            shown = KLabel(text=value, bold=True, size_hint_x=0.55)
            row.add_widget(name)
            row.add_widget(shown)
            row.bind(minimum_height=row.setter("height"))
            name.bind(height=lambda *_a, row=row, a=name, b=shown: setattr(row, "height", max(a.height, b.height)))
            shown.bind(height=lambda *_a, row=row, a=name, b=shown: setattr(row, "height", max(a.height, b.height)))
            box.add_widget(row)
        self.ids.scroll.scroll_y = 1

    def confirm(self) -> None:
        self.reading.confirm()

    def correct(self) -> None:
        self.reading.correct()

    def spoken_text(self) -> str:
        parts = [self.title]
        for row in reversed(self.ids.rows.children):
            parts += [" ".join(w.text for w in reversed(row.children))]
        return sentences(*parts, self.told, self.ids.how.text)

    # the form under the panel takes no touch while it is up
    def on_touch_down(self, touch):
        super().on_touch_down(touch)
        return True

    def on_touch_move(self, touch):
        super().on_touch_move(touch)
        return True

    def on_touch_up(self, touch):
        super().on_touch_up(touch)
        return True


class Reading:
    """The reading offered on one form screen (kiosk/screens/form.py)."""

    def __init__(self, screen: Any):
        self.screen = screen
        self.kind = ""
        self.field_id = ""  # the code's field, for "photo", "timbre" and "recepisse"
        self.panel: ReadingPanel | None = None
        self._values: dict[str, str] = {}  # shown in the panel, waiting for the answer
        self._correcting: dict[str, str] = {}  # put in the form by "Corriger": confirmed on Continuer

    @property
    def controller(self) -> Any:
        return self.screen.controller

    # --- the step ---------------------------------------------------------------
    def show_step(self, view: Any) -> None:
        """The reading the step offers (or none), its button's words, nothing told yet."""
        self.close()
        self._correcting = {}
        session = self.controller.session
        kind, field_id = offer_for(view.fields) if session is not None else ("", "")
        self.kind, self.field_id = kind, field_id
        self.screen.reading_offer = tr._(OFFERS[kind]) if kind else ""
        self.screen.reading_hint = tr._(HINTS[kind]) if kind else ""
        self.screen.reading_told = ""
        self.screen.reading_done = False

    def clear(self) -> None:
        self.close()
        self.kind = self.field_id = ""
        self._values, self._correcting = {}, {}

    # --- the scan ---------------------------------------------------------------
    def start(self) -> None:
        """The button was touched: what was typed is kept, the document scanned and read."""
        controller, session = self.controller, self.controller.session
        if session is None or not self.kind or controller.busy:
            return
        kind, field_id = self.kind, self.field_id
        if field_id and self.screen.collect().get(field_id, "").strip():
            self.screen.reading_told = tr._(told_of_code(kind)[2])
            return
        if controller.can(F.KEEP):
            controller.keep(self.screen.collect())
        self.screen.reading_told = ""
        self.screen.reading_done = False
        flow = controller.flow
        listener = flow.listener

        def progress(job) -> None:
            listener.scan_progress(job.progress)

        def read():
            try:
                if field_id:
                    result = session.scan_code(kind)
                else:
                    result = session.read_document(kind, on_progress=progress)
            except Exception as exc:
                listener.device_used(F.SCANNER, exc)
                raise
            listener.device_used(F.SCANNER, None)
            return result

        controller.run(F.SCANNING, read, on_done=lambda result: self._read(kind, field_id, result))

    def _read(self, kind: str, field_id: str, result: Any) -> None:
        if self.controller.session is None or kind != self.kind:  # the session ended, or the step changed
            return
        if field_id:
            self._code_read(kind, field_id, result)
            return
        values = dict(result.proposal.values)
        told = told_text(result.told)
        if not values:
            self.screen.reading_told = told or tr._(ALREADY)
            return
        self._values = values
        self.open(kind, values, told)

    def _code_read(self, kind: str, field_id: str, value: str) -> None:
        read, unread, _typed = told_of_code(kind)
        if not value:
            self.screen.reading_told = tr._(unread)
            return
        text_input = self.screen.input_of(field_id)
        if text_input is not None:
            text_input.text = grouped(value) if kind in GROUPED else value
        self.screen.reading_told = tr._(read)
        self.screen.reading_done = True

    # --- the confirmation ---------------------------------------------------------
    def rows(self, values: dict[str, str]) -> list[tuple[str, str]]:
        procedure = self.controller.session.procedure
        out = []
        for field_id, value in values.items():
            try:
                field = procedure.field(field_id)
            except KeyError:
                continue
            shown = value
            if field.kind == "date" and len(value) == 10 and value[4] == "-":
                shown = f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
            elif field.input == "choice":
                shown = tr.text(dict(field.choices).get(value, value))
            out.append((short_label(tr.text(field.label)), shown))
        return out

    def open(self, kind: str, values: dict[str, str], told: str) -> None:
        self.close()
        panel = ReadingPanel(title=tr._(TITLES[kind]), told=told, reading=self)
        panel.fill(self.rows(values))
        self.panel = panel
        self.screen.add_widget(panel)

    def close(self) -> None:
        if self.panel is not None:
            if self.panel.parent is not None:
                self.panel.parent.remove_widget(self.panel)
            self.panel = None

    def confirm(self) -> None:
        """ "C'est juste": the values go into the form; the step is answered when
        nothing it needs is left empty."""
        controller, session = self.controller, self.controller.session
        values, self._values = self._values, {}
        self.close()
        if session is None or not values:
            return
        session.confirm_reading(values, fields=set(values))
        self.screen.refresh()
        raw = self.screen.collect()
        wizard = session.wizard
        if all(raw.get(f.id) or not f.is_required(wizard.values) for f in wizard.view().fields):
            controller.next(raw)
        else:
            self.screen.focus_first_empty()

    def correct(self) -> None:
        """ "Corriger": the values are put in the form to be corrected there; they
        are the answer to what was read once the person goes on."""
        values, self._values = self._values, {}
        self.close()
        if not values:
            return
        shown = {}
        procedure = self.controller.session.procedure
        for field_id, value in values.items():
            field = procedure.field(field_id)
            if field.kind == "date" and len(value) == 10 and value[4] == "-":
                value = f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
            shown[field_id] = value
        self.screen.show_values(shown)
        self._correcting = shown
        self.screen.focus_field(next(iter(shown)))

    def before_next(self, raw: dict[str, str]) -> None:
        """The person goes on after "Corriger": what they left or changed is the
        answer to what was read (the form's own answer follows, validated)."""
        if not self._correcting or self.controller.session is None:
            return
        corrected = {k: raw[k] for k in self._correcting if raw.get(k)}
        self._correcting = {}
        self.controller.session.confirm_reading(corrected, fields=set(corrected))


load_kv(__file__)
