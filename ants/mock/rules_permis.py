"""Permis de conduire procedures (ANTS.md §1; seed 001 annexe 2; seed 003)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from . import identifiers as ids
from .procedures import Ctx, Plan, Procedure, check_motif
from .rules import (
    Collector,
    age_on,
    check_adresse,
    check_attestation,
    check_bool,
    check_choice,
    check_contact,
    check_date,
    check_etat_civil,
    check_paiement,
    check_pattern,
    check_photo,
)
from .settings import MockSettings

HEAVY = {"C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE"}
CATEGORIES = {"AM", "A1", "A2", "A", "B1", "B", "BE"} | HEAVY
EU = {
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
    "IS",
    "LI",
    "NO",
    "CH",
    "MC",
}
_ISO2 = re.compile(r"[A-Z]{2}")


def check_categories(c: Collector, dossier: dict, required: bool = True, name: str = "categories") -> set[str]:
    value = dossier.get(name)
    if value in (None, []):
        if required:
            c.add(name, "champ_requis", "Indiquez au moins une catégorie de permis.")
        return set()
    if not isinstance(value, list) or len(value) > 15 or not all(isinstance(v, str) for v in value):
        c.add(name, "type_invalide", 'Les catégories sont une liste, par exemple ["B"].')
        return set()
    unknown = [v for v in value if v not in CATEGORIES]
    if unknown:
        c.add(name, "categorie_inconnue", f"Catégorie inconnue : {', '.join(unknown[:3])}.")
        return set()
    return set(value)


def check_neph(c: Collector, dossier: dict, ctx: Ctx, required: bool, match_name: bool = True) -> str | None:
    """A NEPH the mock knows, belonging to the person of the dossier."""
    value = dossier.get("neph")
    if value in (None, ""):
        if required:
            c.add("neph", "champ_requis", "Le numéro NEPH (12 chiffres) est obligatoire pour cette démarche.")
        return None
    if not isinstance(value, str) or not ids.NEPH.fullmatch(value):
        c.add("neph", "format_invalide", "Le numéro NEPH compte 12 chiffres.")
        return None
    row = ctx.store.neph(value)
    if row is None:
        c.add("neph", "neph_inconnu", "Ce numéro NEPH est inconnu. Vérifiez-le sur votre convocation ou votre permis.")
        return None
    etat = dossier.get("etat_civil")
    nom = etat.get("nom_naissance") if isinstance(etat, dict) else None
    if match_name and isinstance(nom, str) and nom.strip() and nom.strip().upper() != row["nom"].upper():
        c.add("neph", "neph_incoherent", "Ce numéro NEPH appartient à une autre personne.")
        return None
    return value


class PermisProcedure(Procedure):
    famille = "permis"
    neph = "optionnel"  # "requis", "optionnel" or "aucun"
    neph_same_name = True
    min_age = 15

    def check(self, c: Collector, dossier: dict, ctx: Ctx) -> Plan:
        plan = Plan()
        if self.motifs:
            plan.motif = check_motif(c, dossier, self.motifs) or ""
        born = check_etat_civil(c, dossier, ctx.today, self.min_age)
        adresse = check_adresse(c, dossier)
        check_contact(c, dossier)
        if self.photo:
            plan.photo = check_photo(c, dossier)
        plan.need("identite", "domicile")
        if self.neph != "aucun":
            plan.facts["neph"] = check_neph(c, dossier, ctx, self.neph == "requis", self.neph_same_name)
        plan.facts["age"] = age_on(born, ctx.today) if born else None
        self.specific(c, dossier, ctx, plan)
        if adresse is not None and (plan.motif or not self.motifs):
            plan.facts["code_postal"] = adresse["code_postal"]
            plan.fee = self.fee(ctx.settings, {"motif": plan.motif, **plan.facts})
        else:
            plan.fee = None
        if plan.fee is None or plan.fee > 0:
            plan.timbre = check_paiement(c, dossier)
        check_attestation(c, dossier)
        return plan

    def specific(self, c: Collector, dossier: dict, ctx: Ctx, plan: Plan) -> None:
        pass

    def fee(self, settings: MockSettings, facts: dict) -> Decimal:
        return Decimal("0")


class Inscription(PermisProcedure):
    id, titre = "permis-inscription", "Inscription au permis de conduire (NEPH)"
    neph = "aucun"
    champs_doc = {
        "categorie": "catégorie visée (AM, A1, A2, A, B1, B, BE, C1, C1E, C, CE, D1, D1E, D, DE)",
        "premiere_categorie": "true pour un primo-accédant (le NEPH est attribué), false pour une extension",
        "neph": "obligatoire pour une extension de catégorie (12 chiffres)",
        "nationalite_francaise": "true/false",
        "aac": "apprentissage anticipé (dès 15 ans), true/false",
    }
    pieces_doc = {
        "identite": "toujours",
        "domicile": "toujours",
        "assr": "si moins de 21 ans et première catégorie",
        "jdc": "si français de 17 à 24 ans",
        "titre_sejour": "si pas de nationalité française",
        "avis_medical": "pour les catégories C et D (C1, C1E, C, CE, D1, D1E, D, DE)",
    }
    apres_depot = (
        "Un NEPH est attribué (champ delivre.neph) ; il sert pour l'examen puis toute la vie. "
        "Dès l'instruction, l'attestation d'inscription (équivalent Cerfa réf. 02) est produite : "
        "GET /api/v1/demandes/{numero}/attestation-inscription, à imprimer recto-verso."
    )

    def specific(self, c, dossier, ctx, plan):
        categorie = check_choice(c, dossier, "", "categorie", CATEGORIES, "catégorie")
        premiere = check_bool(c, dossier, "", "premiere_categorie", "première catégorie")
        francais = check_bool(c, dossier, "", "nationalite_francaise", "nationalité française")
        aac = check_bool(c, dossier, "", "aac", "apprentissage anticipé", default=False)
        age = plan.facts["age"]
        if age is not None and age < 16 and not aac:
            c.add(
                "etat_civil.date_naissance",
                "age_insuffisant",
                "Il faut avoir 16 ans, ou 15 ans en apprentissage anticipé de la conduite.",
            )
        if premiere is False:
            plan.facts["neph"] = check_neph(c, dossier, ctx, required=True)
        if premiere and age is not None and age < 21:
            plan.need("assr")
        if francais and age is not None and 17 <= age < 25:
            plan.need("jdc")
        if francais is False:
            plan.need("titre_sejour")
        if categorie in HEAVY:
            plan.need("avis_medical")
        plan.facts.update(categorie=categorie, premiere=premiere)
        plan.commentaire = "Inscription transmise au service instructeur."

    def apply(self, db, dossier, numero, plan, ctx):
        if plan.facts.get("premiere"):
            neph = ctx.store.add_neph_tx(db, dossier, [], ctx.now)
            return {"neph": neph}
        return {"neph": plan.facts.get("neph")}


class Examen(PermisProcedure):
    id, titre = "permis-examen", "Titre après réussite à l'examen"
    neph = "requis"
    champs_doc = {
        "neph": "obligatoire",
        "categorie": "catégorie obtenue",
        "date_examen": "date de réussite (AAAA-MM-JJ), il y a moins de 4 mois (validité du CEPC)",
    }
    pieces_doc = {"identite": "toujours", "domicile": "toujours", "cepc": "toujours"}

    def specific(self, c, dossier, ctx, plan):
        check_choice(c, dossier, "", "categorie", CATEGORIES, "catégorie")
        passed = check_date(c, dossier, "", "date_examen", "date de l'examen", ctx.today)
        if passed and (ctx.today - passed).days > ctx.settings.piece_max_age_days.get("cepc", 122):
            c.add(
                "date_examen",
                "cepc_expire",
                "Le CEPC n'est valable que 4 mois après l'examen : il faut repasser par l'auto-école.",
            )
        plan.need("cepc")


class Duplicata(PermisProcedure):
    id, titre = "permis-perte", "Perte, vol ou détérioration du permis"
    motifs = {"perte": "Perte du titre", "vol": "Vol du titre", "deterioration": "Détérioration du titre"}
    champs_doc = {
        "motif": "perte | vol | deterioration",
        "neph": "facultatif (12 chiffres)",
        "categories": "facultatif ; avec C ou D, l'avis médical est accepté (sinon duplicata à validité inchangée)",
    }
    pieces_doc = {
        "identite": "toujours",
        "domicile": "toujours",
        "recepisse_vol": "motif vol (la déclaration de vol se fait d'abord en police ou gendarmerie)",
        "avis_medical": "facultatif, pour les catégories C et D",
    }
    frais_doc = "timbre fiscal de 25 € (12,50 € en Guyane, codes postaux 973xx)"
    apres_depot = "Motif perte : une attestation de perte est téléchargeable, valable 2 mois."

    def specific(self, c, dossier, ctx, plan):
        check_categories(c, dossier, required=False)
        if plan.motif == "vol":
            plan.need("recepisse_vol", required=ctx.settings.vol_requires_recepisse)
        plan.need("avis_medical", required=False)

    def fee(self, settings, facts):
        return settings.amount_for(facts["motif"], facts["code_postal"])


class FinValidite(PermisProcedure):
    id, titre = "permis-fin-validite", "Fin de validité (avis médical)"
    neph = "requis"
    champs_doc = {"neph": "obligatoire", "categories": "catégories à renouveler"}
    pieces_doc = {"identite": "toujours", "domicile": "toujours", "avis_medical": "toujours"}
    frais_doc = "réglage frais.permis_fin_validite (0 € par défaut, UNCONFIRMED)"

    def specific(self, c, dossier, ctx, plan):
        check_categories(c, dossier)
        plan.need("avis_medical")

    def fee(self, settings, facts):
        return settings.frais.get("permis_fin_validite", Decimal("0"))


class EtatCivil(PermisProcedure):
    id, titre = "permis-etat-civil", "Changement d'état civil"
    neph = "requis"
    neph_same_name = False  # the name is what changes
    NATURES = {"nom": "changement de nom", "prenom": "changement de prénom", "divorce": "divorce", "mariage": "mariage"}
    champs_doc = {
        "neph": "obligatoire",
        "nature": "nom | prenom | divorce (mariage refusé : seul le nom de naissance figure sur le permis)",
        "ancien_nom": "nom figurant sur le permis actuel",
    }
    pieces_doc = {"identite": "toujours", "domicile": "toujours", "justificatif_etat_civil": "toujours"}

    def specific(self, c, dossier, ctx, plan):
        nature = check_choice(c, dossier, "", "nature", self.NATURES, "nature du changement")
        if nature == "mariage":
            c.add(
                "nature", "demarche_inutile", "Un mariage ne change pas le permis : seul le nom de naissance y figure."
            )
        c.text(dossier, "", "ancien_nom", "ancien nom", nature in ("nom", "divorce"))
        plan.need("justificatif_etat_civil")


class Militaire(PermisProcedure):
    id, titre = "permis-militaire", "Conversion d'un brevet militaire"
    neph = "aucun"
    champs_doc = {"categories": "catégories du brevet"}
    pieces_doc = {
        "identite": "toujours",
        "domicile": "toujours (moins de 6 mois)",
        "volet_conversion": "toujours",
        "avis_medical": "catégories C et D",
        "attestation_formation": "catégories C et D, si moins de 21 ans",
    }

    def specific(self, c, dossier, ctx, plan):
        categories = check_categories(c, dossier)
        plan.need("volet_conversion")
        if categories & HEAVY:
            plan.need("avis_medical")
            if plan.facts["age"] is not None and plan.facts["age"] < 21:
                plan.need("attestation_formation")


class DiplomePro(PermisProcedure):
    id, titre = "permis-diplome-pro", "Validation d'un diplôme professionnel"
    neph = "optionnel"
    champs_doc = {"categories": "catégories du diplôme", "intitule_diplome": "intitulé (100 caractères au plus)"}
    pieces_doc = {
        "identite": "toujours",
        "domicile": "toujours",
        "diplome_pro": "toujours",
        "avis_medical": "catégories C et D",
    }
    frais_doc = "gratuit (liste des pièces UNCONFIRMED)"

    def specific(self, c, dossier, ctx, plan):
        categories = check_categories(c, dossier)
        c.text(dossier, "", "intitule_diplome", "intitulé du diplôme", True)
        plan.need("diplome_pro")
        if categories & HEAVY:
            plan.need("avis_medical")


class Retour(PermisProcedure):
    id, titre = "permis-retour", "Titre après annulation, invalidation ou suspension"
    neph = "requis"
    motifs = {
        "annulation": "Annulation judiciaire",
        "invalidation": "Invalidation (solde de points nul, 48SI)",
        "suspension": "Suspension",
    }
    champs_doc = {
        "motif": "annulation | invalidation | suspension",
        "neph": "obligatoire",
        "date_decision": "date de la décision (invalidation : 6 mois d'attente)",
        "date_fin_suspension": "suspension : date de fin, passée",
        "date_examen": "annulation, invalidation : examen réussi il y a moins de 4 mois",
    }
    pieces_doc = {
        "identite": "toujours",
        "domicile": "toujours",
        "avis_medical": "toujours",
        "decision": "toujours",
        "cepc": "annulation et invalidation (examen repassé)",
    }

    def specific(self, c, dossier, ctx, plan):
        plan.need("avis_medical", "decision")
        decided = check_date(c, dossier, "", "date_decision", "date de la décision", ctx.today)
        if plan.motif == "suspension":
            end = check_date(c, dossier, "", "date_fin_suspension", "fin de la suspension", ctx.today, past=False)
            if end and end > ctx.today:
                c.add("date_fin_suspension", "suspension_en_cours", "La suspension n'est pas terminée.")
        elif plan.motif in ("annulation", "invalidation"):
            plan.need("cepc")
            if plan.motif == "invalidation" and decided and ctx.today < decided + timedelta(days=183):
                c.add(
                    "date_decision",
                    "delai_non_ecoule",
                    "Après une invalidation, il faut attendre 6 mois avant de redemander le permis.",
                )
            passed = check_date(c, dossier, "", "date_examen", "date de l'examen", ctx.today)
            if passed and decided and passed < decided:
                c.add("date_examen", "examen_anterieur", "L'examen doit avoir été repassé après la décision.")


class Echange(PermisProcedure):
    id, titre = "permis-echange", "Échange d'un permis étranger"
    neph = "aucun"
    champs_doc = {
        "pays_delivrance": "code pays ISO à 2 lettres",
        "nationalite_ue": "true/false",
        "permis_en_francais": "true si le permis est rédigé en français (pas de traduction)",
        "categories": "catégories du permis étranger",
    }
    pieces_doc = {
        "identite": "toujours",
        "domicile": "toujours (moins de 6 mois)",
        "permis_etranger": "toujours",
        "traduction_permis": "si le permis n'est pas en français",
        "attestation_droits": "toujours (moins de 3 mois)",
        "traduction_attestation": "si le permis n'est pas en français",
        "titre_sejour": "si pas ressortissant UE/EEE/Suisse/Monaco",
        "avis_medical": "catégories C et D",
    }
    apres_depot = "Envoyer ensuite les originaux en recommandé au CERT EPE-PCI de Nantes (delivre.envoi_originaux)."

    def specific(self, c, dossier, ctx, plan):
        pays = check_pattern(
            c,
            dossier,
            "",
            "pays_delivrance",
            "pays de délivrance",
            _ISO2,
            "Le pays s'écrit avec son code à 2 lettres (ex. MA, SN).",
            upper=True,
        )
        if pays == "FR":
            c.add("pays_delivrance", "valeur_invalide", "Un permis français ne s'échange pas.")
        ue = check_bool(c, dossier, "", "nationalite_ue", "ressortissant UE/EEE")
        francais = check_bool(c, dossier, "", "permis_en_francais", "permis rédigé en français", default=False)
        categories = check_categories(c, dossier)
        plan.need("permis_etranger", "attestation_droits")
        if francais is False:
            plan.need("traduction_permis", "traduction_attestation")
        if ue is False:
            plan.need("titre_sejour")
        if categories & HEAVY:
            plan.need("avis_medical")
        plan.commentaire = (
            "Demande enregistrée ; en attente des originaux envoyés par courrier recommandé au CERT de Nantes."
        )

    def apply(self, db, dossier, numero, plan, ctx):
        return {
            "envoi_originaux": {
                "destinataire": "Préfecture de la Loire-Atlantique, CERT EPE-PCI",
                "adresse": "6 quai Ceineray, BP 33515, 44035 Nantes Cedex 1",
                "mode": "lettre recommandée",
                "reference": numero,
            }
        }


class International(PermisProcedure):
    id, titre = "permis-international", "Permis international (pré-demande)"
    neph = "optionnel"
    photo = False
    champs_doc = {"neph": "facultatif"}
    pieces_doc = {"identite": "toujours", "domicile": "toujours"}
    apres_depot = (
        "Poster sous 2 mois l'attestation de dépôt, une photo de moins de 6 mois et une enveloppe "
        "(delivre.envoi_avant), sinon la demande est rejetée automatiquement."
    )

    def specific(self, c, dossier, ctx, plan):
        plan.commentaire = "Pré-demande enregistrée ; en attente du courrier (attestation de dépôt, photo, enveloppe)."

    def apply(self, db, dossier, numero, plan, ctx):
        limit = ctx.now + timedelta(days=ctx.settings.international_post_days)
        return {"envoi_avant": limit.date().isoformat(), "attestation_depot": numero}


PROCEDURES = [
    Inscription(),
    Examen(),
    Duplicata(),
    FinValidite(),
    EtatCivil(),
    Militaire(),
    DiplomePro(),
    Retour(),
    Echange(),
    International(),
]
