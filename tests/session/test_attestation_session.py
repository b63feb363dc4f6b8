"""Which procedures offer the attestation d'inscription (a flag of the procedure file), and
what the session says when it cannot print one."""

import pytest

from session import Catalogue, CatalogueError, SessionError, UserSession, load_procedure


def test_only_the_inscription_offers_the_attestation():
    offering = {p.id for p in Catalogue.load() if p.attestation_inscription}
    assert offering == {"permis-inscription"}


def test_the_flag_must_be_a_boolean(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'id = "x"\ngroup = "permis"\ntitle = "X"\nattestation_inscription = "oui"\n'
        '[[steps]]\nid = "fin"\ntitle = "Fin"\nkind = "confirmation"\n'
    )
    with pytest.raises(CatalogueError) as exc:
        load_procedure(bad)
    assert "attestation_inscription" in str(exc.value) and "'oui'" in str(exc.value)


class NoNetwork:
    """Fails the test if the session asks ANTS anything."""

    has_session = False

    def __getattr__(self, name):
        raise AssertionError(f"ANTS asked for {name}")


@pytest.mark.parametrize(
    "procedure_id, numero, a4, message",
    [
        ("permis-perte", "PC2026ABCDEFGH", object(), "Cette démarche ne donne pas d'attestation d'inscription."),
        ("permis-inscription", None, object(), "La demande n'est pas encore envoyée."),
        (
            "permis-inscription",
            "PC2026ABCDEFGH",
            None,
            "Il n'y a pas d'imprimante A4 sur cette borne. Demandez au médiateur.",
        ),
    ],
)
def test_what_is_said_when_there_is_nothing_to_print(workspace_root, procedure_id, numero, a4, message):
    session = UserSession(
        Catalogue.load()[procedure_id],
        workspace_root=workspace_root,
        client=NoNetwork(),
        scanner=None,
        printer=None,
        site_name="Essai",
        suivi_url="{numero}",
        a4=a4,
    )
    session.numero = numero
    try:
        with pytest.raises(SessionError) as exc:
            session.print_attestation()
        assert exc.value.message_fr == message
    finally:
        session.numero = None
        session.workspace.wipe()
