"""Reading a submission's multipart (the dossier, the pièces) and judging it:
the procedure's rules, the files each pièce needs, their dates, a complément."""

from __future__ import annotations

import json

from fastapi import Request
from starlette.datastructures import UploadFile

from . import procedures, rules
from .deps import Deps
from .errors import MALFORMED_FORM, ApiError, invalid, is_malformed_form
from .pieces import Piece, human_size, inspect
from .procedures import PIECES, Ctx, Plan, Procedure
from .rules import Collector, Erreur

# -- reading the multipart -------------------------------------------------------


async def _form(request: Request, deps: Deps):
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > deps.settings.max_request_bytes:
        raise ApiError(413, "requete_trop_volumineuse", "L'envoi dépasse la taille autorisée.")
    ctype = request.headers.get("content-type", "").lower()
    if not ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        raise ApiError(415, "type_contenu_invalide", "Le dossier doit être envoyé en multipart/form-data.")
    try:
        return await request.form(max_files=50, max_fields=50, max_part_size=1024 * 1024)
    except MALFORMED_FORM as exc:
        if not is_malformed_form(exc):
            raise
        raise ApiError(400, "multipart_invalide", "L'envoi est mal formé (multipart).") from None


async def _read_submission(request: Request, deps: Deps) -> tuple[dict, list[Piece], list[Erreur]]:
    form = await _form(request, deps)
    try:
        dossier = await _read_dossier(form)
        pieces, erreurs = await _read_pieces(form, deps)
    finally:
        await form.close()
    return dossier, pieces, erreurs


async def _read_dossier(form) -> dict:
    raw = form.get("dossier")
    if raw is None:
        raise ApiError(400, "dossier_manquant", "Le champ « dossier » est absent de l'envoi.")
    if isinstance(raw, UploadFile):
        raw = await raw.read()
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        dossier = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "json_invalide", "Le dossier n'est pas du JSON valide.") from None
    if not isinstance(dossier, dict):
        raise invalid([Erreur("dossier", "type_invalide", "Le dossier doit être un objet JSON.")])
    return dossier


async def _read_pieces(form, deps: Deps) -> tuple[list[Piece], list[Erreur]]:
    pieces, erreurs = [], []
    limit = deps.settings.max_upload_bytes
    for name, value in form.multi_items():
        if not name.startswith("piece:"):
            continue
        piece_id = name[len("piece:") :]
        champ = f"pieces.{piece_id}"
        if piece_id not in PIECES:
            erreurs.append(Erreur(champ, "piece_inconnue", "Cette pièce n'est pas demandée pour cette démarche."))
            continue
        if not isinstance(value, UploadFile):
            erreurs.append(Erreur(champ, "fichier_manquant", "Cette pièce doit être envoyée comme fichier."))
            continue
        if value.size is not None and value.size > limit:
            erreurs.append(
                Erreur(
                    champ,
                    "fichier_trop_volumineux",
                    f"Le fichier « {value.filename or 'sans nom'} » dépasse {human_size(limit)}.",
                )
            )
            continue
        data = await value.read()
        pieces.append(Piece(piece_id, value.filename or "", value.content_type or "", data))
    return pieces, erreurs


# -- judging -----------------------------------------------------------------------


def _judge(dossier: dict, pieces: list[Piece], upload_erreurs: list[Erreur], ctx: Ctx) -> tuple[Procedure, Plan]:
    proc = procedures.get(dossier.get("procedure"))
    if proc is None:
        raise invalid(
            [Erreur("procedure", "procedure_inconnue", "Cette démarche n'est pas proposée ici.")] + upload_erreurs
        )
    c = Collector()
    plan = proc.check(c, dossier, ctx)
    erreurs = c.erreurs + upload_erreurs
    erreurs += check_files(pieces, plan.pieces, {e.champ for e in upload_erreurs}, ctx)
    erreurs += check_piece_dates(dossier.get("pieces_dates"), plan.pieces, {p.piece_id for p in pieces}, ctx)
    fields_with_errors = {e.champ for e in erreurs}
    if plan.photo and "photo.code" not in fields_with_errors:
        problem = rules.check_photo_code(ctx.store.photo_code(plan.photo), ctx.now)
        if problem:
            erreurs.append(problem)
    if plan.timbre not in (None, "differe") and plan.fee is not None and "paiement.timbre" not in fields_with_errors:
        problem = rules.check_timbre(ctx.store.timbre(plan.timbre), plan.fee, ctx.now)
        if problem:
            erreurs.append(problem)
    if erreurs:
        raise invalid(erreurs)
    return proc, plan


