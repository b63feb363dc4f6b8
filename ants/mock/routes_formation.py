"""Training and test endpoints: the photo booth (codes and their images), the
timbre shop, the demo data, the outbox of the mails the mock "sent", fresh
test vehicles and NEPHs, and the injected failures (pannes)."""

from __future__ import annotations

from fastapi import FastAPI, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from . import fc_identities, identifiers, images, payments, rules, seed
from .contract import Corps, Entier, Jour, refusals
from .deps import Deps
from .errors import ApiError
from .faults import Mode
from .store import utcnow


class PhotoCode(BaseModel):
    code: str
    expire_le: str


class AchatTimbre(Corps):
    motif: str = Field("", max_length=40)
    code_postal: str = Field(max_length=10)
    carte: str = Field(max_length=30)
    expiration: str = Field(description="MM/AA", max_length=10)
    cryptogramme: str = Field(max_length=10)
    procedure: str = Field("permis-perte", max_length=40)
    date_naissance: str | None = Field(None, max_length=10, description="passeport : le tarif dépend de l'âge")
    immatriculation: str | None = Field(None, max_length=20, description="carte grise : le tarif dépend du véhicule")


class TimbreAchete(BaseModel):
    numero: str
    montant: float


class Panne(Corps):
    """An injected failure for the next ``nombre`` matching requests (0 = until cleared)."""

    statut: Entier | None = Field(503, ge=400, le=599, description="HTTP status for mode erreur")
    delai_s: float = Field(0.0, ge=0, le=120)
    nombre: Entier = Field(1, ge=0, le=1000)
    methode: str | None = Field(None, max_length=10)
    chemin: str = Field("/", max_length=200, description="path prefix")
    mode: Mode | None = Field(None, description="default: erreur if statut else latence")
    probabilite: float = Field(1.0, gt=0, le=1)


class NouveauVehicule(Corps):
    ancien_numero: bool = Field(False, description="true: an old FNI plate")
    age_ans: Entier = Field(2, ge=0, le=60)
    titulaire_nom: str = Field("DUPONT", max_length=60)
    titulaire_prenom: str = Field("Marie", max_length=60)
    puissance_fiscale: Entier = Field(5, ge=1, le=100)


class NouveauNeph(Corps):
    nom: str = Field(max_length=60)
    prenoms: str = Field("", max_length=120)
    date_naissance: Jour
    categories: list[str] = Field(default_factory=lambda: ["B"], max_length=15)


def register(app: FastAPI, deps: Deps) -> None:
    store, settings, faults = deps.store, deps.settings, deps.faults

    @app.post("/api/v1/formation/photo-codes", status_code=201, response_model=PhotoCode)
    def new_photo_code() -> dict:
        while True:
            code = seed.new_photo_code()
            if not store.exists("photo_codes", "code", code):
                break
        row = store.add_photo_code(code, utcnow(), settings.photo_code_validity_days)
        return {"code": row["code"], "expire_le": row["expire_le"]}

    @app.get(
        "/api/v1/photo-codes/{code}/{image}", responses={200: {"content": {"image/png": {}}}, **refusals(404, 410, 422)}
    )
    def photo_image(code: str, image: str) -> Response:
        """The photo or signature an agréé photographer registered under this code."""
        if image not in ("photo.png", "signature.png"):
            raise ApiError(404, "introuvable", "Images disponibles : photo.png, signature.png.")
        if not identifiers.PHOTO_CODE.fullmatch(code):
            raise ApiError(422, "format_invalide", "Le code photo-signature compte 22 lettres ou chiffres.")
        problem = rules.check_photo_code(store.photo_code(code.upper()), utcnow())
        if problem is not None:
            raise ApiError(404 if problem.code == "code_inconnu" else 410, problem.code, problem.message)
        draw = images.photo_png if image == "photo.png" else images.signature_png
        return Response(draw(code.upper()), media_type="image/png")

    @app.get("/api/v1/formation/demo")
    def demo() -> dict:
        unused = store.demo_unused()
        return {
            "photo_codes": unused["photo_codes"],
            "timbres": [{"numero": t["numero"], "montant": t["montant_centimes"] / 100} for t in unused["timbres"]],
            **store.demo_extras(),
            "identites_franceconnect": fc_identities.test_identities(),
            "comptes": [{"email": seed.DEMO_ACCOUNT[0], "mot_de_passe": seed.DEMO_ACCOUNT[1]}],
            "coordination_test_ids": settings.coordination_test_ids,
        }

    @app.post("/api/v1/timbres", status_code=201, response_model=TimbreAchete, responses=refusals(402))
    def buy_timbre(achat: AchatTimbre) -> dict:
        return payments.sell_timbre(deps, achat.model_dump())

    @app.get("/api/v1/formation/mails")
    def outbox(destinataire: str | None = Query(None, max_length=254)) -> dict:
        return {"mails": store.mails(destinataire)}

    @app.post("/api/v1/formation/vehicules", status_code=201)
    def new_vehicle(body: NouveauVehicule) -> dict:
        return seed.make_vehicle(
            store,
            utcnow(),
            fni=body.ancien_numero,
            age_years=body.age_ans,
            nom=body.titulaire_nom,
            prenom=body.titulaire_prenom,
            puissance=body.puissance_fiscale,
        )

    @app.post("/api/v1/formation/nephs", status_code=201)
    def new_neph(body: NouveauNeph) -> dict:
        while True:
            neph = identifiers.new_neph()
            if store.neph(neph) is None:
                break
        store.add_neph(neph, body.nom, body.prenoms, body.date_naissance.isoformat(), body.categories)
        return {"neph": neph}

    @app.post("/api/v1/formation/pannes", status_code=201)
    def add_fault(panne: Panne) -> dict:
        faults.add(
            panne.statut, panne.delai_s, panne.nombre, panne.methode, panne.chemin, panne.mode, panne.probabilite
        )
        return {"actives": faults.pending()}

    @app.get("/api/v1/formation/pannes")
    def pending_faults() -> dict:
        return {"actives": faults.pending(), "pannes": faults.listing()}

    @app.delete("/api/v1/formation/pannes", status_code=204)
    def clear_faults() -> Response:
        faults.clear()
        return Response(status_code=204)
