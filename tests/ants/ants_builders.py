"""Builders for the ANTS tests (shared by the test modules): real image/PDF bytes, fresh photo codes and
timbres bought from the running mock, and a valid dossier to vary."""

from __future__ import annotations

import copy
import io
import random

import img2pdf
import requests
from PIL import Image

from ants import PieceFile

ACCEPTED_CARD = "4970100000000014"
REFUSED_CARD = "4970100000000022"
EXPIRED_CARD = "4970100000000055"


def jpeg_bytes(width: int = 120, height: int = 160, color=(200, 180, 160), noise: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), color)
    if noise:
        rng = random.Random(width * height)
        image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def png_bytes(width: int = 80, height: int = 60) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def tiff_bytes(frames: int) -> bytes:
    images = [Image.new("L", (50, 70), 40 * i) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "TIFF", save_all=True, append_images=images[1:])
    return out.getvalue()


def pdf_bytes(pages: int) -> bytes:
    return img2pdf.convert([jpeg_bytes(color=(20 * i, 100, 100)) for i in range(pages)])


def base_dossier(photo: str, timbre: str, motif: str = "perte") -> dict:
    return {
        "procedure": "permis-perte",
        "motif": motif,
        "etat_civil": {
            "nom_naissance": "DUPONT",
            "nom_usage": "",
            "sexe": "F",
            "prenoms": ["Marie", "Élodie"],
            "date_naissance": "1980-05-17",
        },
        "adresse": {
            "numero": "12",
            "extension": "bis",
            "type_voie": "rue",
            "nom_voie": "des Lilas",
            "complement": "",
            "code_postal": "75011",
            "commune": "Paris",
        },
        "contact": {"email": "marie@example.org", "mobile": "0612345678"},
        "photo": {"code": photo},
        "paiement": {"timbre": timbre},
        "attestation_honneur": True,
    }


def standard_pieces() -> list[PieceFile]:
    return [
        PieceFile("identite", "cni.pdf", "application/pdf", pdf_bytes(2)),
        PieceFile("domicile", "facture.jpg", "image/jpeg", jpeg_bytes()),
    ]


class Ants:
    """Raw HTTP helpers against one running mock."""

    def __init__(self, url: str):
        self.url = url

    def token(self) -> str:
        response = requests.post(self.url + "/api/v1/sessions", timeout=5)
        assert response.status_code == 201
        return response.json()["token"]

    def photo_code(self) -> str:
        response = requests.post(self.url + "/api/v1/formation/photo-codes", timeout=5)
        assert response.status_code == 201
        return response.json()["code"]

    def timbre(self, motif: str = "perte", code_postal: str = "75011") -> str:
        response = requests.post(
            self.url + "/api/v1/timbres",
            timeout=5,
            json={
                "motif": motif,
                "code_postal": code_postal,
                "carte": ACCEPTED_CARD,
                "expiration": "12/39",
                "cryptogramme": "123",
            },
        )
        assert response.status_code == 201, response.text
        return response.json()["numero"]

    def dossier(self, motif: str = "perte", code_postal: str = "75011", **sections) -> dict:
        dossier = base_dossier(self.photo_code(), self.timbre(motif, code_postal), motif)
        dossier["adresse"]["code_postal"] = code_postal
        for name, value in sections.items():
            if isinstance(value, dict) and isinstance(dossier.get(name), dict):
                dossier[name].update(value)
            else:
                dossier[name] = value
        return copy.deepcopy(dossier)

    def submit(
        self,
        dossier,
        pieces: list[PieceFile] | None = None,
        token: str | None = None,
        raw_dossier: str | bytes | None = None,
    ) -> requests.Response:
        import json

        pieces = standard_pieces() if pieces is None else pieces
        raw = raw_dossier if raw_dossier is not None else json.dumps(dossier)
        files = [("dossier", (None, raw if isinstance(raw, bytes) else raw.encode("utf-8")))]
        files += [(f"piece:{p.piece_id}", (p.filename, p.data, p.content_type)) for p in pieces]
        return requests.post(
            self.url + "/api/v1/demandes",
            files=files,
            headers={"Authorization": f"Bearer {token or self.token()}"},
            timeout=20,
        )

    def faults(self, **panne) -> None:
        response = requests.post(self.url + "/api/v1/formation/pannes", json=panne, timeout=5)
        assert response.status_code == 201

    def clear_faults(self) -> None:
        assert requests.delete(self.url + "/api/v1/formation/pannes", timeout=5).status_code == 204


