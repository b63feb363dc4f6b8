"""A whole scripted session through the same session, flow, ANTS client and
drivers as the touchscreen app: the script answers what the flow
(session/flow.py) asks, step after step, as a person at the screen would
(the values typed, the FranceConnect login, the pièces to scan, the papers to
print), and calls the same intents in the same order; then the session ends
and is wiped. It has no rule of its own on what comes next.

Every procedure has scripted variants (``kioskctl/scripts/<procedure>.toml``),
one per branch worth proving: each motif, each condition (age, nationality,
catégorie, kind of plate…). A variant gives the values a user types where
they differ from :func:`script_values`, what must be prepared on the mock
first (a NEPH, a vehicle, a code de cession, a demande waiting for a
complément, a FranceConnect identity), and what the run must show (the pièces
asked, what ANTS hands out, an address on the guidance).
"""

from __future__ import annotations

import datetime as _dt
import string
import tomllib
import traceback
from dataclasses import dataclass, field
from importlib import resources

import requests

from browser import ScriptedBrowser
from config.factories import Services, make_client
from session.flow import ANSWER, CONNECT, PRINT_GUIDANCE, PRINT_RECEIPT, Flow, FlowListener
from userfacing import UserFacingError

#: Test card of the mock's timbre shop (accepted; see ants/mock).
TEST_CARD = {"carte": "4970100000000014", "expiration": "12/30", "cryptogramme": "123"}
#: The mock's default agents' portal token (ants/mock/settings.example.toml: agent_token).
AGENT_TOKEN = "agent-cert-demo"


class SimulationError(RuntimeError):
    """A run that failed. ``numero``: the demande filed before the failure, if
    any; the message then names it, as the kiosk's screen keeps it in view."""

    def __init__(self, message: str, numero: str = ""):
        if numero and numero not in message:
            message = f"demande {numero} déposée, puis : {message}"
        super().__init__(message)
        self.numero = numero


def _fault(exc: BaseException) -> str:
    """What the user is told, and the device's own detail for the technician
    (a setting or a state, never the user's data). Any other error is a bug,
    not a device's fault: said so, with its traceback."""
    if not isinstance(exc, UserFacingError):
        trace = "".join(traceback.format_exception(exc)).rstrip()
        return f"bogue du logiciel, pas une panne d'appareil : {type(exc).__name__}\n{trace}"
    told = exc.message_fr
    cause = exc.__cause__
    detail = " ".join((cause.detail if isinstance(cause, UserFacingError) else "").split())  # one line
    return f"{told} ({detail})" if detail and detail != told else told


@dataclass
class SimulationResult:
    numero: str
    pages_scanned: int
    receipt_printed: bool
    wipe_clean: bool
    procedure: str = ""
    variant: str = ""
    #: The pièces scanned, in order: proves which branch the conditions took.
    pieces: tuple[str, ...] = ()
    #: What ANTS handed out (neph, code_cession, envoi_avant…).
    delivre: dict = field(default_factory=dict)
    #: "a4" or "receipt" when guidance was printed, else "".
    guidance_printed: str = ""
    #: The guidance as data (see session.guidance.Guidance.as_dict), when there is one.
    guidance: dict | None = None
    #: Suivi: the statut found, then after the complément.
    statut: str = ""


@dataclass(frozen=True)
class Variant:
    name: str
    values: dict
    prepare: dict
    expect: dict


def _letters(n: int) -> str:
    """0 → 'a', 25 → 'z', 26 → 'ba': a name suffix that stays letters only."""
    out = ""
    while True:
        out = string.ascii_lowercase[n % 26] + out
        n //= 26
        if n == 0:
            return out


def script_values(index: int, motif: str | None, canary: str = "") -> dict[str, str]:
    """Values a scripted user types, field by field; unique per session."""
    suffix = _letters(index)
    name = f"Martin-{canary}{suffix}" if canary else f"Martin-{suffix.capitalize()}"
    values = {
        "nom_naissance": name,
        "nom_usage": "",
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
        "commune_naissance": "Lyon",
        "pays_naissance": "France",
        "acheteur": "particulier",
        "acquereur_nom": "Bernard",
        "acquereur_prenom": "Luc",
        "date_cession": "@days:3",
        "vehicule_ancien": "non",
        "mandataire": "non",
    }
    if motif:
        values["motif"] = motif
    return values


