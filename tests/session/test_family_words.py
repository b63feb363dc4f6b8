"""Each family of procedures speaks of its own document: over every procedure
of the catalogue, the attestation and its message, the sentence saying how the
document arrives and the address the récépissé's QR code points to are its
family's (session/families.toml), never another family's."""

from __future__ import annotations

import re

import pytest

from session.catalogue import Catalogue
from session.families import family_of

CATALOGUE = Catalogue.load()

#: Words that name each family's document.
DOCUMENT = {
    "permis": re.compile(r"\bpermis\b", re.I),
    "carte-grise": re.compile(r"carte grise|immatriculation|véhicule", re.I),
    "identite": re.compile(r"carte d'identité|carte nationale|passeport", re.I),
}
HOST = {
    "permis": "permisdeconduire.ants.gouv.fr",
    "carte-grise": "immatriculation.ants.gouv.fr",
    "identite": "passeport.ants.gouv.fr",
    "suivi": "ants.gouv.fr",
}


def others(group: str):
    return [(g, words) for g, words in DOCUMENT.items() if g != group]


@pytest.mark.parametrize("procedure", list(CATALOGUE), ids=lambda p: p.id)
def test_each_procedure_says_its_own_familys_words(procedure):
    family = family_of(procedure.group)
    assert family.suivi_url.startswith(f"https://{HOST[procedure.group]}/") and "{numero}" in family.suivi_url
    if procedure.group in DOCUMENT:
        assert DOCUMENT[procedure.group].search(family.delivery), family.delivery
    for group, words in others(procedure.group):
        assert not words.search(family.delivery), (procedure.id, group, family.delivery)
    for step in procedure.steps:
        if step.kind != "recap":
            continue
        [attestation] = [f for f in step.fields if f.kind == "accept"]
        for text in (attestation.label, attestation.options.get("message", "")):
            assert text, (procedure.id, "an attestation with no sentence")
            for group, words in others(procedure.group):
                assert not words.search(text), (procedure.id, group, text)
        # The message says what to do with this box, not that "a field" is required.
        assert "J'atteste" in attestation.options["message"] and "obligatoire" not in attestation.options["message"]


def test_the_receipt_points_to_the_familys_follow_up_unless_the_site_sets_one(make_session_for):
    assert make_session_for("cg-changement-adresse").suivi_url.startswith("https://immatriculation.ants.gouv.fr/")
    assert make_session_for("permis-perte").suivi_url.startswith("https://permisdeconduire.ants.gouv.fr/")
    assert make_session_for("cni-predemande").suivi_url.startswith("https://passeport.ants.gouv.fr/")
    site = make_session_for("cg-changement-adresse", suivi_url="https://exemple.fr/{numero}")
    assert site.suivi_url == "https://exemple.fr/{numero}"


@pytest.fixture
def make_session_for(workspace_root, tmp_path):
    from config import load_settings
    from config.factories import build_services

    made = []

    def make(procedure_id: str, suivi_url: str = ""):
        services = build_services(
            load_settings(
                overrides={
                    "workspace": {"root": str(workspace_root)},
                    "stats": {"path": str(tmp_path / f"stats-{len(made)}.db")},
                    "ants": {"suivi_url": suivi_url},
                }
            )
        )
        made.append(services)
        return services.new_session(procedure_id)

    yield make
    for services in made:
        services.close()
