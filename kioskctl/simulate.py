"""A whole scripted session through the same session engine, ANTS client and
drivers as the touchscreen app: fill each step, scan each pièce, pay, submit,
print the récépissé, then end and wipe."""
from __future__ import annotations

import string
from dataclasses import dataclass

from config.factories import Services, make_client

#: Test card of the mock's timbre shop (accepted; see ants/mock).
TEST_CARD = {"carte": "4970100000000014", "expiration": "12/30", "cryptogramme": "123"}


class SimulationError(RuntimeError):
    pass


@dataclass
class SimulationResult:
    numero: str
    pages_scanned: int
    receipt_printed: bool
    wipe_clean: bool


def _letters(n: int) -> str:
    """0 → 'a', 25 → 'z', 26 → 'ba': a name suffix that stays letters only."""
    out = ""
    while True:
        out = string.ascii_lowercase[n % 26] + out
        n //= 26
        if n == 0:
            return out


def script_values(index: int, motif: str, canary: str = "") -> dict[str, str]:
    """Values a scripted user types, field by field; unique per session."""
    suffix = _letters(index)
    name = f"Martin-{canary}{suffix}" if canary else f"Martin-{suffix.capitalize()}"
    return {
        "motif": motif,
        "nom_naissance": name,
        "sexe": "F" if index % 2 else "M",
        "prenom1": "Éloïse" if index % 2 else "Jean-Noël",
        "prenom2": "",
        "date_naissance": f"{1 + index % 28:02d}/{1 + index % 12:02d}/{1950 + index % 50}",
        "numero_voie": str(1 + index % 200),
        "nom_voie": f"rue {canary or 'des Lilas'}",
        "complement": "",
        "code_postal": "75011",
        "commune": "Paris",
        "email": f"usager.{suffix}@exemple.fr",
        "mobile": "0612345678",
        "attestation": "1",
    }


def simulate(services: Services, procedure_id: str, *, index: int = 0, motif: str = "perte",
             canary: str = "") -> SimulationResult:
    values = script_values(index, motif, canary)
    booth = make_client(services.settings)
    try:
        values["code_photo"] = booth.new_photo_code()
        values["timbre"] = booth.buy_timbre(motif, values["code_postal"], **TEST_CARD).numero
    except Exception as exc:
        raise SimulationError(f"préparation (code photo, timbre) : {getattr(exc, 'message_fr', exc)}") from exc
    finally:
        booth.close()

    session = services.new_session(procedure_id)
    outcome = "abandoned"
    try:
        wizard = session.wizard
        while True:
            view = wizard.view()
            kind = view.step.kind
            if kind == "confirmation":
                break
            if kind == "pieces":
                for piece in view.pieces:
                    if piece.required and not session.workspace.page_count(piece.id):
                        session.scan_piece(piece.id)
            raw = {f.id: values.get(f.id, "") for f in view.fields}
            if kind == "recap":
                if not wizard.set_values(raw) or not wizard.step_complete():
                    raise SimulationError(f"récapitulatif : {wizard.errors}")
                session.submit()
                break
            if not wizard.next(raw):
                raise SimulationError(f"étape {view.step.id} : {wizard.errors or 'pièces manquantes'}")
        session.print_receipt()
        outcome = "submitted"
        numero = session.numero
        pages = sum(session.workspace.page_count(p.id) for s in session.procedure.steps for p in s.pieces)
        printed = session.receipt_printed
    except SimulationError:
        raise
    except Exception as exc:
        raise SimulationError(getattr(exc, "message_fr", repr(exc))) from exc
    finally:
        report = session.end(outcome)
    if not report.clean:
        raise SimulationError(f"effacement incomplet : {len(report.leftovers)} élément(s) : " + ", ".join(report.leftovers))
    return SimulationResult(numero=numero, pages_scanned=pages, receipt_printed=printed, wipe_clean=report.clean)
