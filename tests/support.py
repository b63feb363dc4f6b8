"""Helpers shared by the tests (fixtures are in conftest.py)."""
import random
import string


def make_canary(prefix: str = "") -> str:
    """A name made up for this run only: letters, so every validator takes it,
    and found in no file unless the kiosk wrote it there."""
    letters = "".join(random.choice(string.ascii_lowercase) for _ in range(12))
    return (prefix + letters).capitalize()


def fill_permis_perte_to_pieces(wizard, code_photo: str) -> None:
    """Answer the four first steps of "permis perdu" through the wizard (the
    touch path is covered by the whole-flow test)."""
    assert wizard.next({"motif": "perte"})
    assert wizard.next({"nom_naissance": "Durand", "sexe": "M", "prenom1": "Paul", "prenom2": "",
                        "date_naissance": "01/02/1970"})
    assert wizard.next({"numero_voie": "", "nom_voie": "rue Haute", "complement": "", "code_postal": "44000",
                        "commune": "Nantes", "email": "paul@exemple.fr", "mobile": ""})
    assert wizard.next({"code_photo": code_photo})
