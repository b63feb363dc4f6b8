"""CNI and passport pré-demandes (ANTS.md §3, SP F1341/F14929).

A pré-demande returns the 10-character number the mairie will read; its
status then lives in the coordination API (``routes_coordination``).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from . import identifiers as ids
from .procedures import Ctx, Plan, Procedure, check_motif
from .rules import Collector, age_on, check_adresse, check_attestation, check_contact, check_etat_civil, check_paiement
from .settings import MockSettings

MOTIFS = {
    "premiere": "Première demande",
    "renouvellement": "Renouvellement",
    "perte": "Perte",
    "vol": "Vol",
    "etat_civil": "Changement d'état civil",
}


class PreDemande(Procedure):
    famille = "identite"
    motifs = MOTIFS
    photo = False
    pieces_doc: dict[str, str] = {}
    champs_doc = {
        "motif": " | ".join(MOTIFS),
        "naissance": "{commune, pays} du lieu de naissance",
        "etat_civil": "comme pour le permis ; pas d'âge minimum",
    }
    apres_depot = (
        "Numéro de pré-demande de 10 caractères (numero) : prendre rendez-vous dans une mairie équipée, "
        "y apporter les pièces originales."
    )

    def check(self, c: Collector, dossier: dict, ctx: Ctx) -> Plan:
        plan = Plan(
            statut="validee",
            commentaire="Pré-demande enregistrée : prenez rendez-vous dans une mairie "
            "équipée d'un dispositif de recueil.",
        )
        plan.motif = check_motif(c, dossier, self.motifs) or ""
        born = check_etat_civil(c, dossier, ctx.today, min_age=0)
        naissance = c.section(dossier, "naissance", "lieu de naissance")
        if naissance is not None:
            c.text(naissance, "naissance", "commune", "commune de naissance", True)
            c.text(naissance, "naissance", "pays", "pays de naissance", True, 60)
        check_adresse(c, dossier)
        check_contact(c, dossier)
        plan.facts["age"] = age_on(born, ctx.today) if born else None
        if plan.motif and (born or self.id == "cni-predemande"):
            plan.fee = self.fee(ctx.settings, {"motif": plan.motif, "age": plan.facts["age"]})
        else:
            plan.fee = None
        if plan.fee is None or plan.fee > 0:
            plan.timbre = check_paiement(c, dossier, allow_deferred=False)
        check_attestation(c, dossier)
        return plan

    def numero(self, ctx: Ctx) -> str:
        return ids.new_predemande()

    def apply(self, db, dossier, numero, plan, ctx):
        expires = ctx.now + timedelta(days=ctx.settings.predemande_validity_days)
        ctx.store.add_predemande_tx(db, numero, "validated", ctx.now, expires)
        return {"numero_predemande": numero, "valable_jusquau": expires.date().isoformat()}


class CniPreDemande(PreDemande):
    id, titre = "cni-predemande", "Carte nationale d'identité : pré-demande"
    frais_doc = "timbre de 25 € (frais.cni_perte_vol) pour perte ou vol ; gratuit sinon"

    def fee(self, settings: MockSettings, facts: dict) -> Decimal:
        return settings.frais["cni_perte_vol"] if facts["motif"] in ("perte", "vol") else Decimal("0")


class PasseportPreDemande(PreDemande):
    id, titre = "passeport-predemande", "Passeport : pré-demande"
    frais_doc = "timbre de 86 € (majeur), 42 € (15 à 17 ans), 17 € (moins de 15 ans) : frais.passeport_*"

    def fee(self, settings: MockSettings, facts: dict) -> Decimal:
        age = facts.get("age")
        if age is None:
            return settings.frais["passeport_majeur"]
        if age < 15:
            return settings.frais["passeport_moins_15"]
        if age < 18:
            return settings.frais["passeport_15_17"]
        return settings.frais["passeport_majeur"]


PROCEDURES = [CniPreDemande(), PasseportPreDemande()]