def erreurs_of(response: requests.Response) -> list[tuple[str, str]]:
    return [(e["champ"], e["code"]) for e in response.json()["detail"]["erreurs"]]


# -- issue 3: every procedure ---------------------------------------------------------

AGENT_TOKEN = "agent-cert-demo"
RDV_TOKEN = "rdv-opt-demo"


def person(
    nom: str = "DUPONT",
    prenoms=("Marie", "Élodie"),
    born: str = "1980-05-17",
    sexe: str = "F",
    code_postal: str = "75011",
) -> dict:
    return {
        "etat_civil": {
            "nom_naissance": nom,
            "nom_usage": "",
            "sexe": sexe,
            "prenoms": list(prenoms),
            "date_naissance": born,
        },
        "adresse": {
            "numero": "12",
            "extension": "",
            "type_voie": "rue",
            "nom_voie": "des Lilas",
            "complement": "",
            "code_postal": code_postal,
            "commune": "Paris",
        },
        "contact": {"email": "marie@example.org", "mobile": "0612345678"},
        "attestation_honneur": True,
    }


def pdf_piece(piece_id: str, pages: int = 1) -> PieceFile:
    return PieceFile(piece_id, f"{piece_id}.pdf", "application/pdf", pdf_bytes(pages))


def jpg_piece(piece_id: str) -> PieceFile:
    return PieceFile(piece_id, f"{piece_id}.jpg", "image/jpeg", jpeg_bytes())


def pieces(*piece_ids: str) -> list[PieceFile]:
    return [jpg_piece(p) for p in piece_ids]


def years_ago(years: int, days: int = 0) -> str:
    from datetime import date, timedelta

    today = date.today()
    try:
        then = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        then = today.replace(year=today.year - years, day=28)
    return (then - timedelta(days=days)).isoformat()


def days_ago(days: int) -> str:
    from datetime import date, timedelta

    return (date.today() - timedelta(days=days)).isoformat()


class Procedures(Ants):
    """Builders for every procedure against one running mock."""

    def buy(self, procedure: str, motif: str = "", code_postal: str = "75011", **extra) -> str:
        response = requests.post(
            self.url + "/api/v1/timbres",
            timeout=5,
            json={
                "procedure": procedure,
                "motif": motif,
                "code_postal": code_postal,
                "carte": ACCEPTED_CARD,
                "expiration": "12/39",
                "cryptogramme": "123",
                **extra,
            },
        )
        assert response.status_code == 201, response.text
        return response.json()["numero"]

    def neph(self, nom: str = "DUPONT", date_naissance: str = "1980-05-17") -> str:
        response = requests.post(
            self.url + "/api/v1/formation/nephs",
            timeout=5,
            json={"nom": nom, "prenoms": "Marie", "date_naissance": date_naissance},
        )
        assert response.status_code == 201, response.text
        return response.json()["neph"]

    def vehicle(self, **body) -> dict:
        response = requests.post(self.url + "/api/v1/formation/vehicules", json=body, timeout=5)
        assert response.status_code == 201, response.text
        return response.json()

    def permis(self, procedure: str, motif: str | None = None, photo: bool = True, **fields) -> dict:
        dossier = {"procedure": procedure, **person()}
        if motif is not None:
            dossier["motif"] = motif
        if photo:
            dossier["photo"] = {"code": self.photo_code()}
        dossier.update(fields)
        return dossier

    def agent(self, method: str, path: str, token: str = AGENT_TOKEN, **kwargs) -> requests.Response:
        return requests.request(
            method,
            self.url + "/api/v1/agent" + path,
            timeout=10,
            headers={"Authorization": f"Bearer {token}"},
            **kwargs,
        )

    def move(self, numero: str, statut: str, **body) -> requests.Response:
        return self.agent("POST", f"/demandes/{numero}/transitions", json={"statut": statut, **body})

    def fc_token(self, login: str = "testfc1", password: str = "123") -> str:
        from urllib.parse import urlsplit

        from ants import AntsClient
        from browser import ScriptedBrowser

        client = AntsClient(self.url, retries=0, backoff_factor=0)
        auth = client.begin_franceconnect("ants-mock-fs")
        allow = [urlsplit(self.url).netloc, urlsplit(auth.redirect_uri).netloc]
        ScriptedBrowser({"login": login, "password": password}, allow).open(auth.url, lambda reason: auth.cancel())
        client.finish_franceconnect(auth, timeout=20)
        token = client._token
        client.close()
        return token
