"""The mock's SQLite schema: every table, created if missing, and the columns
added since the first version (a file from an older mock is brought up to date).
"""

from __future__ import annotations

import sqlite_utils

SCHEMA_VERSION = 2


def _add_missing_columns(table, columns: dict) -> None:
    # Databases from schema 1 gain the new columns; ``--reset`` is the other way.
    missing = {k: v for k, v in columns.items() if k not in table.columns_dict}
    for name, kind in missing.items():
        table.add_column(name, kind)


def create_schema(db: sqlite_utils.Database) -> None:
    """Create what is missing in ``db``; the caller holds the store's lock."""
    if "meta" not in db.table_names():
        db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("sessions").create(
        {"token_hash": str, "cree_le": str, "expire_le": str, "type": str, "compte": str},
        pk="token_hash",
        if_not_exists=True,
    )
    _add_missing_columns(db.table("sessions"), {"type": str, "compte": str})
    db.table("photo_codes").create(
        {"code": str, "cree_le": str, "expire_le": str, "utilise_le": str, "demo": int},
        pk="code",
        if_not_exists=True,
    )
    db.table("timbres").create(
        {
            "numero": str,
            "montant_centimes": int,
            "motif": str,
            "cree_le": str,
            "expire_le": str,
            "utilise_le": str,
            "demo": int,
        },
        pk="numero",
        if_not_exists=True,
    )
    demande_columns = {
        "numero": str,
        "seq": int,
        "procedure": str,
        "motif": str,
        "statut": str,
        "cree_le": str,
        "dossier_json": str,
        "photo_code": str,
        "timbre": str,
        "nom": str,
        "prenoms": str,
        "date_naissance": str,
        "sexe": str,
        "proprietaire": str,
        "delivre_json": str,
        "complement_json": str,
        "modifie_le": str,
        "frais_centimes": int,
        "session_depot": str,
    }
    db.table("demandes").create(demande_columns, pk="numero", if_not_exists=True)
    _add_missing_columns(db.table("demandes"), demande_columns)
    db.table("pieces").create(
        {
            "id": int,
            "demande": str,
            "piece_id": str,
            "filename": str,
            "content_type": str,
            "format": str,
            "pages": int,
            "taille": int,
            "sha256": str,
            "data": bytes,
            "lot": int,
        },
        pk="id",
        foreign_keys=[("demande", "demandes", "numero")],
        if_not_exists=True,
    )
    _add_missing_columns(db.table("pieces"), {"lot": int})
    db.table("historique").create(
        {"id": int, "demande": str, "statut": str, "date": str, "commentaire": str, "acteur": str},
        pk="id",
        foreign_keys=[("demande", "demandes", "numero")],
        if_not_exists=True,
    )
    _add_missing_columns(db.table("historique"), {"acteur": str})
    db.table("comptes").create(
        {
            "id": str,
            "email": str,
            "password_hash": str,
            "nom": str,
            "prenom": str,
            "sexe": str,
            "telephone": str,
            "code_confirmation": str,
            "confirme_le": str,
            "cree_le": str,
            "source": str,
        },
        pk="id",
        if_not_exists=True,
    )
    db.table("mails").create(
        {"id": int, "destinataire": str, "sujet": str, "corps": str, "envoye_le": str},
        pk="id",
        if_not_exists=True,
    )
    db.table("nephs").create(
        {
            "neph": str,
            "nom": str,
            "prenoms": str,
            "date_naissance": str,
            "categories": str,
            "cree_le": str,
            "demo": int,
        },
        pk="neph",
        if_not_exists=True,
    )
    db.table("vehicules").create(
        {
            "plate_key": str,
            "immatriculation": str,
            "numero_formule": str,
            "code_confidentiel": str,
            "titulaire_nom": str,
            "titulaire_prenom": str,
            "date_premiere_immatriculation": str,
            "puissance_fiscale": int,
            "marque": str,
            "adresse_json": str,
            "cede_le": str,
            "demo": int,
        },
        pk="plate_key",
        if_not_exists=True,
    )
    db.table("cessions").create(
        {
            "id": int,
            "plate_key": str,
            "code": str,
            "demande": str,
            "date_cession": str,
            "expire_le": str,
            "utilise_le": str,
            "cree_le": str,
        },
        pk="id",
        if_not_exists=True,
    )
    db.table("predemandes").create(
        {"numero": str, "etat": str, "cree_le": str, "expire_le": str, "demo": int},
        pk="numero",
        if_not_exists=True,
    )
    db.table("rendez_vous").create(
        {
            "id": int,
            "application_id": str,
            "meeting_point": str,
            "meeting_point_id": str,
            "appointment_date": str,
            "management_url": str,
            "cree_le": str,
        },
        pk="id",
        if_not_exists=True,
    )
    db.table("fc_codes").create(
        {
            "code_hash": str,
            "identite": str,
            "redirect_uri": str,
            "nonce": str,
            "expire_le": str,
            "utilise_le": str,
        },
        pk="code_hash",
        if_not_exists=True,
    )
    db.table("fc_tokens").create(
        {"token_hash": str, "identite": str, "expire_le": str, "session_fc": str},
        pk="token_hash",
        if_not_exists=True,
    )
    db.table("meta").insert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, replace=True)