def check_files(pieces: list[Piece], wanted: dict[str, bool], upload_errors: set[str], ctx: Ctx) -> list[Erreur]:
    """Each file's bytes, then the pièces missing for this situation, then page counts."""
    erreurs = []
    for piece in pieces:
        if piece.piece_id not in wanted:
            erreurs.append(
                Erreur(
                    f"pieces.{piece.piece_id}", "piece_inconnue", "Cette pièce n'est pas demandée pour cette démarche."
                )
            )
            continue
        problem = inspect(
            piece, ctx.settings.max_upload_bytes, ctx.settings.max_image_pixels, max(ctx.settings.page_limits.values())
        )
        if problem:
            erreurs.append(problem)
    present = {p.piece_id for p in pieces}
    for piece_id, required in wanted.items():
        if required and piece_id not in present and f"pieces.{piece_id}" not in upload_errors:
            erreurs.append(
                Erreur(f"pieces.{piece_id}", "piece_manquante", f"La pièce « {PIECES[piece_id]} » est manquante.")
            )
    pages: dict[str, int] = {}
    for piece in pieces:
        if piece.piece_id in wanted:
            pages[piece.piece_id] = pages.get(piece.piece_id, 0) + piece.pages
    for piece_id, count in pages.items():
        limit = ctx.settings.page_limits[piece_id]
        if count > limit:
            erreurs.append(
                Erreur(
                    f"pieces.{piece_id}",
                    "trop_de_pages",
                    f"La pièce « {PIECES[piece_id]} » compte {count} pages ; {limit} au plus.",
                )
            )
    return erreurs


def check_piece_dates(raw, wanted, present: set[str], ctx: Ctx) -> list[Erreur]:
    """Declared document dates (``pieces_dates``) against each pièce's maximum age."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        return [Erreur("pieces_dates", "type_invalide", "Les dates des pièces forment un objet {pièce: date}.")]
    c = Collector()
    for piece_id, max_days in ctx.settings.piece_max_age_days.items():
        if piece_id not in wanted or piece_id not in present:
            continue
        label = PIECES[piece_id]
        if raw.get(piece_id) in (None, ""):
            if ctx.settings.piece_dates_required:
                c.add(f"pieces_dates.{piece_id}", "date_document_requise", f"Indiquez la date du document « {label} ».")
            continue
        when = rules.check_date(c, raw, "pieces_dates", piece_id, f"date du document « {label} »", ctx.today)
        if when is not None and (ctx.today - when).days > max_days:
            limit = f"{round(max_days / 30.5)} mois" if max_days >= 60 else f"{max_days} jours"
            c.add(
                f"pieces_dates.{piece_id}",
                "piece_trop_ancienne",
                f"Le document « {label} » date du {when:%d/%m/%Y} : il doit avoir moins de {limit}.",
            )
    return c.erreurs


def _check_complement(
    pieces: list[Piece], erreurs: list[Erreur], asked: list[str], raw_dates, ctx: Ctx
) -> list[Erreur]:
    wanted = {p: True for p in asked} or {p.piece_id: False for p in pieces}
    if not pieces and not erreurs:
        erreurs.append(Erreur("pieces", "piece_manquante", "Joignez au moins une pièce."))
    try:
        dates = json.loads(raw_dates) if isinstance(raw_dates, str) else None
    except ValueError:
        dates = "invalide"
    erreurs = erreurs + check_files(pieces, wanted, {e.champ for e in erreurs}, ctx)
    return erreurs + check_piece_dates(dates, wanted, {p.piece_id for p in pieces}, ctx)


# -- storing -------------------------------------------------------------------------
