from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from session.families import family_of
from session.flow import PRINT_ATTESTATION

from ..i18n import tr
from .base import KioskScreen, load_kv, sentences


class ConfirmationScreen(KioskScreen):
    """The numéro in very large type, the récépissé's printing, then "Terminer". When the
    récépissé did not print, the printer's fault stays under the numéro with "Réimprimer".
    For a procedure whose demande gets an attestation d'inscription, a button prints it
    recto-verso."""

    #: The procedure's demande gets an attestation d'inscription to print (its catalogue says so).
    attestation = BooleanProperty(False)
    #: Why the récépissé did not print (the session's words, translated); "" when it did or is printing.
    receipt_fault = StringProperty("")
    #: How the document reaches the person: its family's words (session/families.toml).
    delivery = StringProperty("")

    def refresh(self) -> None:
        session = self.controller.session
        self.attestation = self.controller.can(PRINT_ATTESTATION)
        self.ids.numero.text = session.numero or ""
        self.delivery = tr.text(family_of(session.procedure.group).delivery)
        self.receipt_fault = "" if session.receipt_printed else tr.text(session.receipt_error)
        self.ids.printed.text = (
            tr._("Votre récépissé est imprimé. Prenez-le sous l'imprimante.")
            if session.receipt_printed
            else tr._("Notez ce numéro : il permet de suivre votre demande.")
        )
        self.ids.reprint.opacity = 0 if session.receipt_printed else 1
        self.ids.reprint.disabled = session.receipt_printed

    def clear(self) -> None:
        self.ids.numero.text = ""
        self.receipt_fault = ""
        self.attestation = False

    def spoken_text(self) -> str:
        # the numéro read character by character, so it can be written down
        numero = " ".join(self.ids.numero.text)
        extra = (self.ids.print_attestation.text, self.ids.attestation_help.text) if self.attestation else ()
        return sentences(
            self.ids.title.text,
            self.ids.numero_label.text,
            numero,
            self.receipt_fault,
            self.ids.printed.text,
            self.ids.next_steps.text,
            *extra,
        )

    def print_recap(self) -> None:
        self.controller.print_recap()

    def print_attestation(self) -> None:
        self.controller.print_attestation()

    def reprint(self) -> None:
        self.controller.print_receipt()

    def finish(self) -> None:
        self.controller.next()  # what is left to do by post comes first, if any; else the end


load_kv(__file__)
