"""SQLite storage of the mock ANTS backend (sqlite-utils).

One connection shared by the request threads behind a lock: the mock serves a
handful of kiosks at most, and SQLite's own locking is not worth the trouble
here. ``secure_delete`` is on so that deleted rows (pièces, revoked sessions)
are overwritten inside the file, and ``reset`` removes the file with its
``-wal``/``-journal``/``-shm`` companions.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlite_utils

from .store_registry import RegistryMixin, UsedMeanwhile, iso, parse_iso, token_hash, utcnow
from .store_schema import create_schema

_COMPANIONS = ("-wal", "-shm", "-journal")


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


class Conflict(Exception):
    """A transition that the demande's current statut does not allow."""

    def __init__(self, statut: str):
        super().__init__(statut)
        self.statut = statut


class Store(RegistryMixin):
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.RLock()
        conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA secure_delete=ON")
        # Rollback journal, not WAL: each demande writes megabytes of pièces, which
        # WAL would write twice (log, then checkpoint). Requests are serialised anyway.
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("PRAGMA foreign_keys=ON")
        self.db = sqlite_utils.Database(conn)
        self._create_schema()

    # -- lifecycle -----------------------------------------------------------
    @staticmethod
    def wipe_files(path: Path) -> None:
        """Drop every table (overwritten, secure_delete) then delete the files."""
        path = Path(path)
        if path.exists():
            try:
                conn = sqlite3.connect(str(path), isolation_level=None)
                try:
                    conn.execute("PRAGMA secure_delete=ON")
                    tables = [
                        r[0]
                        for r in conn.execute(
                            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                        )
                    ]
                    for table in tables:
                        conn.execute(f'DROP TABLE IF EXISTS "{table}"')
                    conn.execute("VACUUM")
                finally:
                    conn.close()
            except sqlite3.DatabaseError:
                pass  # not a database we can open: removing the file is all we can do
        for suffix in ("", *_COMPANIONS):
            candidate = Path(str(path) + suffix)
            if candidate.exists():
                candidate.unlink()

    def close(self) -> None:
        with self._lock:
            self.db.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        with self._lock:
            self.db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.conn.execute("ROLLBACK")
                raise
            else:
                self.db.conn.execute("COMMIT")

    def _create_schema(self) -> None:
        with self._lock:
            create_schema(self.db)

    # -- meta ----------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self._lock:
            rows = list(self.db.query("SELECT value FROM meta WHERE key = ?", [key]))
        return rows[0]["value"] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self.db.table("meta").insert({"key": key, "value": value}, replace=True)

    # -- sessions ------------------------------------------------------------
    def add_session(self, token: str, ttl_seconds: int, kind: str = "invite", compte: str | None = None) -> None:
        now = utcnow()
        with self._lock:
            self.db.table("sessions").delete_where("expire_le < ?", [iso(now)])
            self.db.table("sessions").insert(
                {
                    "token_hash": token_hash(token),
                    "cree_le": iso(now),
                    "expire_le": iso(now + timedelta(seconds=ttl_seconds)),
                    "type": kind,
                    "compte": compte,
                }
            )

    def session(self, token: str) -> dict | None:
        with self._lock:
            rows = list(
                self.db.query("SELECT type, compte, expire_le FROM sessions WHERE token_hash = ?", [token_hash(token)])
            )
        if not rows or parse_iso(rows[0]["expire_le"]) <= utcnow():
            return None
        return {"type": rows[0]["type"] or "invite", "compte": rows[0]["compte"], "token_hash": token_hash(token)}

    def session_valid(self, token: str) -> bool:
        return self.session(token) is not None

    def end_session(self, token: str) -> bool:
        with self._lock:
            cursor = self.db.conn.execute("DELETE FROM sessions WHERE token_hash = ?", [token_hash(token)])
        return cursor.rowcount == 1

    # -- photo codes and timbres ---------------------------------------------
    def add_photo_code(self, code: str, created: datetime, validity_days: int, demo: bool = False) -> dict:
        row = {
            "code": code,
            "cree_le": iso(created),
            "expire_le": iso(created + timedelta(days=validity_days)),
            "utilise_le": None,
            "demo": int(demo),
        }
        with self._lock:
            self.db.table("photo_codes").insert(row)
        return row

    def photo_code(self, code: str) -> dict | None:
        with self._lock:
            rows = list(self.db.query("SELECT * FROM photo_codes WHERE code = ?", [code]))
        return rows[0] if rows else None

    def add_timbre(
        self,
        numero: str,
        montant: Decimal,
        motif: str | None,
        created: datetime,
        validity_days: int,
        demo: bool = False,
    ) -> dict:
        row = {
            "numero": numero,
            "montant_centimes": cents(montant),
            "motif": motif,
            "cree_le": iso(created),
            "expire_le": iso(created + timedelta(days=validity_days)),
            "utilise_le": None,
            "demo": int(demo),
        }
        with self._lock:
            self.db.table("timbres").insert(row)
        return row

    def timbre(self, numero: str) -> dict | None:
        with self._lock:
            rows = list(self.db.query("SELECT * FROM timbres WHERE numero = ?", [numero]))
        return rows[0] if rows else None

    def exists(self, table: str, key: str, value: str) -> bool:
        with self._lock:
            return bool(list(self.db.query(f"SELECT 1 FROM {table} WHERE {key} = ?", [value])))

    def demo_unused(self) -> dict[str, list[dict]]:
        now = iso(utcnow())
        with self._lock:
            codes = list(
                self.db.query(
                    "SELECT code, expire_le FROM photo_codes WHERE demo = 1 AND utilise_le IS NULL"
                    " AND expire_le > ? ORDER BY rowid",
                    [now],
                )
            )
            timbres = list(
                self.db.query(
                    "SELECT numero, montant_centimes FROM timbres WHERE demo = 1 AND utilise_le IS NULL"
                    " AND expire_le > ? ORDER BY rowid",
                    [now],
                )
            )
        return {"photo_codes": codes, "timbres": timbres}

    def demo_extras(self) -> dict[str, list[dict]]:
        with self._lock:
            vehicles = list(
                self.db.query(
                    "SELECT immatriculation, numero_formule, code_confidentiel, titulaire_nom, titulaire_prenom,"
                    " date_premiere_immatriculation, puissance_fiscale FROM vehicules WHERE demo = 1 "
                    "AND cede_le IS NULL"
                    " ORDER BY rowid"
                )
            )
            nephs = list(
                self.db.query("SELECT neph, nom, prenoms, date_naissance FROM nephs WHERE demo = 1 ORDER BY rowid")
            )
            predemandes = list(self.db.query("SELECT numero, etat FROM predemandes WHERE demo = 1 ORDER BY rowid"))
        return {"vehicules": vehicles, "nephs": nephs, "predemandes": predemandes}

    # -- demandes ------------------------------------------------------------
    def next_seq(self) -> int:
        with self._lock:
            row = list(self.db.query("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM demandes"))
        return row[0]["n"]

    def create_demande(
        self,
        *,
        numero: str,
        seq: int,
        dossier: dict,
        pieces: list[dict],
        photo_code: str | None,
        timbre: str | None,
        statut: str,
        commentaire: str,
        proprietaire: str | None = None,
        frais_centimes: int = 0,
        apply=None,
        draft: bool = False,
        session_hash: str | None = None,
    ) -> dict:
        """Store a demande, consume its photo code and timbre, run the procedure's effects: all or nothing.

        ``apply(db)`` returns what is handed to the user (``delivre``) and may raise ``UsedMeanwhile``.
        With ``draft``, the brouillon ``numero`` becomes this demande, its history kept.
        ``session_hash``: the session that filed it (a guest's demande has no other owner).
        """
        now = iso(utcnow())
        etat = dossier.get("etat_civil")
        if not isinstance(etat, dict):
            etat = {}
        prenoms = etat.get("prenoms")
        if not isinstance(prenoms, list):
            prenoms = []
        with self.transaction() as db:
            for table, key, value, what in (
                ("photo_codes", "code", photo_code, "photo"),
                ("timbres", "numero", timbre, "timbre"),
            ):
                if value is None:
                    continue
                cursor = db.conn.execute(
                    f"UPDATE {table} SET utilise_le = ? WHERE {key} = ? AND utilise_le IS NULL", [now, value]
                )
                if cursor.rowcount != 1:
                    raise UsedMeanwhile(what)
            row = {
                "numero": numero,
                "seq": seq,
                "procedure": dossier["procedure"],
                "motif": dossier.get("motif") if isinstance(dossier.get("motif"), str) else "",
                "statut": statut,
                "cree_le": now,
                "modifie_le": now,
                "dossier_json": json.dumps(dossier, ensure_ascii=False),
                "photo_code": photo_code,
                "timbre": timbre,
                "nom": str(etat.get("nom_naissance") or "").upper(),
                "prenoms": " ".join(str(p) for p in prenoms),
                "date_naissance": str(etat.get("date_naissance") or ""),
                "sexe": str(etat.get("sexe") or ""),
                "proprietaire": proprietaire,
                "delivre_json": "{}",
                "complement_json": None,
                "frais_centimes": frais_centimes,
                "session_depot": session_hash,
            }
            if draft:
                current = list(db.query("SELECT statut, seq, cree_le FROM demandes WHERE numero = ?", [numero]))
                if not current or current[0]["statut"] != "brouillon":
                    raise Conflict(current[0]["statut"] if current else "inconnue")
                row.update(seq=current[0]["seq"], cree_le=current[0]["cree_le"])
                db.table("demandes").update(numero, row)
                db.conn.execute("DELETE FROM pieces WHERE demande = ?", [numero])
            else:
                db.table("demandes").insert(row)
            for piece in pieces:
                db.table("pieces").insert({**piece, "demande": numero, "lot": 0})
            db.table("historique").insert(
                {"demande": numero, "statut": statut, "date": now, "commentaire": commentaire, "acteur": "usager"}
            )
            delivre = apply(db) if apply else {}
            db.conn.execute(
                "UPDATE demandes SET delivre_json = ? WHERE numero = ?",
                [json.dumps(delivre or {}, ensure_ascii=False), numero],
            )
        return {**row, "delivre": delivre or {}}

    def demande(self, numero: str) -> dict[str, Any] | None:
        with self._lock:
            rows = list(
                self.db.query(
                    "SELECT numero, procedure, motif, statut, cree_le, complement_json FROM demandes WHERE numero = ?",
                    [numero],
                )
            )
            if not rows:
                return None
            history = list(
                self.db.query(
                    "SELECT statut, date, commentaire FROM historique WHERE demande = ? ORDER BY id", [numero]
                )
            )
        row = dict(rows[0])
        complement = row.pop("complement_json")
        out = {**row, "historique": history}
        if row["statut"] == "complement_demande" and complement:
            out["complement"] = json.loads(complement)
        return out

    def demande_full(self, numero: str) -> dict[str, Any] | None:
        """Everything about a demande, for the agents' portal and the owner's checks."""
        with self._lock:
            rows = list(self.db.query("SELECT * FROM demandes WHERE numero = ?", [numero]))
            if not rows:
                return None
            history = list(
                self.db.query(
                    "SELECT statut, date, commentaire, acteur FROM historique WHERE demande = ? ORDER BY id", [numero]
                )
            )
            pieces = list(
                self.db.query(
                    "SELECT id, piece_id, filename, content_type, format, pages, taille, sha256, lot"
                    " FROM pieces WHERE demande = ? ORDER BY id",
                    [numero],
                )
            )
        row = dict(rows[0])
        return {
            "numero": row["numero"],
            "procedure": row["procedure"],
            "motif": row["motif"],
            "statut": row["statut"],
            "cree_le": row["cree_le"],
            "modifie_le": row["modifie_le"],
            "proprietaire": row["proprietaire"],
            "frais": (row["frais_centimes"] or 0) / 100,
            "dossier": json.loads(row["dossier_json"]),
            "delivre": json.loads(row["delivre_json"] or "{}"),
            "complement": json.loads(row["complement_json"]) if row["complement_json"] else None,
            "pieces": pieces,
            "historique": history,
        }

    def filed_by(self, numero: str) -> str | None:
        """The token hash of the session that filed the demande (None for demandes older than it)."""
        with self._lock:
            rows = list(self.db.query("SELECT session_depot FROM demandes WHERE numero = ?", [numero]))
        return rows[0]["session_depot"] if rows else None

    def piece_data(self, numero: str, piece_row_id: int) -> dict | None:
        with self._lock:
            rows = list(
                self.db.query(
                    "SELECT filename, content_type, format, data FROM pieces WHERE demande = ? AND id = ?",
                    [numero, piece_row_id],
                )
            )
        return rows[0] if rows else None

    def search(self, filters: dict[str, str], limit: int) -> list[dict]:
        clauses, params = [], []
        for column, value in filters.items():
            if column == "nom":
                clauses.append("nom LIKE ?")
                params.append(value.upper() + "%")
            elif column == "prenom":
                clauses.append("(' ' || prenoms || ' ') LIKE ?")
                params.append(f"% {value}%")
            else:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        with self._lock:
            return list(
                self.db.query(
                    "SELECT numero, procedure, motif, statut, nom, prenoms, date_naissance, sexe, cree_le, modifie_le"
                    f" FROM demandes{where} ORDER BY cree_le DESC, seq DESC LIMIT ?",
                    [*params, limit],
                )
            )

    def transition(
        self,
        numero: str,
        allowed_from: set[str],
        statut: str,
        commentaire: str,
        acteur: str,
        complement: dict | None = None,
        pieces: list[dict] | None = None,
        apply=None,
    ) -> dict:
        """Move a demande to ``statut`` if it is in ``allowed_from``; history, pièces and effects together."""
        now = iso(utcnow())
        with self.transaction() as db:
            rows = list(db.query("SELECT statut FROM demandes WHERE numero = ?", [numero]))
            if not rows:
                raise KeyError(numero)
            if rows[0]["statut"] not in allowed_from:
                raise Conflict(rows[0]["statut"])
            if pieces:
                lot = list(db.query("SELECT COALESCE(MAX(lot), 0) + 1 AS n FROM pieces WHERE demande = ?", [numero]))[
                    0
                ]["n"]
                for piece in pieces:
                    db.table("pieces").insert({**piece, "demande": numero, "lot": lot})
            db.conn.execute(
                "UPDATE demandes SET statut = ?, modifie_le = ?, complement_json = ? WHERE numero = ?",
                [statut, now, json.dumps(complement, ensure_ascii=False) if complement else None, numero],
            )
            db.table("historique").insert(
                {"demande": numero, "statut": statut, "date": now, "commentaire": commentaire, "acteur": acteur}
            )
            if apply:
                apply(db)
        return {"numero": numero, "statut": statut, "date": now}

    def pieces_of(self, numero: str) -> list[dict]:
        with self._lock:
            return list(
                self.db.query(
                    "SELECT piece_id, filename, content_type, format, pages, taille, sha256"
                    " FROM pieces WHERE demande = ? ORDER BY id",
                    [numero],
                )
            )
