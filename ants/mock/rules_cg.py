"""Certificat d'immatriculation procedures (ANTS.md §3; seed 001 annexe 1).

The mock sells every fee as a timbre électronique (``paiement.timbre``), also
for the carte grise, where ANTS takes a card payment: one payment path for
the kiosk to drive.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from . import identifiers as ids
from .procedures import Ctx, Plan, Procedure, check_motif
from .rules import (
    Collector,
    check_adresse,
    check_attestation,
    check_bool,
    check_contact,
    check_date,
    check_etat_civil,
    check_paiement,
)
from .settings import MockSettings

_PLATE_RULE = "L'immatriculation s'écrit AA-123-AA (ou, pour un ancien numéro, 123 ABC 75)."


def vehicle_age_years(vehicle: dict, today: date) -> int:
    first = date.fromisoformat(vehicle["date_premiere_immatriculation"])
    return today.year - first.year - ((today.month, today.day) < (first.month, first.day))


class CgProcedure(Procedure):
    famille = "carte-grise"
    photo = False
    #: What the vehicle section needs: numéro de formule, code confidentiel, declarant = titulaire.
    needs_formule = True
    needs_code = True
    declarant_is_titulaire = True

    def check(self, c: Collector, dossier: dict, ctx: Ctx) -> Plan:
        plan = Plan()
        if self.motifs:
            plan.motif = check_motif(c, dossier, self.motifs) or ""
        check_etat_civil(c, dossier, ctx.today)
        adresse = check_adresse(c, dossier)
        check_contact(c, dossier)
        vehicle = self.check_vehicle(c, dossier, ctx)
        plan.facts["vehicule"] = vehicle
        self.specific(c, dossier, ctx, plan, vehicle)
        known = vehicle is not None and adresse is not None and (plan.motif or not self.motifs)
        plan.fee = self.fee(ctx.settings, {"motif": plan.motif, "vehicule": vehicle}) if known else None
        if plan.fee is not None and plan.fee > 0:  # unknown vehicle: the fee is unknown, say only that
            plan.timbre = check_paiement(c, dossier)
        check_attestation(c, dossier)
        return plan

    def check_vehicle(self, c: Collector, dossier: dict, ctx: Ctx) -> dict | None:
        section = c.section(dossier, "vehicule", "véhicule")
        if section is None:
            return None
        plate = c.text(section, "vehicule", "immatriculation", "immatriculation", True, 20)
        if plate is None:
            return None
        kind = ids.plate_kind(plate.strip().upper())
        if kind is None:
            c.add("vehicule.immatriculation", "format_invalide", _PLATE_RULE)
            return None
        vehicle = ctx.store.vehicule(ids.plate_key(plate))
        formule = section.get("numero_formule")
        code = section.get("code_confidentiel")
        if self.needs_formule or formule not in (None, ""):
            if not isinstance(formule, str) or not ids.NUMERO_FORMULE.fullmatch(formule.strip().upper()):
                code_ = "champ_requis" if formule in (None, "") else "format_invalide"
                c.add(
                    "vehicule.numero_formule",
                    code_,
                    "Le numéro de formule figure sur la carte grise : 2 à 4 chiffres, 2 lettres, 5 chiffres "
                    "(ex. 2009AB12345).",
                )
                return None
        # FranceConnect stands in for the code confidentiel (SP F1707).
        code_needed = self.needs_code and kind == "siv" and ctx.session.get("type") != "franceconnect"
        if code_needed or code not in (None, ""):
            if not isinstance(code, str) or not ids.CODE_CONFIDENTIEL.fullmatch(code):
                c.add(
                    "vehicule.code_confidentiel",
                    "champ_requis" if code in (None, "") else "format_invalide",
                    "Le code confidentiel compte 5 chiffres ; il figure sur le courrier reçu avec la carte grise.",
                )
                return None
        if vehicle is None:
            c.add("vehicule.immatriculation", "vehicule_inconnu", "Aucun véhicule ne porte cette immatriculation.")
            return None
        if isinstance(formule, str) and formule and formule.strip().upper() != vehicle["numero_formule"]:
            c.add(
                "vehicule.numero_formule", "formule_incorrecte", "Ce numéro de formule ne correspond pas à ce véhicule."
            )
            return None
        if isinstance(code, str) and code and code != vehicle["code_confidentiel"]:
            c.add("vehicule.code_confidentiel", "code_incorrect", "Ce code confidentiel est incorrect.")
            return None
        etat = dossier.get("etat_civil")
        nom = etat.get("nom_naissance") if isinstance(etat, dict) else None
        if self.declarant_is_titulaire and isinstance(nom, str) and nom.strip().upper() != vehicle["titulaire_nom"]:
            c.add(
                "etat_civil.nom_naissance",
                "titulaire_different",
                "Vous n'êtes pas le titulaire de ce certificat d'immatriculation.",
            )
            return None
        return vehicle

    def specific(self, c: Collector, dossier: dict, ctx: Ctx, plan: Plan, vehicle: dict | None) -> None:
        pass

    def ct_needed(self, plan: Plan, vehicle: dict | None, today: date) -> None:
        if vehicle is not None and vehicle_age_years(vehicle, today) >= 4:
            plan.need("controle_technique")

    def fee(self, settings: MockSettings, facts: dict) -> Decimal:
        return Decimal("0")


class Cession(CgProcedure):
    id, titre = "cg-cession", "Déclaration de cession d'un véhicule"
    champs_doc = {
        "vehicule.immatriculation": "AA-123-AA ou ancien format FNI",
        "vehicule.numero_formule": "obligatoire (2009AB12345)",
        "vehicule.code_confidentiel": "5 chiffres, obligatoire sauf connexion FranceConnect (plaque SIV)",
        "date_cession": "AAAA-MM-JJ, il y a 15 jours au plus",
        "acquereur": "{nom, prenom} ou {raison_sociale}",
        "kilometrage": "entier, facultatif",
    }
    pieces_doc = {
        "certificat_cession": "toujours (cerfa 15776, exemplaire n° 2)",
        "certificat_situation": "toujours (moins de 15 jours)",
        "carte_grise": "toujours (barrée « Vendu le … », signée)",
        "controle_technique": "véhicule de plus de 4 ans (moins de 6 mois)",
    }
    apres_depot = "Un code de cession est remis (delivre.code_cession) : le donner à l'acquéreur."

    def specific(self, c, dossier, ctx, plan, vehicle):
        if vehicle is not None and vehicle["cede_le"]:
            c.add("vehicule.immatriculation", "vehicule_deja_cede", "La cession de ce véhicule est déjà déclarée.")
        sold = check_date(c, dossier, "", "date_cession", "date de la cession", ctx.today)
        if sold and (ctx.today - sold).days > ctx.settings.cession_validity_days:
            c.add(
                "date_cession",
                "delai_depasse",
                f"La cession se déclare dans les {ctx.settings.cession_validity_days} jours qui la suivent.",
            )
        buyer = c.section(dossier, "acquereur", "acquéreur")
        if buyer is not None:
            has_company = isinstance(buyer.get("raison_sociale"), str) and buyer["raison_sociale"].strip()
            c.text(buyer, "acquereur", "raison_sociale", "raison sociale", False)
            c.text(buyer, "acquereur", "nom", "nom de l'acquéreur", not has_company)
            c.text(buyer, "acquereur", "prenom", "prénom de l'acquéreur", False)
        km = dossier.get("kilometrage")
        if km is not None and (isinstance(km, bool) or not isinstance(km, int) or not 0 <= km <= 5_000_000):
            c.add("kilometrage", "type_invalide", "Le kilométrage est un nombre entier de kilomètres.")
        plan.need("certificat_cession", "certificat_situation", "carte_grise")
        self.ct_needed(plan, vehicle, ctx.today)
        plan.facts["date_cession"] = sold
        plan.statut = "validee"
        plan.commentaire = "Déclaration de cession enregistrée ; code de cession remis au vendeur."

    def apply(self, db, dossier, numero, plan, ctx):
        sold = plan.facts["date_cession"]
        expires = sold + timedelta(days=ctx.settings.cession_validity_days)
        code = ctx.store.add_cession_tx(db, plan.facts["vehicule"], numero, sold, expires, ctx)
        return {"code_cession": code, "valable_jusquau": expires.isoformat()}


class ChangementTitulaire(CgProcedure):
    id, titre = "cg-changement-titulaire", "Changement de titulaire (achat d'un véhicule d'occasion)"
    needs_formule = False
    needs_code = False
    declarant_is_titulaire = False
    champs_doc = {
        "vehicule.immatriculation": "obligatoire",
        "code_cession": "remis par le vendeur, valable 15 jours",
        "mandataire": "true si la démarche est faite pour autrui",
        "session": "FranceConnect obligatoire",
    }
    pieces_doc = {
        "identite": "toujours",
        "domicile": "toujours (moins de 6 mois)",
        "carte_grise": "toujours (barrée, signée par chaque titulaire)",
        "attestation_assurance": "toujours",
        "controle_technique": "véhicule de plus de 4 ans",
        "mandat": "si mandataire",
    }
    frais_doc = (
        "puissance fiscale × frais.cg_cheval_fiscal + frais.cg_taxe_fixe + frais.cg_acheminement "
        "(UNCONFIRMED, variable selon la région)"
    )
    apres_depot = "Un certificat provisoire (CPI) valable 1 mois est délivré (delivre.cpi_valable_jusquau)."

    def specific(self, c, dossier, ctx, plan, vehicle):
        if ctx.settings.titulaire_requires_franceconnect and ctx.session.get("type") != "franceconnect":
            c.add("session", "franceconnect_requis", "Le changement de titulaire se fait connecté avec FranceConnect.")
        code = c.text(dossier, "", "code_cession", "code de cession", True, 40)
        if code is not None and vehicle is not None:
            row = ctx.store.cession(ids.plate_key(vehicle["immatriculation"]), code.strip().upper())
            if row is None:
                c.add("code_cession", "code_cession_invalide", "Ce code de cession ne correspond pas à ce véhicule.")
            elif row["utilise_le"]:
                c.add("code_cession", "code_cession_deja_utilise", "Ce code de cession a déjà servi.")
            elif date.fromisoformat(row["expire_le"]) < ctx.today:
                c.add(
                    "code_cession",
                    "code_cession_expire",
                    "Ce code de cession a plus de 15 jours : le vendeur doit refaire la déclaration.",
                )
            else:
                plan.facts["cession"] = row
        mandataire = check_bool(c, dossier, "", "mandataire", "mandataire", default=False)
        plan.need("identite", "domicile", "carte_grise", "attestation_assurance")
        self.ct_needed(plan, vehicle, ctx.today)
        if mandataire:
            plan.need("mandat")

    def fee(self, settings, facts):
        f = settings.frais
        return facts["vehicule"]["puissance_fiscale"] * f["cg_cheval_fiscal"] + f["cg_taxe_fixe"] + f["cg_acheminement"]

    def apply(self, db, dossier, numero, plan, ctx):
        ctx.store.change_titulaire_tx(db, plan.facts["vehicule"], plan.facts["cession"], dossier, numero, ctx)
        cpi = (ctx.now + timedelta(days=30)).date().isoformat()
        return {"cpi_valable_jusquau": cpi, "immatriculation": plan.facts["vehicule"]["immatriculation"]}


class ChangementAdresse(CgProcedure):
    id, titre = "cg-changement-adresse", "Changement d'adresse sur la carte grise"
    needs_formule = False
    champs_doc = {
        "vehicule.immatriculation": "obligatoire",
        "vehicule.code_confidentiel": "5 chiffres (plaque SIV, sauf FranceConnect)",
        "adresse": "la nouvelle adresse",
        "date_demenagement": "facultatif ; la démarche est due dans le mois",
    }
    pieces_doc = {"domicile": "toujours (moins de 6 mois)"}
    frais_doc = (
        "gratuit (étiquette) pour une plaque SIV ; frais.cg_acheminement (2,76 €) et nouveau numéro "
        "pour un ancien numéro FNI"
    )
    apres_depot = (
        "Plaque SIV : étiquette envoyée. Ancien numéro FNI : nouveau numéro SIV (delivre.nouvelle_immatriculation)."
    )

    def specific(self, c, dossier, ctx, plan, vehicle):
        check_date(c, dossier, "", "date_demenagement", "date du déménagement", ctx.today, required=False)
        plan.need("domicile")

    def fee(self, settings, facts):
        if ids.plate_kind(facts["vehicule"]["immatriculation"]) == "fni":
            return settings.frais["cg_acheminement"]
        return Decimal("0")

    def apply(self, db, dossier, numero, plan, ctx):
        new_plate = ctx.store.change_adresse_tx(db, plan.facts["vehicule"], dossier["adresse"])
        if new_plate:
            return {"nouvelle_immatriculation": new_plate}
        return {"etiquette": "envoyée par courrier à la nouvelle adresse"}


class DuplicataCg(CgProcedure):
    id, titre = "cg-duplicata", "Duplicata de carte grise (perte, vol, détérioration)"
    motifs = {"perte": "Perte", "vol": "Vol", "deterioration": "Détérioration"}
    needs_formule = False
    champs_doc = {
        "motif": "perte | vol | deterioration",
        "vehicule.immatriculation": "obligatoire",
        "vehicule.code_confidentiel": "5 chiffres (plaque SIV, sauf FranceConnect)",
    }
    pieces_doc = {
        "identite": "toujours",
        "recepisse_vol": "motif vol (déclaration en police d'abord)",
        "carte_grise": "motif détérioration (la carte abîmée)",
    }
    frais_doc = "frais.cg_taxe_fixe + frais.cg_acheminement (13,76 € par défaut, UNCONFIRMED)"

    def specific(self, c, dossier, ctx, plan, vehicle):
        plan.need("identite")
        if plan.motif == "vol":
            plan.need("recepisse_vol")
        if plan.motif == "deterioration":
            plan.need("carte_grise")

    def fee(self, settings, facts):
        return settings.frais["cg_taxe_fixe"] + settings.frais["cg_acheminement"]


PROCEDURES = [Cession(), ChangementTitulaire(), ChangementAdresse(), DuplicataCg()]
