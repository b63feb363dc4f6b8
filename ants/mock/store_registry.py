"""The registries the mock keeps besides demandes: accounts and their mails,
NEPHs, vehicles and cessions, pré-demandes and their appointments, and the
FranceConnect stand-in's codes and tokens. Mixed into ``Store``, whose
connection, lock and transaction they use."""

from __future__ import annotations

import hashlib
import json
import threading
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import sqlite_utils


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def token_hash(token: str) -> str:
    # Only a digest of a bearer token or code is stored: a copied DB file opens no session.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class UsedMeanwhile(Exception):
    """A photo code, timbre, vehicle or code de cession was consumed by another request
    between check and use."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


class RegistryMixin:
    # Store's, declared for the type checker.
    db: sqlite_utils.Database
    _lock: threading.RLock

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[sqlite_utils.Database]: ...

    # -- accounts and mails ----------------------------------------------------
    def add_compte(self, row: dict) -> None:
        with self._lock:
            self.db.table("comptes").insert(row)

    def compte_by_email(self, email: str) -> dict | None:
        with self._lock:
            rows = list(self.db.query("SELECT * FROM comptes WHERE lower(email) = lower(?)", [email]))
        return rows[0] if rows else None

    def compte(self, compte_id: str) -> dict | None:
        with self._lock:
            rows = list(self.db.query("SELECT * FROM comptes WHERE id = ?", [compte_id]))
        return rows[0] if rows else None

    def confirm_compte(self, compte_id: str) -> None:
        with self._lock:
            self.db.conn.execute(
                "UPDATE comptes SET confirme_le = ?, code_confirmation = NULL WHERE id = ?", [iso(utcnow()), compte_id]
            )

    def send_mail(self, destinataire: str, sujet: str, corps: str) -> None:
        with self._lock:
            self.db.table("mails").insert(
                {"destinataire": destinataire, "sujet": sujet, "corps": corps, "envoye_le": iso(utcnow())}
            )

    def mails(self, destinataire: str | None) -> list[dict]:
        with self._lock:
            if destinataire:
                return list(
                    self.db.query(
                        "SELECT destinataire, sujet, corps, envoye_le FROM mails"
                        " WHERE lower(destinataire) = lower(?) ORDER BY id",
                        [destinataire],
                    )
                )
            return list(self.db.query("SELECT destinataire, sujet, corps, envoye_le FROM mails ORDER BY id"))

    # -- NEPH, vehicles, cessions, pré-demandes ------------------------------------
    def neph(self, neph: str) -> dict | None:
        with self._lock:
            rows = list(self.db.query("SELECT * FROM nephs WHERE neph = ?", [neph]))
        return rows[0] if rows else None

    def add_neph(
        self, neph: str, nom: str, prenoms: str, date_naissance: str, categories: list[str], demo: bool = False
    ) -> None:
        with self._lock:
            self.db.table("nephs").insert(
                {
                    "neph": neph,
                    "nom": nom.upper(),
                    "prenoms": prenoms,
                    "date_naissance": date_naissance,
                    "categories": ",".join(categories),
                    "cree_le": iso(utcnow()),
                    "demo": int(demo),
                }
            )

    def add_neph_tx(self, db, dossier: dict, categories: list[str], now: datetime) -> str:
        from .identifiers import new_neph

        etat = dossier["etat_civil"]
        while True:
            neph = new_neph()
            if not list(db.query("SELECT 1 FROM nephs WHERE neph = ?", [neph])):
                break
        db.table("nephs").insert(
            {
                "neph": neph,
                "nom": etat["nom_naissance"].upper(),
                "prenoms": " ".join(etat["prenoms"]),
                "date_naissance": etat["date_naissance"],
                "categories": ",".join(categories),
                "cree_le": iso(now),
                "demo": 0,
            }
        )
        return neph

    def vehicule(self, plate_key: str) -> dict | None:
        with self._lock:
            rows = list(self.db.query("SELECT * FROM vehicules WHERE plate_key = ?", [plate_key]))
        return rows[0] if rows else None

    def add_vehicule(self, row: dict) -> dict:
        from .identifiers import plate_key

        row = {"cede_le": None, "demo": 0, "adresse_json": "{}", **row, "plate_key": plate_key(row["immatriculation"])}
        with self._lock:
            self.db.table("vehicules").insert(row)
        return row

    def add_cession_tx(self, db, vehicle: dict, numero: str, sold, expires, ctx) -> str:
        from .identifiers import random_string

        settings = ctx.settings
        cursor = db.conn.execute(
            "UPDATE vehicules SET cede_le = ? WHERE plate_key = ? AND cede_le IS NULL",
            [iso(ctx.now), vehicle["plate_key"]],
        )
        if cursor.rowcount != 1:
            raise UsedMeanwhile("cession")
        code = random_string(settings.code_cession_alphabet, settings.code_cession_length)
        db.table("cessions").insert(
            {
                "plate_key": vehicle["plate_key"],
                "code": code,
                "demande": numero,
                "date_cession": sold.isoformat(),
                "expire_le": expires.isoformat(),
                "utilise_le": None,
                "cree_le": iso(ctx.now),
            }
        )
        return code

    def cession(self, plate_key: str, code: str) -> dict | None:
        with self._lock:
            rows = list(
                self.db.query(
                    "SELECT * FROM cessions WHERE plate_key = ? AND code = ? ORDER BY id DESC", [plate_key, code]
                )
            )
        return rows[0] if rows else None

    def change_titulaire_tx(self, db, vehicle: dict, cession: dict, dossier: dict, numero: str, ctx) -> None:
        from .identifiers import new_code_confidentiel, new_formule

        cursor = db.conn.execute(
            "UPDATE cessions SET utilise_le = ? WHERE id = ? AND utilise_le IS NULL", [iso(ctx.now), cession["id"]]
        )
        if cursor.rowcount != 1:
            raise UsedMeanwhile("code_cession")
        etat = dossier["etat_civil"]
        db.conn.execute(
            "UPDATE vehicules SET titulaire_nom = ?, titulaire_prenom = ?, numero_formule = ?,"
            " code_confidentiel = ?, adresse_json = ?, cede_le = NULL WHERE plate_key = ?",
            [
                etat["nom_naissance"].strip().upper(),
                (etat.get("prenoms") or [""])[0],
                new_formule(ctx.now.year),
                new_code_confidentiel(),
                json.dumps(dossier["adresse"], ensure_ascii=False),
                vehicle["plate_key"],
            ],
        )

    def change_adresse_tx(self, db, vehicle: dict, adresse: dict) -> str | None:
        """Update the address; an old FNI plate gets a new SIV number, returned."""
        from .identifiers import new_plate, plate_key, plate_kind

        db.conn.execute(
            "UPDATE vehicules SET adresse_json = ? WHERE plate_key = ?",
            [json.dumps(adresse, ensure_ascii=False), vehicle["plate_key"]],
        )
        if plate_kind(vehicle["immatriculation"]) != "fni":
            return None
        while True:
            plate = new_plate()
            if not list(db.query("SELECT 1 FROM vehicules WHERE plate_key = ?", [plate_key(plate)])):
                break
        db.conn.execute(
            "UPDATE vehicules SET immatriculation = ?, plate_key = ? WHERE plate_key = ?",
            [plate, plate_key(plate), vehicle["plate_key"]],
        )
        return plate

    def add_predemande_tx(
        self, db, numero: str, etat: str, now: datetime, expires: datetime, demo: bool = False
    ) -> None:
        db.table("predemandes").insert(
            {"numero": numero, "etat": etat, "cree_le": iso(now), "expire_le": iso(expires), "demo": int(demo)},
            replace=True,
        )

    def add_predemande(self, numero: str, etat: str, now: datetime, expires: datetime, demo: bool = False) -> None:
        with self._lock:
            self.add_predemande_tx(self.db, numero, etat, now, expires, demo)

    def predemande(self, numero: str) -> dict | None:
        with self._lock:
            rows = list(self.db.query("SELECT * FROM predemandes WHERE upper(numero) = upper(?)", [numero]))
        return rows[0] if rows else None

    def set_predemande_etat_tx(self, db, numero: str, etat: str) -> None:
        db.conn.execute("UPDATE predemandes SET etat = ? WHERE numero = ?", [etat, numero])

    def add_rendez_vous(self, row: dict) -> None:
        with self._lock:
            self.db.table("rendez_vous").insert({**row, "cree_le": iso(utcnow())})

    def rendez_vous(self, application_id: str) -> list[dict]:
        with self._lock:
            return list(
                self.db.query(
                    "SELECT management_url, meeting_point, meeting_point_id, appointment_date FROM rendez_vous"
                    " WHERE upper(application_id) = upper(?) ORDER BY id",
                    [application_id],
                )
            )

    def delete_rendez_vous(self, application_id: str, meeting_point_id: str, appointment_date: str) -> int:
        with self._lock:
            cursor = self.db.conn.execute(
                "DELETE FROM rendez_vous WHERE upper(application_id) = upper(?) AND meeting_point_id = ?"
                " AND appointment_date = ?",
                [application_id, meeting_point_id, appointment_date],
            )
        return cursor.rowcount

    # -- FranceConnect stand-in ----------------------------------------------------
    def add_fc_code(self, code: str, identite: str, redirect_uri: str, nonce: str, ttl_seconds: int) -> None:
        with self._lock:
            self.db.table("fc_codes").insert(
                {
                    "code_hash": token_hash(code),
                    "identite": identite,
                    "redirect_uri": redirect_uri,
                    "nonce": nonce,
                    "expire_le": iso(utcnow() + timedelta(seconds=ttl_seconds)),
                    "utilise_le": None,
                }
            )

    def take_fc_code(self, code: str) -> dict | None:
        """The code's row, consumed (single use), or None if unknown, used or expired."""
        with self.transaction() as db:
            rows = list(db.query("SELECT * FROM fc_codes WHERE code_hash = ?", [token_hash(code)]))
            if not rows or rows[0]["utilise_le"] or datetime.fromisoformat(rows[0]["expire_le"]) <= utcnow():
                return None
            db.conn.execute("UPDATE fc_codes SET utilise_le = ? WHERE code_hash = ?", [iso(utcnow()), token_hash(code)])
        return rows[0]

    def add_fc_token(self, token: str, identite: str, ttl_seconds: int, session_fc: str) -> None:
        with self._lock:
            self.db.table("fc_tokens").insert(
                {
                    "token_hash": token_hash(token),
                    "identite": identite,
                    "expire_le": iso(utcnow() + timedelta(seconds=ttl_seconds)),
                    "session_fc": session_fc,
                }
            )

    def fc_token(self, token: str) -> dict | None:
        with self._lock:
            rows = list(self.db.query("SELECT * FROM fc_tokens WHERE token_hash = ?", [token_hash(token)]))
        if not rows or datetime.fromisoformat(rows[0]["expire_le"]) <= utcnow():
            return None
        return rows[0]

    def end_fc_session(self, session_fc: str) -> int:
        with self._lock:
            cursor = self.db.conn.execute("DELETE FROM fc_tokens WHERE session_fc = ?", [session_fc])
        return cursor.rowcount

    def end_sessions_of(self, compte: str) -> None:
        with self._lock:
            self.db.conn.execute("DELETE FROM sessions WHERE compte = ?", [compte])
