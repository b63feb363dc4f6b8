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
from pathlib import Path
from typing import Callable

from ants import AntsClient, AntsRejected, AntsSessionExpired, AntsError, PieceFile
from drivers.printer import Receipt

from .catalogue import Procedure
from .stats import SessionFigures, StatsStore
from .wizard import Wizard
from .wipe import check_leftovers, needles_of
from .workspace import WipeReport, Workspace

log = logging.getLogger(__name__)


class SessionError(RuntimeError):
    """A failure the user must be told about, in plain French."""

    def __init__(self, message_fr: str):
        super().__init__(message_fr)
        self.message_fr = message_fr


GENERIC_DEVICE_ERROR = "L'appareil ne répond pas. Réessayez ou appelez le médiateur."


class UserSession:
    def __init__(
        self,
        procedure: Procedure,
        *,
        workspace_root: Path,
        client: AntsClient,
        scanner,
        printer,
        site_name: str,
        suivi_url: str,
        stats: StatsStore | None = None,
        require_tmpfs: bool = True,
        on_change: Callable[[Wizard], None] | None = None,
        now: Callable[[], _dt.datetime] = _dt.datetime.now,
        check_places: list[Path] | None = None,
        check_exclude: list[Path] | None = None,
        recent_log: Callable[[], list[str]] | None = None,
    ):
        self.procedure = procedure
        self.wizard = Wizard(procedure, on_change=on_change)
        self.workspace = Workspace(workspace_root, require_tmpfs=require_tmpfs)
        self.client = client
        self.scanner = scanner
        self.printer = printer
        self.site_name = site_name
        self.suivi_url = suivi_url
        self.stats = stats
        self.numero: str | None = None
        self.receipt_printed = False
        self.scan_job = None
        self._now = now
        self._started = time.monotonic()
        self._started_wall = time.time()
        self.check_places = list(check_places or [])
        self.check_exclude = list(check_exclude or [])
        self._recent_log = recent_log
        self._figures = SessionFigures(procedure=procedure.id,
                                       started_hour=now().strftime("%Y-%m-%dT%H"))
        self._ended = False
        self._lock = threading.Lock()

    # --- scanning -----------------------------------------------------------
    def scan_piece(self, piece_id: str, source: str = "flatbed", resolution: int | None = None) -> int:
        """Scan pages into the pièce through the scan worker (its own process);
        returns how many pages the pièce has now. :attr:`scan_job` shows the
        progress meanwhile, and :meth:`cancel_scan` stops it."""
        piece = next(p for s in self.procedure.steps for p in s.pieces if p.id == piece_id)
        room = piece.max_pages - self.workspace.page_count(piece_id)
        if room <= 0:
            raise SessionError(f"Ce document a déjà {piece.max_pages} page(s) : c'est le maximum. "
                               "Supprimez une page pour en numériser une autre.")
        prefix = f"{piece_id}-{secrets.token_hex(3)}"
        try:
            self.scan_job = self.scanner.start_scan(source, resolution, self.workspace.path, prefix=prefix)
            pages = self.scan_job.wait()
            error = None
        except Exception as exc:  # driver errors carry message_fr
            pages = list(self.scan_job.pages) if self.scan_job is not None else []
            error = exc
        finally:
            self.scan_job = None
        for page in pages[room:]:  # more sheets than the pièce may have: not kept
            Path(page.path).unlink(missing_ok=True)
        for page in pages[:room]:
            self.workspace.adopt_page(piece_id, page.path)
        added = min(len(pages), room)
        self._figures.pages_scanned += added
        self._sync_pages()
        if error is not None and added == 0:
            raise SessionError(getattr(error, "message_fr", GENERIC_DEVICE_ERROR)) from error
        if error is not None:
            log.warning("scan stopped after %d page(s): %s", added, type(error).__name__)
        return self.workspace.page_count(piece_id)

    def cancel_scan(self) -> None:
        job = self.scan_job
        if job is not None:
            job.cancel()

    def remove_page(self, piece_id: str, index: int = -1) -> None:
        self.workspace.remove_page(piece_id, index)
        self._sync_pages()

    def _sync_pages(self) -> None:
        self.wizard.pages = {pid: len(pages) for pid, pages in self.workspace._pages.items()}
        self.wizard.errors = {k: v for k, v in self.wizard.errors.items() if not self.wizard.pages.get(k)}

    # --- submission -----------------------------------------------------------
    def pieces(self) -> list[PieceFile]:
        out = []
        for step in self.wizard.active_steps():
            for piece in step.pieces:
                if piece.applies(self.wizard.values) and self.workspace.page_count(piece.id):
                    out.append(PieceFile(piece.id, f"{piece.id}.pdf", "application/pdf",
                                         self.workspace.piece_pdf(piece.id)))
        return out

    def submit(self) -> str:
        """Send the dossier to ANTS; returns the numéro de demande."""
        if self.numero:
            return self.numero
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
                if attempt == 2:
                    raise SessionError("La connexion à l'ANTS a expiré. Réessayez.") from None
            except AntsRejected as exc:
                self.wizard.show_server_errors(self._map_server_errors(exc))
                raise SessionError("L'ANTS a refusé la demande : corrigez ce qui est indiqué en rouge.") from None
            except AntsError as exc:
                raise SessionError(exc.message_fr) from None
        self.numero = created.numero
        self.wizard.confirm()
        log.info("demande submitted for procedure %s", self.procedure.id)
        return self.numero

    def _map_server_errors(self, exc: AntsRejected) -> dict[str, str]:
        keys = {f.key: f.id for s in self.procedure.steps for f in s.fields}
        pieces = {p.id for s in self.procedure.steps for p in s.pieces}
        mapped: dict[str, str] = {}
        for err in exc.erreurs:
            champ = err.champ or ""
            tail = champ.replace("piece:", "").replace("pieces.", "")
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
    def receipt(self) -> Receipt:
        if not self.numero:
            raise SessionError("La demande n'est pas encore envoyée.")
        stamp = self._now().strftime("%d/%m/%Y à %H:%M")
        return Receipt(
            title="Récépissé de dépôt",
            lines=[("Démarche", self.procedure.title), ("Déposée le", stamp), ("Lieu", self.site_name)],
            numero=self.numero,
            qr_data=self.suivi_url.format(numero=self.numero),
            footer=["Gardez ce ticket : il vous permet de suivre votre demande.",
                    "Scannez le code avec un téléphone, ou donnez le numéro au médiateur."],
        )

    def print_receipt(self) -> None:
        try:
            self.printer.print_receipt(self.receipt())
        except SessionError:
            raise
        except Exception as exc:  # printer errors carry message_fr
            raise SessionError(getattr(exc, "message_fr", GENERIC_DEVICE_ERROR)) from exc
        self.receipt_printed = True
        self._figures.receipts_printed += 1

    # --- the end --------------------------------------------------------------
    def note_help_call(self) -> None:
        self._figures.help_calls += 1

    def _personal_values(self) -> list[str]:
        """What points to this user: typed values, their numéro, their files' names."""
        choice_fields = {f.id for s in self.procedure.steps for f in s.fields if f.input in ("choice", "accept")}
        values = [v for k, v in self.wizard.values.items() if k not in choice_fields]
        values += [self.numero or "", self.workspace.path.name]
        values += [p.name for pages in self.workspace._pages.values() for p in pages]
        return values

    def end(self, outcome: str) -> WipeReport:
        """Log out of ANTS, delete the workspace, forget every value; then check
        every place the kiosk writes to for anything of this user."""
        with self._lock:
            if self._ended:
                return WipeReport()
            self._ended = True
        try:
            self.client.logout()
        except Exception as exc:  # the token is forgotten locally whatever happens
            log.warning("ANTS logout failed: %s", type(exc).__name__)
        self._figures.step_reached = self.wizard.current.id if self.wizard.active_steps() else ""
        self._figures.outcome = "submitted" if self.numero else outcome
        self._figures.duration_s = round(time.monotonic() - self._started, 1)
        needles = needles_of(self._personal_values())
        report = self.workspace.wipe()
        self.wizard.clear()
        self.numero = None
        self._figures.wipe_failed = 0 if report.clean else 1
        row = None
        if self.stats is not None:
            try:
                row = self.stats.record(self._figures)
            except Exception as exc:
                log.warning("statistics not recorded: %s", type(exc).__name__)
        # Checked after everything this session writes has been written, statistics included.
        check = check_leftovers(self.check_places, needles, since=self._started_wall - 2,
                                workspace_dirs=[self.workspace.path], exclude=self.check_exclude,
                                texts=self._recent_log() if self._recent_log else ())
        needles.clear()
        report.leftovers.extend(str(f) for f in check.findings if str(f) not in report.leftovers)
        report.check_seconds = check.seconds
        if not report.clean:
            log.error("wipe check failed: %d finding(s)", len(report.leftovers))
            if self.stats is not None and row is not None:
                self.stats.mark_wipe_failed(row)
        return report