# --- scripts ------------------------------------------------------------------------
def load_scripts() -> dict[str, list[Variant]]:
    """Every procedure's variants, from ``kioskctl/scripts/*.toml``, by procedure id."""
    out: dict[str, list[Variant]] = {}
    for f in sorted(resources.files("kioskctl").joinpath("scripts").iterdir(), key=lambda f: f.name):
        if not f.name.endswith(".toml"):
            continue
        data = tomllib.loads(f.read_text(encoding="utf-8"))
        out[data["procedure"]] = [
            Variant(v["name"], dict(v.get("values", {})), dict(v.get("prepare", {})), dict(v.get("expect", {})))
            for v in data["variants"]
        ]
    return out


def variant_of(procedure_id: str, name: str | None = None, motif: str | None = None) -> Variant:
    variants = load_scripts().get(procedure_id)
    if not variants:
        raise SimulationError(f"pas de script pour la démarche {procedure_id!r} (kioskctl/scripts)")
    if name:
        for v in variants:
            if v.name == name:
                return v
        raise SimulationError(f"variante inconnue {name!r} ; connues : {', '.join(v.name for v in variants)}")
    if motif:
        for v in variants:
            if v.name == motif or v.values.get("motif") == motif:
                return v
    return variants[0]


def _resolve(value: str, today: _dt.date) -> str:
    """ "@age:30" → a birth date 30 years (and 40 days) ago; "@days:10" → 10 days ago; as JJ/MM/AAAA."""
    if not isinstance(value, str) or not value.startswith("@"):
        return value
    kind, _, number = value[1:].partition(":")
    n = int(number)
    if kind == "age":
        try:
            when = today.replace(year=today.year - n)
        except ValueError:  # 29 February
            when = today.replace(year=today.year - n, day=28)
        when -= _dt.timedelta(days=40)
    elif kind == "days":
        when = today - _dt.timedelta(days=n)
    else:
        raise SimulationError(f"valeur relative inconnue : {value!r}")
    return when.strftime("%d/%m/%Y")


