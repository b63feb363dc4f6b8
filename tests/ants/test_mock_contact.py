"""The mock's contact rule over HTTP: an e-mail or a mobile is enough (seed 004:
"adresse électronique et/ou numéro de téléphone portable"); neither only when
the dossier says the person has neither (``aucun: true``)."""

from __future__ import annotations

import pytest

from ants_builders import erreurs_of


def submitted(ants, contact: dict):
    dossier = ants.dossier()
    dossier["contact"] = contact  # the whole section, not merged into the builder's
    return ants.submit(dossier)


@pytest.mark.parametrize(
    "contact",
    [
        {"email": "marie@example.org"},
        {"mobile": "0612345678"},
        {"email": "marie@example.org", "mobile": "0612345678", "aucun": False},
        {"email": "", "mobile": "0712345678", "aucun": False},
        {"aucun": True},
        {"email": "", "mobile": "", "aucun": True},
    ],
)
def test_an_email_or_a_mobile_is_enough(ants, contact):
    response = submitted(ants, contact)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("contact", [{}, {"email": "", "mobile": ""}, {"aucun": False}])
def test_neither_without_saying_so_is_refused(ants, contact):
    response = submitted(ants, contact)
    assert response.status_code == 422
    assert erreurs_of(response) == [("contact", "champ_requis")]
    detail = response.json()["detail"]["erreurs"][0]
    assert detail["message"] == "Donnez une adresse électronique ou un numéro de portable (ou « aucun » : true)."


def test_aucun_is_a_boolean_and_the_formats_still_hold(ants):
    response = submitted(ants, {"aucun": "oui", "mobile": "0512345678"})
    assert response.status_code == 422
    assert erreurs_of(response) == [("contact.aucun", "type_invalide"), ("contact.mobile", "format_invalide")]
