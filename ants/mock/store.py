"""SQLite storage of the mock ANTS backend (sqlite-utils).

One connection shared by the request threads behind a lock: the mock serves a
handful of kiosks at most, and SQLite's own locking is not worth the trouble
here. ``secure_delete`` is on so that deleted rows (pièces, revoked sessions)
are overwritten inside the file, and ``reset`` removes the file with its
``-wal``/``-journal``/``-shm`` companions.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils

SCHEMA_VERSION = 1
_COMPANIONS = ("-wal", "-shm", "-journal")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def token_hash(token: str) -> str:
    # Only a digest of the bearer token is stored: a copied DB file opens no session.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


class UsedMeanwhile(Exception):
    """A photo code or timbre was consumed by another request between check and use."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


class Store:
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
                    tables = [r[0] for r in conn.execute(
                        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
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
        db = self.db
        with self._lock:
            if "meta" not in db.table_names():
                db["meta"].create({"key": str, "value": str}, pk="key")
            db["sessions"].create(
                {"token_hash": str, "cree_le": str, "expire_le": str}, pk="token_hash", if_not_exists=True)
            db["photo_codes"].create(
                {"code": str, "cree_le": str, "expire_le": str, "utilise_le": str, "demo": int},
                pk="code", if_not_exists=True)
            db["timbres"].create(
                {"numero": str, "montant_centimes": int, "motif": str, "cree_le": str,
                 "expire_le": str, "utilise_le": str, "demo": int},
                pk="numero", if_not_exists=True)
            db["demandes"].create(
                {"numero": str, "seq": int, "procedure": str, "motif": str, "statut": str,
                 "cree_le": str, "dossier_json": str, "photo_code": str, "timbre": str},
                pk="numero", if_not_exists=True)
            db["pieces"].create(
                {"id": int, "demande": str, "piece_id": str, "filename": str, "content_type": str,
                 "format": str, "pages": int, "taille": int, "sha256": str, "data": bytes},
                pk="id", foreign_keys=[("demande", "demandes", "numero")], if_not_exists=True)
            db["historique"].create(
                {"id": int, "demande": str, "statut": str, "date": str, "commentaire": str},
                pk="id", foreign_keys=[("demande", "demandes", "numero")], if_not_exists=True)
            db["meta"].insert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, replace=True)

    # -- meta ----------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self._lock:
            rows = list(self.db.query("SELECT value FROM meta WHERE key = ?", [key]))
        return rows[0]["value"] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self.db["meta"].insert({"key": key, "value": value}, replace=True)

    # -- sessions ------------------------------------------------------------
    def add_session(self, token: str, ttl_seconds: int) -> None:
        now = utcnow()
        with self._lock:
            self.db["sessions"].delete_where("expire_le < ?", [iso(now)])
            self.db["sessions"].insert({
                "token_hash": token_hash(token), "cree_le": iso(now),
                "expire_le": iso(now + timedelta(seconds=ttl_seconds))})

    def session_valid(self, token: str) -> bool:
        with self._lock:
            rows = list(self.db.query(
                "SELECT expire_le FROM sessions WHERE token_hash = ?", [token_hash(token)]))
        return bool(rows) and parse_iso(rows[0]["expire_le"]) > utcnow()

    def end_session(self, token: str) -> bool:
        with self._lock:
            cursor = self.db.conn.execute(
                "DELETE FROM sessions WHERE token_hash = ?", [token_hash(token)])
        return cursor.rowcount == 1

    # -- photo codes and timbres ---------------------------------------------
    def add_photo_code(self, code: str, created: datetime, validity_days: int, demo: bool = False) -> dict:
        row = {"code": code, "cree_le": iso(created),
               "expire_le": iso(created + timedelta(days=validity_days)),
               "utilise_le": None, "demo": int(demo)}
        with self._lock:
            self.db["photo_codes"].insert(row)
        return row

    def photo_code(self, code: str) -> dict | None:
        with self._lock:
            rows = list(self.db.query("SELECT * FROM photo_codes WHERE code = ?", [code]))
        return rows[0] if rows else None

    def add_timbre(self, numero: str, montant: Decimal, motif: str | None, created: datetime,
                   validity_days: int, demo: bool = False) -> dict:
        row = {"numero": numero, "montant_centimes": cents(montant), "motif": motif,
               "cree_le": iso(created), "expire_le": iso(created + timedelta(days=validity_days)),
               "utilise_le": None, "demo": int(demo)}
        with self._lock:
            self.db["timbres"].insert(row)
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
            codes = list(self.db.query(
                "SELECT code, expire_le FROM photo_codes WHERE demo = 1 AND utilise_le IS NULL"
                " AND expire_le > ? ORDER BY rowid", [now]))
            timbres = list(self.db.query(
                "SELECT numero, montant_centimes FROM timbres WHERE demo = 1 AND utilise_le IS NULL"
                " AND expire_le > ? ORDER BY rowid", [now]))
        return {"photo_codes": codes, "timbres": timbres}

    # -- demandes ------------------------------------------------------------
    def next_seq(self) -> int:
        with self._lock:
            row = list(self.db.query("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM demandes"))
        return row[0]["n"]

    def create_demande(self, *, numero: str, seq: int, dossier: dict, pieces: list[dict],
                       photo_code: str, timbre: str, statut: str, commentaire: str) -> dict:
        """Store a demande, consume its photo code and timbre, all or nothing."""
        now = iso(utcnow())
        with self.transaction() as db:
            for table, key, value, what in (("photo_codes", "code", photo_code, "photo"),
                                            ("timbres", "numero", timbre, "timbre")):
                cursor = db.conn.execute(
                    f"UPDATE {table} SET utilise_le = ? WHERE {key} = ? AND utilise_le IS NULL",
                    [now, value])
                if cursor.rowcount != 1:
                    raise UsedMeanwhile(what)
            row = {"numero": numero, "seq": seq, "procedure": dossier["procedure"],
                   "motif": dossier["motif"], "statut": statut, "cree_le": now,
                   "dossier_json": json.dumps(dossier, ensure_ascii=False),
                   "photo_code": photo_code, "timbre": timbre}
            db["demandes"].insert(row)
            for piece in pieces:
                db["pieces"].insert({**piece, "demande": numero})
            db["historique"].insert({"demande": numero, "statut": statut, "date": now,
                                     "commentaire": commentaire})
        return row

    def demande(self, numero: str) -> dict[str, Any] | None:
        with self._lock:
            rows = list(self.db.query(
                "SELECT numero, procedure, motif, statut, cree_le FROM demandes WHERE numero = ?",
                [numero]))
            if not rows:
                return None
            history = list(self.db.query(
                "SELECT statut, date, commentaire FROM historique WHERE demande = ? ORDER BY id",
                [numero]))
        return {**rows[0], "historique": history}

    def pieces_of(self, numero: str) -> list[dict]:
        with self._lock:
            return list(self.db.query(
                "SELECT piece_id, filename, content_type, format, pages, taille, sha256"
                " FROM pieces WHERE demande = ? ORDER BY id", [numero]))