class _Training:
    """The mock's training and agents' endpoints: fresh NEPHs and vehicles, an agent's decision."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()

    def _post(self, path: str, body: dict, token: str | None = None) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.http.post(self.base_url + path, json=body, headers=headers, timeout=10)
        if response.status_code >= 400:
            raise SimulationError(f"préparation {path} : HTTP {response.status_code} {response.text[:200]}")
        return response.json()

    def neph(self, nom: str, prenom: str, date_naissance: str, categories: list[str]) -> str:
        return self._post(
            "/api/v1/formation/nephs",
            {"nom": nom, "prenoms": prenom, "date_naissance": date_naissance, "categories": categories},
        )["neph"]

    def vehicle(self, titulaire: str, prenom: str, *, fni: bool, age: int) -> dict:
        return self._post(
            "/api/v1/formation/vehicules",
            {"ancien_numero": fni, "age_ans": age, "titulaire_nom": titulaire, "titulaire_prenom": prenom},
        )

    def ask_complement(self, numero: str, pieces: list[str], message: str) -> None:
        self._post(
            f"/api/v1/agent/demandes/{numero}/transitions",
            {"statut": "complement_demande", "message": message, "pieces": pieces},
            token=AGENT_TOKEN,
        )

    def close(self) -> None:
        self.http.close()


def _iso(jjmmaaaa: str) -> str:
    d, m, y = jjmmaaaa.split("/")
    return f"{y}-{m}-{d}"


def _prepare(services: Services, variant: Variant, values: dict, index: int, training: _Training) -> dict:
    """Make on the mock what the variant needs; returns the login to use, if any."""
    prep = variant.prepare
    login: dict = {}
    if prep.get("neph"):
        values["neph"] = training.neph(
            values["nom_naissance"],
            values["prenom1"],
            _iso(values["date_naissance"]),
            prep.get("neph_categories", ["B"]),
        )
    if "vehicule" in prep:
        v = prep["vehicule"]
        row = training.vehicle(
            values["nom_naissance"], values["prenom1"], fni=bool(v.get("ancien_numero")), age=int(v.get("age_ans", 2))
        )
        values.update(
            immatriculation=row["immatriculation"],
            numero_formule=row["numero_formule"],
            code_confidentiel=row["code_confidentiel"],
        )
    if "cession" in prep:
        seller = simulate(services, "cg-cession", index=index + 5000, variant=prep["cession"])
        values.update(immatriculation=seller.delivre["_immatriculation"], code_cession=seller.delivre["code_cession"])
    if "demande" in prep:
        d = prep["demande"]
        earlier = simulate(services, d["procedure"], index=index + 7000, variant=d.get("variant"))
        if d.get("complement"):
            training.ask_complement(
                earlier.numero, list(d["complement"]), d.get("message", "Le justificatif de domicile est illisible.")
            )
        values["numero"] = earlier.numero
    if "franceconnect" in prep:
        login = dict(prep["franceconnect"])
    return login


# --- the run ------------------------------------------------------------------------
class _Told(FlowListener):
    """What the script hears of the flow: only that the person is done, and how."""

    outcome = ""

    def finished(self, outcome: str) -> None:
        self.outcome = outcome


def simulate(
    services: Services,
    procedure_id: str,
    *,
    index: int = 0,
    motif: str | None = None,
    canary: str = "",
    variant: str | None = None,
) -> SimulationResult:
    chosen = variant_of(procedure_id, variant, motif)
    procedure = services.catalogue[procedure_id]
    today = _dt.date.today()
    values = script_values(index, None, canary)
    values.update(chosen.values)
    if motif:
        values["motif"] = motif
    values = {k: _resolve(v, today) for k, v in values.items()}
    known = {f.id for s in procedure.steps for f in s.fields}
    unknown = set(chosen.values) - known
    if unknown:
        raise SimulationError(f"script {procedure_id}/{chosen.name} : champs inconnus {sorted(unknown)}")

    booth = make_client(services.settings)
    training = _Training(services.settings.ants.base_url)
    try:
        login = _prepare(services, chosen, values, index, training)
    except SimulationError:
        booth.close()
        training.close()
        raise
    except Exception as exc:
        booth.close()
        training.close()
        raise SimulationError(f"préparation : {exc.message_fr if isinstance(exc, UserFacingError) else exc}") from exc

    session = services.new_session(procedure_id)
    told = _Told()
    flow = Flow(session, told)
    scanned: list[str] = []
    guidance_printed = ""
    guidance = None
    try:
        wizard = session.wizard
        for _ in range(50):  # a procedure has about ten steps: a loop means a bug
            state = flow.state
            if told.outcome:
                break
            for f in state.fields:
                _fill_lazily(f, values, wizard.values, booth, procedure)
            for piece in state.to_scan:
                for _attempt in range(3):  # a page the checks refuse ("Rescannez : …") is scanned again
                    flow.scan(piece.id)
                    if session.workspace.page_count(piece.id) or piece.id not in wizard.errors:
                        break
                scanned.append(piece.id)
            if state.can(PRINT_GUIDANCE):
                guidance = session.guidance().as_dict()
                guidance_printed = flow.print_guidance(a4=True)
            if state.can(CONNECT):
                # The person at the window, played: they type the identity's password on the
                # provider's page; the session only opens the window and gets the answer.
                session.logins.browser = ScriptedBrowser(login)
                done = flow.connect()
            elif state.can(ANSWER):
                done = flow.answer({f.id: values.get(f.id, "") for f in state.fields})
            else:  # nothing more to answer: the ticket to take away, if not printed yet, then the end
                if state.can(PRINT_RECEIPT) and not session.receipt_printed:
                    flow.print_receipt()
                done = flow.finish()
            if not done:
                raise SimulationError(f"étape {wizard.current.id} : {wizard.errors or 'pièces manquantes'}")
        else:
            raise SimulationError("le parcours ne se termine pas")
        numero = session.numero or (session.suivi or {}).get("numero", "")
        statut = (session.suivi or {}).get("statut", "")
        delivre = dict(session.delivre)
        if "immatriculation" in wizard.values:
            delivre["_immatriculation"] = wizard.values["immatriculation"]
        pages = sum(session.workspace.page_count(p) for p in scanned)
        printed = session.receipt_printed
    except SimulationError as exc:
        if session.numero and not exc.numero:
            raise SimulationError(str(exc), numero=session.numero) from exc
        raise
    except Exception as exc:
        # A demande filed keeps its numéro in the output whatever failed after (the récépissé...).
        raise SimulationError(_fault(exc), numero=session.numero or "") from exc
    finally:
        booth.close()
        training.close()
        report = flow.end(told.outcome or "abandoned")
    filed = numero if told.outcome == "submitted" else ""
    if not report.clean:
        raise SimulationError(
            f"effacement incomplet : {len(report.leftovers)} élément(s) : " + ", ".join(report.leftovers), numero=filed
        )
    result = SimulationResult(
        numero=numero,
        pages_scanned=pages,
        receipt_printed=printed,
        wipe_clean=report.clean,
        procedure=procedure_id,
        variant=chosen.name,
        pieces=tuple(scanned),
        delivre=delivre,
        guidance_printed=guidance_printed,
        guidance=guidance,
        statut=statut,
    )
    try:
        check_expectations(chosen, result)
    except SimulationError as exc:
        raise SimulationError(str(exc), numero=filed) from exc
    return result


def _fill_lazily(f, values: dict, typed: dict, booth, procedure) -> None:
    """What a user brings from elsewhere, made when the step asks for it: a photo code, a timbre."""
    if f.kind == "photo_code" and not values.get(f.id):
        values[f.id] = booth.new_photo_code()
    elif f.kind == "timbre" and not values.get(f.id):
        born = typed.get("date_naissance") or None
        values[f.id] = booth.buy_timbre(
            typed.get("motif", ""),
            typed.get("code_postal", ""),
            **TEST_CARD,
            procedure=procedure.ants_procedure,
            date_naissance=born,
            immatriculation=typed.get("immatriculation") or None,
        ).numero


def check_expectations(variant: Variant, result: SimulationResult) -> None:
    """The variant's ``expect`` table against the run: the branch taken is the one scripted."""
    expect = variant.expect
    problems = []
    if "pieces" in expect and sorted(expect["pieces"]) != sorted(result.pieces):
        problems.append(f"pièces {sorted(result.pieces)} au lieu de {sorted(expect['pieces'])}")
    for key in expect.get("delivre", []):
        if not result.delivre.get(key):
            problems.append(f"delivre.{key} manquant")
    if expect.get("numero", True) and not result.numero:
        problems.append("pas de numéro de demande")
    if "guidance" in expect and bool(result.guidance) != bool(expect["guidance"]):
        problems.append("explications " + ("absentes" if expect["guidance"] else "inattendues"))
    text = "\n".join(_guidance_lines(result.guidance))
    for needle in expect.get("guidance_contains", []):
        if needle not in text:
            problems.append(f"explications sans « {needle} »")
    if "statut" in expect and result.statut != expect["statut"]:
        problems.append(f"statut {result.statut!r} au lieu de {expect['statut']!r}")
    if problems:
        raise SimulationError(f"{result.procedure}/{result.variant} : " + " ; ".join(problems))


def _guidance_lines(g: dict | None) -> list[str]:
    if not g:
        return []
    lines = [g["title"], g["intro"]]
    for s in g["sections"]:
        lines += [s["heading"], *s["paragraphs"], *s["address"]]
    return lines
