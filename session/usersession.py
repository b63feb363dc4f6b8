"""One user's session, from the first touch to the verified wipe.

Everything personal hangs from a :class:`UserSession`: the wizard's values,
the workspace's scans, the ANTS session token. Ending it ends all of them.
The methods that touch a device or the network block: the UI calls them
from its worker, never from its own thread.
"""

from __future__ import annotations

import datetime as _dt
import logging
import secrets
import threading
import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

from ants import AntsError, AntsRejected, AntsSessionExpired, AntsUnavailable, LoginCancelled, PieceFile
from drivers.printer import Receipt
from userfacing import UserFacingError

from . import guidance as _guidance
from . import prefill as _prefill
from . import suivi as _suivi
from .browserlogin import BrowserLogins, NoBrowser
from .catalogue import Piece, Procedure
from .families import family_of
from .guidance import Guidance
from .ports import A4Printer, AntsClient, BrowserWindow, PendingLogouts, ReceiptPrinter, ScanJob, Scanner
from .stats import SessionFigures, StatsStore
from .validation import Invalid, validate
from .wipe import OTHER_FILESYSTEM, check_leftovers, needles_of
from .wizard import Wizard
from .workspace import WipeReport, Workspace

log = logging.getLogger(__name__)


class SessionError(UserFacingError, RuntimeError):
    """A failure the user must be told about, in plain French: ``message_fr``
    is the sentence with its ``{name}`` placeholders filled from ``params``
    (never a user's data); the kiosk translates the sentence (kiosk/locale)."""

    key = "session.error"

    def __init__(self, message_fr: str, *, key: str | None = None, **params: object):
        super().__init__(key=key, template=message_fr, params=params)

    @classmethod
    def of(cls, error: UserFacingError) -> SessionError:
        """What a driver's or the ANTS client's ``error`` tells the user, as the
        session's error: the same key, sentence and values, and its detail."""
        told = cls(error.template, key=error.key, **error.params)
        told.detail = error.detail
        return told


SESSION_ENDED = "Votre session est terminée. Touchez l'écran pour commencer."
NO_A4_PRINTER = "Il n'y a pas d'imprimante A4 sur cette borne. Demandez au médiateur."
NO_BROWSER = "Cette borne ne peut pas ouvrir la page de connexion. Demandez au médiateur."


