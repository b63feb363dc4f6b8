"""The session proposes what was read, never over what the user typed, and tells a name that differs."""

from __future__ import annotations

from documents import PageReading, Told
from session.prefill import NAME_DIFFERS, confirm, propose

IDENTITY = PageReading(kind="identite", fields={"nom_naissance": "SPECIMEN", "prenom1": "MARIE", "sexe": "F"})
BILL = PageReading(kind="domicile", fields={"code_postal": "63000", "commune": "CLERMONT-FERRAND"}, holder="SPECIMEN")
FIELDS = {"nom_naissance", "prenom1", "sexe", "code_postal", "commune"}


def test_what_was_read_is_proposed_where_the_procedure_has_a_field() -> None:
    proposal = propose([IDENTITY, BILL], FIELDS - {"sexe"}, typed={})
    assert proposal.values == {
        "nom_naissance": "SPECIMEN",
        "prenom1": "MARIE",
        "code_postal": "63000",
        "commune": "CLERMONT-FERRAND",
    }
    assert proposal.sources["commune"] == "domicile" and proposal.told == []


def test_a_typed_value_is_kept_and_a_refused_page_gives_nothing() -> None:
    refused = PageReading(kind="domicile", fields={"commune": "AILLEURS"}, refused=Told("too-old", {"date": "x"}))
    proposal = propose([IDENTITY, refused], FIELDS, typed={"prenom1": "Marie-Claire"})
    assert "prenom1" not in proposal.values and "commune" not in proposal.values


def test_a_bill_in_another_name_is_told() -> None:
    other = PageReading(kind="domicile", fields={"commune": "CLERMONT-FERRAND"}, holder="DUPONT")
    assert propose([IDENTITY, other], FIELDS, typed={}).told == [NAME_DIFFERS]


def test_the_user_confirms_or_corrects() -> None:
    values: dict[str, str] = {}
    proposal = propose([IDENTITY], FIELDS, typed={})
    confirm(proposal, values, corrected={"prenom1": "MARIE-CLAIRE"})
    assert values == {"nom_naissance": "SPECIMEN", "prenom1": "MARIE-CLAIRE", "sexe": "F"}