class UserSession:
    def __init__(
        self,
        procedure: Procedure,
        *,
        workspace_root: Path,
        client: AntsClient,
        scanner: Scanner,
        printer: ReceiptPrinter,
        site_name: str,
        suivi_url: str,
        stats: StatsStore | None = None,
        require_tmpfs: bool = True,
        on_change: Callable[[Wizard], None] | None = None,
        now: Callable[[], _dt.datetime] = _dt.datetime.now,
        check_places: list[Path] | None = None,
        check_exclude: list[Path] | None = None,
        recent_log: Callable[[], list[str]] | None = None,
        a4: A4Printer | None = None,
        pending_logouts: PendingLogouts | None = None,
        browser: BrowserWindow | None = None,
        browser_allow: list[str] | None = None,
        franceconnect_client_id: str = "",
    ):
        self.procedure = procedure
        self.wizard = Wizard(procedure, on_change=on_change, today=lambda: now().date())
        self.workspace = Workspace(workspace_root, require_tmpfs=require_tmpfs)
        self.client = client
        self.scanner = scanner
        self.printer = printer
        #: The A4 printer (drivers.printer A4Printer), or None: guidance then goes to the receipt printer.
        self.a4 = a4
        self.site_name = site_name
        #: Where the demande is followed (the récépissé's QR): the site's, else the family's.
        self.suivi_url = suivi_url or family_of(procedure.group).suivi_url
        self.stats = stats
        self.numero: str | None = None
        #: What ANTS handed out with the demande (neph, code_cession, numero_predemande, envoi_avant…).
        self.delivre: dict[str, Any] = {}
        #: Suivi: the demande looked up (see :meth:`lookup_demande`); True once a complément is sent.
        self.suivi: dict[str, Any] | None = None
        self.complement_sent = False
        self.receipt_printed = False
        #: Why the récépissé did not print, as the user is told ("" when it printed or was not tried).
        self.receipt_error = ""
        #: A4 jobs whose purge from the print spool failed (their ids): a wipe failure at the end.
        self._unpurged: list[int] = []
        self.scan_job: ScanJob | None = None
        #: What the scans read (documents.PageReading), by pièce or code sheet: in memory only.
        self.readings: dict[str, list[Any]] = {}
        #: What the readers told the user without refusing a page (sentences, latest last).
        self.read_notes: list[str] = []
        #: Why the last page judged was refused (documents.Told), or None.
        self.last_refusal: Any = None
        self._now = now
        self._started = time.monotonic()
        self._started_wall = time.time()
        self.check_places = list(check_places or [])
        self.check_exclude = list(check_exclude or [])
        self._recent_log = recent_log
        #: Where a logout that could not reach ANTS goes to be done later (ants.PendingLogouts).
        self.pending_logouts = pending_logouts
        #: FranceConnect and the timbre shop, in the locked browser window.
        self.logins = BrowserLogins(
            client,
            browser,
            allow=list(browser_allow or []),
            client_id=franceconnect_client_id,
            workspace_path=self.workspace.path,
        )
        self._figures = SessionFigures(procedure=procedure.id, started_hour=now().strftime("%Y-%m-%dT%H"))
        self._ended = False
        self._lock = threading.Lock()
        self._scanning = 0  # scan_piece calls under way (see end)
        self._scan_over = threading.Condition(self._lock)
        self._end_over = threading.Event()

    # --- scanning -----------------------------------------------------------
    def scan_piece(
        self,
        piece_id: str,
        source: str = "flatbed",
        resolution: int | None = None,
        on_progress: Callable[[ScanJob], None] | None = None,
    ) -> int:
        """Scan pages into the pièce through the scan worker (its own process);
        returns how many pages the pièce has now. :attr:`scan_job` shows the
        progress meanwhile (``on_progress(job)`` is told of it, on the worker's
        thread), and :meth:`cancel_scan` stops it."""
        piece = self._piece(piece_id)
        room = piece.max_pages - self.workspace.page_count(piece_id)
        if room <= 0:
            raise SessionError(
                "Ce document a déjà {pages} page(s) : c'est le maximum. "
                "Supprimez une page pour en numériser une autre.",
                pages=piece.max_pages,
            )
        prefix = f"{piece_id}-{secrets.token_hex(3)}"
        with self._lock:
            if self._ended:
                raise SessionError(SESSION_ENDED)
            self._scanning += 1
        try:
            return self._scan_into(piece_id, room, source, resolution, prefix, on_progress)
        finally:
            with self._lock:
                self._scanning -= 1
                self._scan_over.notify_all()

    def _scan_into(
        self,
        piece_id: str,
        room: int,
        source: str,
        resolution: int | None,
        prefix: str,
        on_progress: Callable[[ScanJob], None] | None,
        read: str = "",
    ) -> int:
        try:
            job = self.scanner.start_scan(
                source, resolution, self.workspace.path, prefix=prefix, on_progress=on_progress, read=read or piece_id
            )
            with self._lock:
                self.scan_job = job
                ended = self._ended
            if ended:  # the session ended while the scan was starting
                job.cancel()
            pages = job.wait()
            error = None
        except UserFacingError as exc:  # a fault the user is told of; anything else is a bug: not caught
            pages = list(self.scan_job.pages) if self.scan_job is not None else []
            error = exc
        finally:
            self.scan_job = None
        if self._ended:  # the pages, if any, go with the workspace; the scanner is not at fault
            raise SessionError(SESSION_ENDED) from None
        for page in pages[room:]:  # more sheets than the pièce may have: not kept
            Path(page.path).unlink(missing_ok=True)
        kept, refusal = self._judged(piece_id, pages[:room])
        for page in kept:
            self.workspace.adopt_page(piece_id, page.path)
        added = len(kept)
        self._figures.pages_scanned += added
        self._sync_pages()
        if refusal is not None:  # "Rescannez : …", beside the pièce
            self.wizard.errors[piece_id] = refusal.sentence()
        if error is not None and added == 0:
            raise SessionError.of(error) from error
        if error is not None:
            log.warning("scan stopped after %d page(s): %s", added, type(error).__name__)
        return self.workspace.page_count(piece_id)

    def _judged(self, key: str, pages: Sequence[Any]) -> tuple[list[Any], Any]:
        """The pages the readers let through, their readings kept in memory;
        a refused page is deleted at once, and its reason (documents.Told) returned."""
        kept: list[Any] = []
        refusal = None
        for page in pages:
            reading = getattr(page, "reading", None)
            if reading is not None and reading.refused is not None:
                Path(page.path).unlink(missing_ok=True)
                refusal = reading.refused
                continue
            kept.append(page)
            if reading is not None:
                self.readings.setdefault(key, []).append(reading)
                self.read_notes += [note.sentence() for note in reading.notes]
        self.last_refusal = refusal
        return kept, refusal

    def scan_code(self, kind: str, source: str = "flatbed") -> str:
        """Scan a sheet for its code ("photo": the code photo numérique, "timbre",
        "recepisse": the numéro de demande); the sheet is read, not kept. Returns
        the value read ("" when none: the user types it)."""
        with self._lock:
            if self._ended:
                raise SessionError(SESSION_ENDED)
            self._scanning += 1
        try:
            job = self.scanner.start_scan(
                source, None, self.workspace.path, prefix=f"code-{secrets.token_hex(3)}", read=kind
            )
            self.scan_job = job
            try:
                pages = job.wait()
            except UserFacingError as exc:
                raise SessionError.of(exc) from exc
            finally:
                self.scan_job = None
                for page in job.pages:
                    Path(page.path).unlink(missing_ok=True)
        finally:
            with self._lock:
                self._scanning -= 1
                self._scan_over.notify_all()
        kept, refusal = self._judged(kind, pages)
        if refusal is not None:
            raise SessionError(refusal.template, key=f"documents.{refusal.key}", **refusal.params)
        name = {"photo": "code_photo", "timbre": "timbre", "recepisse": "numero"}.get(kind, kind)
        return next((p.reading.fields[name] for p in kept if p.reading and name in p.reading.fields), "")

    def reading_proposal(self) -> _prefill.Proposal:
        """What the scans read, for the fields of this procedure the user has not typed."""
        fields = {f.id for s in self.procedure.steps for f in s.fields}
        readings = [r for rs in self.readings.values() for r in rs]
        return _prefill.propose(readings, fields, typed=self.wizard.values)

    def read_document(
        self, kind: str, source: str = "flatbed", on_progress: Callable[[ScanJob], None] | None = None
    ) -> _prefill.DocumentRead:
        """The identity document ("identite") or the justificatif de domicile
        ("domicile") scanned to fill the step the user is on: into its pièce when
        the procedure asks for it and it has room (the pièces step then shows it
        scanned), else read and not kept. Returns what this scan proposes, for
        fields not typed, and what the user is told; nothing counts before
        :meth:`confirm_reading`."""
        before = len(self.readings.get(kind, []))
        self.last_refusal = None
        wanted = any(p.id == kind for s in self.procedure.steps for p in s.pieces)
        if wanted and self.workspace.page_count(kind) < self._piece(kind).max_pages:
            self.scan_piece(kind, source, on_progress=on_progress)
            if self.last_refusal is not None:
                self.wizard.errors.pop(kind, None)  # told beside the step's reading button
        else:
            try:
                self.scan_code(kind, source)
            except SessionError:
                if self.last_refusal is None:  # a fault of the scanner: the kiosk tells it
                    raise
        refusal = self.last_refusal
        fresh = self.readings.get(kind, [])[before:]
        fields = {f.id for s in self.procedure.steps for f in s.fields}
        proposal = _prefill.propose(fresh, fields, typed=self.wizard.values)
        proposal.told = self.reading_proposal().told  # the names, compared across the documents
        told = [(refusal.template, dict(refusal.params))] if refusal is not None else []
        told += [(note.template, dict(note.params)) for r in fresh for note in r.notes]
        if refusal is None and not any(r.kind == kind for r in fresh) and not told:
            told.append((_prefill.NOT_READ[kind], {}))
        told += [(sentence, {}) for sentence in proposal.told]
        return _prefill.DocumentRead(kind, proposal, told)

    def confirm_reading(
        self, corrected: dict[str, str] | None = None, *, fields: Collection[str] | None = None
    ) -> list[str]:
        """The user confirmed (or corrected) what was read: the values go into the
        wizard, each validated as if typed; returns the ids of the fields set.
        ``fields``: only these (what one document's confirmation showed)."""
        kinds = {f.id: f for s in self.procedure.steps for f in s.fields}
        chosen = {**self.reading_proposal().values, **(corrected or {})}
        if fields is not None:
            chosen = {k: v for k, v in chosen.items() if k in fields}
        done = []
        for field_id, raw in chosen.items():
            field = kinds.get(field_id)
            if field is None or not raw:
                continue
            try:
                if field.kind == "date" and "-" in raw:  # as read: ISO (the wizard's own form)
                    value = _dt.date.fromisoformat(raw).isoformat()
                else:
                    value = validate(field.kind, raw, field.options, False)
                self.wizard.values[field_id] = value
            except (Invalid, ValueError):
                continue  # the user types it
            done.append(field_id)
        self.wizard.changed()
        return done

    def _piece(self, piece_id: str) -> Piece:
        for piece in self.wizard.complement_pieces:
            if piece.id == piece_id:
                return piece
        return next(p for s in self.procedure.steps for p in s.pieces if p.id == piece_id)

    def cancel_scan(self) -> None:
        job = self.scan_job
        if job is not None:
            job.cancel()

    def remove_page(self, piece_id: str, index: int = -1) -> None:
        self.workspace.remove_page(piece_id, index)
        self._sync_pages()

    def _sync_pages(self) -> None:
        self.wizard.pages = self.workspace.page_counts()
        self.wizard.errors = {k: v for k, v in self.wizard.errors.items() if not self.wizard.pages.get(k)}

    # --- submission -----------------------------------------------------------
    def pieces(self) -> list[PieceFile]:
        out = []
        for step in self.wizard.active_steps():
            for piece in step.pieces:
                if piece.applies(self.wizard.values) and self.workspace.page_count(piece.id):
                    out.append(
                        PieceFile(piece.id, f"{piece.id}.pdf", "application/pdf", self.workspace.piece_pdf(piece.id))
                    )
        return out

    def submit(self) -> str:
        """Send the dossier to ANTS; returns the numéro de demande."""
        if self.numero:
            return self.numero
        if not self.procedure.online:
            raise SessionError("Cette démarche ne se fait pas en ligne : suivez les explications à l'écran.")
        needs_login = self.procedure.connexion == "franceconnect"
        if needs_login and not self.client.has_session:
            self._to_connexion()
            raise SessionError("Connectez-vous avec FranceConnect pour envoyer cette demande.")
        dossier = self.wizard.dossier()
        pieces = self.pieces()
        for attempt in (1, 2):
            try:
                if not self.client.has_session:
                    self.client.open_session()
                created = self.client.submit_demande(dossier, pieces)
                break
            except AntsSessionExpired:
                # The client has forgotten the refused token: the second attempt opens a new one.
                if needs_login:
                    self._to_connexion()
                    raise SessionError("Votre connexion FranceConnect a expiré. Reconnectez-vous.") from None
                if attempt == 2:
                    raise SessionError("La connexion à l'ANTS a expiré. Réessayez.") from None
            except AntsRejected as exc:
                self.wizard.show_server_errors(self._map_server_errors(exc))
                raise SessionError("L'ANTS a refusé la demande : corrigez ce qui est indiqué en rouge.") from None
            except AntsError as exc:
                raise SessionError(exc.message_fr) from None
        self.numero = created.numero
        self.delivre = dict(created.delivre)
        self.wizard.confirm()
        log.info("demande submitted for procedure %s", self.procedure.id)
        return self.numero

    # --- FranceConnect ----------------------------------------------------------
    def login_franceconnect(self) -> dict[str, Any]:
        """Log in with FranceConnect (the connexion step) in the browser window: the person
        types their password on the provider's page, the session gets the verified identity
        and fills the état civil where the user has typed nothing yet. Returns the identity.
        A login given up keeps everything as it was."""
        try:
            identity = self.logins.franceconnect()
        except NoBrowser:
            raise SessionError(NO_BROWSER) from None
        except LoginCancelled:
            raise SessionError(
                "Vous êtes revenu à la borne sans vous connecter. Rien n'est perdu : réessayez quand vous voulez."
            ) from None
        except AntsRejected:
            raise SessionError("FranceConnect n'a pas accepté cette connexion. Recommencez.") from None
        except AntsError as exc:
            raise SessionError.of(exc) from None
        self.wizard.connected = True
        self._prefill(identity)
        self.wizard.changed()
        return identity

    def buy_timbre(self, field_id: str) -> str:
        """Buy the timbre fiscal in the shop's page (the person types their card there) and
        put its number in ``field_id``; returns it. A refused card is told on the shop's page;
        coming back without paying keeps the dossier as it was."""
        values = self.wizard.values
        facts = {
            "date_naissance": values.get("date_naissance") or None,
            "immatriculation": values.get("immatriculation") or None,
        }
        try:
            timbre = self.logins.timbre(
                self.procedure.ants_procedure,
                str(values.get("motif") or ""),
                str(values.get("code_postal") or ""),
                **facts,
            )
        except NoBrowser:
            raise SessionError(NO_BROWSER) from None
        except LoginCancelled:
            raise SessionError("Vous êtes revenu à la borne sans acheter de timbre. Rien n'est perdu.") from None
        except AntsError as exc:
            raise SessionError.of(exc) from None
        values[field_id] = timbre.numero
        self.wizard.errors.pop(field_id, None)
        self.wizard.changed()
        return str(timbre.numero)

    def _prefill(self, identity: dict[str, Any]) -> None:
        ids = {f.id: f for s in self.procedure.steps for f in s.fields}
        given = (identity.get("given_name") or "").split()
        raw = {
            "nom_naissance": identity.get("family_name", ""),
            "prenom1": given[0] if given else "",
            "prenom2": given[1] if len(given) > 1 else "",
            "email": identity.get("email", ""),
            "sexe": {"female": "F", "male": "M"}.get(identity.get("gender", ""), ""),
        }
        for field_id, value in raw.items():
            field = ids.get(field_id)
            if field is None or not value or self.wizard.values.get(field_id):
                continue
            try:
                self.wizard.values[field_id] = validate(field.kind, value, field.options, False)
            except Invalid:
                pass
        if "date_naissance" in ids and identity.get("birthdate") and not self.wizard.values.get("date_naissance"):
            self.wizard.values["date_naissance"] = identity["birthdate"]

    def _to_connexion(self) -> None:
        self.wizard.connected = False
        step = next((s for s in self.wizard.active_steps() if s.kind == "connexion"), None)
        if step is not None:
            self.wizard.goto(step.id)

    # --- suivi and complément ---------------------------------------------------
    def lookup_demande(self, numero: str) -> dict[str, Any]:
        """The statut and history of a demande (the suivi step). Returns the description the
        screen shows (see :func:`session.suivi.describe`); when a complément is asked, the
        wizard's next step is the scan of the pièces asked."""
        field = next((f for s in self.procedure.steps for f in s.fields if f.kind == "numero_demande"), None)
        try:
            numero = validate("numero_demande", numero)
        except Invalid as exc:
            if field is not None:
                self.wizard.errors[field.id] = exc.message_fr
                self.wizard.changed()
            raise SessionError(exc.message_fr) from None
        try:
            raw = self.client.suivi(numero)
        except AntsRejected as exc:
            message = (
                "Aucune demande ne porte ce numéro. Vérifiez-le sur votre récépissé."
                if exc.status == 404
                else exc.message_fr
            )
            if field is not None:
                self.wizard.errors[field.id] = message
                self.wizard.changed()
            raise SessionError(message) from None
        except AntsError as exc:
            raise SessionError(exc.message_fr) from None
        described = _suivi.describe(raw)
        self.suivi = described
        if field is not None:
            self.wizard.values[field.id] = numero
            self.wizard.errors.pop(field.id, None)
        self.wizard.values["statut"] = described["statut"]
        self.wizard.lookup = described
        asked = [p["id"] for p in (described["complement"] or {}).get("pieces", [])]
        self.wizard.complement_pieces = _suivi.pieces_asked(asked)
        self.wizard.changed()
        return described

    def answer_complement(self, piece_ids: list[str] | None = None) -> dict[str, Any]:
        """Send the scanned pièces an agent asked for (all of them, or ``piece_ids``); the
        demande goes back to instruction. Returns the demande's new state."""
        if not self.suivi or not self.suivi.get("complement"):
            raise SessionError("Aucun document n'est demandé pour cette demande.")
        asked = [p.id for p in self.wizard.complement_pieces]
        wanted = list(piece_ids or asked)
        if set(wanted) - set(asked):
            raise SessionError("Ce document n'est pas demandé pour cette demande.")
        missing = [
            p.label for p in self.wizard.complement_pieces if p.id in wanted and not self.workspace.page_count(p.id)
        ]
        if missing:
            raise SessionError("Scannez d'abord : {pieces}.", pieces=", ".join(missing))
        files = [PieceFile(p, f"{p}.pdf", "application/pdf", self.workspace.piece_pdf(p)) for p in wanted]
        numero = self.suivi["numero"]
        for attempt in (1, 2):
            try:
                if not self.client.has_session:
                    self.client.open_session()
                answer = self.client.answer_complement(numero, files)
                break
            except AntsSessionExpired:
                if attempt == 2:
                    raise SessionError("La connexion à l'ANTS a expiré. Réessayez.") from None
            except AntsRejected as exc:
                errors = {}
                for err in exc.erreurs:
                    tail = (err.champ or "").split(".")[-1].replace("piece:", "")
                    errors[tail if tail in asked else (asked[0] if asked else "complement")] = err.message
                self.wizard.errors.update(errors)
                self.wizard.changed()
                raise SessionError(
                    exc.message_fr
                    if not exc.erreurs
                    else "L'ANTS a refusé le document : lisez ce qui est indiqué en rouge."
                ) from None
            except AntsError as exc:
                raise SessionError(exc.message_fr) from None
        self.numero = numero
        self.complement_sent = True
        self.suivi = {
            **self.suivi,
            "statut": answer.get("statut", "en_instruction"),
            "statut_label": _suivi.STATUTS.get(answer.get("statut", ""), self.suivi["statut_label"]),
        }
        self.wizard.confirm()
        log.info("complément sent")
        return answer

    # --- guidance -----------------------------------------------------------------
    def guidance(self) -> Guidance | None:
        """What to do next, as data (title, intro, sections of paragraphs and address lines),
        or None when the procedure has no guidance for this situation."""
        return _guidance.build(
            self.wizard.active_steps(),
            self.wizard.values,
            numero=self.numero,
            delivre=self.delivre,
            today=self._now().date(),
        )

    def print_guidance(self, a4: bool = True) -> str:
        """Print the guidance on the A4 printer (``a4=True`` and one is there) or on the
        receipt printer; returns "a4" or "receipt", the one used."""
        g = self.guidance()
        if g is None:
            raise SessionError("Il n'y a pas d'explications à imprimer pour cette démarche.")
        qr = self.suivi_url.format(numero=self.numero) if self.numero else ""
        if a4 and self.a4 is not None:
            stamp = self._now().strftime("%d/%m/%Y")
            pdf = g.to_pdf(
                subtitle=f"{self.procedure.title} — {self.site_name}, le {stamp}",
                footer="Point numérique — gardez cette feuille.",
                qr=qr,
            )
            self._print_a4(pdf, g.title, duplex=False, wait=True)
            return "a4"
        try:
            self.printer.print_receipt(g.to_receipt(numero=self.numero or "", qr=qr))
            return "receipt"
        except UserFacingError as exc:  # the printer's fault; anything else is a bug: not caught
            raise SessionError.of(exc) from exc

    def _map_server_errors(self, exc: AntsRejected) -> dict[str, str]:
        today = self._now().date()
        keys = {f.key: f.id for s in self.procedure.steps for f in s.fields}
        # Where several fields share a key (one per situation), the one that applies.
        keys.update(
            {
                f.key: f.id
                for s in self.wizard.active_steps()
                for f in s.fields
                if f.key and f.applies(self.wizard.values, today)
            }
        )
        pieces = {p.id for s in self.procedure.steps for p in s.pieces}
        mapped: dict[str, str] = {}
        for err in exc.erreurs:
            champ = err.champ or ""
            tail = champ.replace("piece:", "").replace("pieces_dates.", "").replace("pieces.", "")
            if champ in keys:
                mapped[keys[champ]] = err.message
            elif tail in pieces:
                mapped[tail] = err.message
            elif champ.startswith("etat_civil.prenoms"):
                mapped["prenom1"] = err.message
            else:
                mapped.setdefault("attestation", err.message)
        return mapped

    # --- récépissé ----------------------------------------------------------
    #: Labels of what ANTS hands out, printed on the récépissé (dates as JJ/MM/AAAA).
    DELIVRE_LABELS = {
        "neph": "Votre numéro NEPH",
        "code_cession": "Code de cession",
        "numero_predemande": "N° de pré-demande",
        "valable_jusquau": "Valable jusqu'au",
        "cpi_valable_jusquau": "Certificat provisoire valable jusqu'au",
        "nouvelle_immatriculation": "Nouvelle immatriculation",
        "envoi_avant": "Courrier à poster avant le",
        "etiquette": "Étiquette",
    }

    def receipt(self) -> Receipt:
        stamp = self._now().strftime("%d/%m/%Y à %H:%M")
        if self.procedure.group == "suivi" and self.suivi:
            numero = self.suivi["numero"]
            return Receipt(
                title="Document envoyé" if self.complement_sent else "Suivi de votre demande",
                lines=[
                    ("Démarche", self.suivi["procedure_title"]),
                    ("État", self.suivi["statut_label"]),
                    ("Le", stamp),
                    ("Lieu", self.site_name),
                ],
                numero=numero,
                qr_data=self.suivi_url.format(numero=numero),
                footer=["Gardez ce ticket : il vous permet de suivre votre demande."],
            )
        if not self.numero:
            raise SessionError("La demande n'est pas encore envoyée.")
        lines = [("Démarche", self.procedure.title), ("Déposée le", stamp), ("Lieu", self.site_name)]
        for key, label in self.DELIVRE_LABELS.items():
            value = self.delivre.get(key)
            if isinstance(value, str) and value and value != self.numero:
                lines.append((label, _guidance.shown(value)))
        return Receipt(
            title="Récépissé de dépôt",
            lines=lines,
            numero=self.numero,
            qr_data=self.suivi_url.format(numero=self.numero),
            footer=[
                "Gardez ce ticket : il vous permet de suivre votre demande.",
                "Scannez le code avec un téléphone, ou donnez le numéro au médiateur.",
            ],
        )

    def print_receipt(self) -> None:
        """Print the récépissé; counted as printed only once the printer said so.
        On a failure :attr:`receipt_error` keeps what the user is told (the screen
        shows it beside the numéro, with a button to print again)."""
        try:
            self.printer.print_receipt(self.receipt())
        except SessionError:
            raise
        except UserFacingError as exc:  # the printer's fault; anything else is a bug: not caught
            # The driver's detail names the setting or the state at fault, never the user's data.
            log.error("récépissé not printed: %s: %s", type(exc).__name__, exc)
            self.receipt_error = exc.message_fr
            raise SessionError.of(exc) from exc
        self.receipt_printed = True
        self.receipt_error = ""
        self._figures.receipts_printed += 1

    # --- the récapitulatif on A4 --------------------------------------------------
    def recap_sections(self) -> list[tuple[str, str, list[tuple[str, str | int]]]]:
        """What the user entered, step by step, as the récapitulatif shows it:
        (step id, step title, [(label, value)]); a pièce's value is its page count."""
        wizard = self.wizard
        sections: list[tuple[str, str, list[tuple[str, str | int]]]] = []
        for step in wizard.active_steps():
            if step.kind in ("form", "connexion"):
                lines: list[tuple[str, str | int]] = []
                for f in step.fields:
                    if not f.applies(wizard.values) or f.kind == "accept":
                        continue
                    value = wizard.values.get(f.id, "")
                    if f.input == "choice":
                        value = dict(f.choices).get(value, value)
                    elif f.kind == "date" and len(value) == 10 and value[4] == "-":
                        value = f"{value[8:10]}/{value[5:7]}/{value[:4]}"
                    lines.append((f.label, value or "—"))
                if lines:
                    sections.append((step.id, step.title, lines))
            elif step.kind == "pieces":
                sections.append(
                    (
                        step.id,
                        step.title,
                        [(p.label, self.workspace.page_count(p.id)) for p in step.pieces if p.applies(wizard.values)],
                    )
                )
        return sections

    def print_recap_a4(self) -> int:
        """The récapitulatif with the numéro, on the A4 printer, for the user to keep."""
        if self.a4 is None:
            raise SessionError(NO_A4_PRINTER)
        from drivers.printer.a4doc import A4Document  # reportlab: loaded only to print

        stamp = self._now().strftime("%d/%m/%Y à %H:%M")
        doc = A4Document(
            f"Récapitulatif — {self.procedure.title}",
            subtitle=f"{self.site_name}, le {stamp}",
            footer="Point numérique — ce document est à vous : gardez-le.",
        )
        if self.numero:
            doc.fields([("Numéro de demande", self.numero)])
        for _step_id, title, lines in self.recap_sections():
            doc.heading(title)
            doc.fields([(label, f"{value} page(s)" if isinstance(value, int) else value) for label, value in lines])
        if self.numero:
            doc.qr(self.suivi_url.format(numero=self.numero), "Suivre la demande")
        return self._print_a4(doc.to_pdf(), "Récapitulatif", duplex=False, wait=True)

    # --- the attestation d'inscription ----------------------------------------------
    def print_attestation(self) -> int:
        """The attestation d'inscription au permis (équivalent Cerfa réf. 02) ANTS produces once
        the demande is in instruction, printed recto-verso on one A4 sheet: it is shown to the
        inspecteur at the épreuves (seed 004). Returns the printer's job id once the sheet is out
        (a CUPS job is then purged); the PDF stays in memory, never in a file of ours."""
        if not self.procedure.attestation_inscription:
            raise SessionError("Cette démarche ne donne pas d'attestation d'inscription.")
        if not self.numero:
            raise SessionError("La demande n'est pas encore envoyée.")
        if self.a4 is None:
            raise SessionError(NO_A4_PRINTER)
        try:
            pdf = self.client.attestation_inscription(self.numero)
        except AntsSessionExpired:
            raise SessionError(
                "La connexion à l'ANTS a expiré : l'attestation ne peut plus être "
                "téléchargée ici. Appelez le médiateur."
            ) from None
        except AntsRejected as exc:
            if exc.status == 409:
                raise SessionError(
                    "L'attestation n'est pas encore disponible : l'ANTS la produit dès l'instruction de la demande."
                ) from None
            raise SessionError(exc.message_fr) from None
        except AntsError as exc:
            raise SessionError(exc.message_fr) from None
        return self._print_a4(pdf, "Attestation d'inscription", duplex=True, wait=True)

    def _print_a4(self, pdf: bytes, title: str, duplex: bool, wait: bool = False) -> int:
        """``wait``: until the job has printed, so that a fault met on the way is
        told, and the document is purged from the print spool (CUPS would keep
        it a day): every document that carries the user's data waits."""
        a4 = self.a4
        if a4 is None:
            raise SessionError(NO_A4_PRINTER)
        job: int | None = None
        try:
            job = a4.print_pdf(pdf, title=title, duplex=duplex)
            if wait:
                a4.wait(job)
        except UserFacingError as exc:  # the printer's fault; anything else is a bug: not caught
            raise SessionError.of(exc) from exc
        finally:
            if job is not None and a4.purge_failed(job):  # still in the spool: told at the end
                self._unpurged.append(job)
        return job

    def _purge_failures(self) -> list[str]:
        """The A4 jobs of this session still in the print spool after one more try
        to purge each, as the wipe report's leftovers (job ids: no data)."""
        left: list[str] = []
        a4 = self.a4
        if a4 is None:  # nothing was printed on A4
            return left
        for job in self._unpurged:
            try:
                purged = a4.retry_purge(job)
            except Exception as exc:
                log.error("CUPS job %d: purge not retried: %s", job, type(exc).__name__)
                purged = False
            if not purged:
                left.append(f"A4 print job {job} on {a4.name}: not purged from the print spool")
        self._figures.purge_failed = len(left)
        return left

    # --- the end --------------------------------------------------------------
    def note_help_call(self) -> None:
        self._figures.help_calls += 1

    def _personal_values(self) -> list[str]:
        """What points to this user: typed values, their numéro, their files' names."""
        choice_fields = {
            f.id for s in self.procedure.steps for f in s.fields if f.input in ("choice", "multichoice", "accept")
        } | {"statut"}
        values = [v for k, v in self.wizard.values.items() if k not in choice_fields]
        values += [self.numero or "", (self.suivi or {}).get("numero", ""), self.workspace.path.name]
        values += [
            v
            for v in self.delivre.values()  # identifiers, not dates shared by everyone
            if isinstance(v, str) and not _guidance.is_date(v)
        ]
        values += [p.name for p in self.workspace.all_pages()]
        for readings in self.readings.values():  # what the scans read
            for reading in readings:
                values += [v for v in reading.fields.values() if isinstance(v, str) and not _guidance.is_date(v)]
                values += [reading.holder] if reading.holder else []
        return values

    #: Seconds the end waits for a scan under way to be over (its cancel, then
    #: the worker's kill of a child deaf to it) before the workspace goes anyway.
    SCAN_STOP_S = 10.0
    #: The logout of a hurried end (the kiosk is stopping): one try, this long at most.
    HURRIED_LOGOUT_S = 2.0

    def end(self, outcome: str, *, hurry: bool = False) -> WipeReport:
        """Stop a scan under way and wait until nothing more is written; log
        out of ANTS, delete the workspace, forget every value; then check every
        place the kiosk writes to for anything of this user. Blocks: the UI
        calls it from its job queue.

        ``hurry``: the kiosk is being stopped (systemd's SIGTERM, with its stop
        timeout): the logout is tried once, for HURRIED_LOGOUT_S at most, and
        the wipe follows whatever its outcome (a logout missed then is not
        retried: the server's session expires on its own)."""
        with self._lock:
            if self._ended:
                return WipeReport()
            self._ended = True
        try:
            return self._end(outcome, hurry)
        finally:
            self._end_over.set()

    def wait_ended(self, timeout: float) -> bool:
        """True once an :meth:`end` begun (perhaps on another thread) is over."""
        return self._end_over.wait(timeout)

    def _stop_scan(self) -> None:
        """Cancel a scan under way and wait, SCAN_STOP_S at most, until
        :meth:`scan_piece` is over: its worker then writes no more (the child
        stopped, or was killed) and the workspace is let go."""
        deadline = time.monotonic() + self.SCAN_STOP_S
        while True:
            with self._lock:
                if not self._scanning:
                    return
                job = self.scan_job
            left = deadline - time.monotonic()
            if left <= 0:
                log.error("a scan was still under way %g s after its session ended", self.SCAN_STOP_S)
                return
            if job is not None:
                job.stop(left)
            with self._lock:
                self._scan_over.wait_for(lambda: not self._scanning, min(left, 0.05))

    def _end(self, outcome: str, hurry: bool) -> WipeReport:
        self._stop_scan()
        self.logins.close()  # the browser window goes first: its profile is in the workspace
        token, hint = self.client.token, self.client.id_token_hint
        if hurry:
            self.client.retries = 0
            self.client.timeout = min(self.client.timeout, self.HURRIED_LOGOUT_S)
        try:
            self.client.logout()
        except Exception as exc:  # the token is forgotten here whatever happens
            log.warning("ANTS logout failed: %s", type(exc).__name__)
            if isinstance(exc, AntsUnavailable) and token and self.pending_logouts is not None:
                self.pending_logouts.add(token, hint)  # the servers are told once they answer
        self._figures.step_reached = self.wizard.current.id if self.wizard.active_steps() else ""
        self._figures.outcome = "submitted" if self.numero else outcome
        self._figures.duration_s = round(time.monotonic() - self._started, 1)
        needles = needles_of(self._personal_values())
        report = self.workspace.wipe()
        report.leftovers.extend(self._purge_failures())  # a document left in the print spool
        self.wizard.clear()
        self.readings = {}
        self.read_notes = []
        self.last_refusal = None
        self.numero = None
        self.delivre = {}
        self.suivi = None
        self._figures.wipe_failed = 0 if report.clean else 1
        row = None
        if self.stats is not None:
            try:
                row = self.stats.record(self._figures)
            except Exception as exc:
                log.warning("statistics not recorded: %s", type(exc).__name__)
        # Checked after everything this session writes has been written, statistics included.
        check = check_leftovers(
            self.check_places,
            needles,
            since=self._started_wall - 2,
            workspace_dirs=[self.workspace.path],
            exclude=self.check_exclude,
            texts=self._recent_log() if self._recent_log else (),
        )
        needles.clear()
        report.leftovers.extend(str(f) for f in check.findings if str(f) not in report.leftovers)
        # A search cut short proves nothing: what it could not read counts as left behind.
        report.leftovers.extend(f"not searched: {n}" for n in check.not_searched if n.reason != OTHER_FILESYSTEM)
        report.check_seconds = check.seconds
        if not report.clean:
            log.error("wipe check failed: %d finding(s)", len(report.leftovers))
            if self.stats is not None and row is not None:
                self.stats.mark_wipe_failed(row)
        return report
