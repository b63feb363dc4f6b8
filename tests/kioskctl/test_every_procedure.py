"""Every procedure of the catalogue, and every scripted variant of it (each
motif, each condition), run headless against the mock ANTS backend: the
simulated scanner at low resolution, the capture printers."""

import pytest

from kioskctl.simulate import SimulationError, load_scripts, simulate
from session import Catalogue

SCRIPTS = load_scripts()
CASES = [(procedure, v.name) for procedure, variants in SCRIPTS.items() for v in variants]


def test_every_procedure_has_scripted_variants():
    assert sorted(SCRIPTS) == sorted(p.id for p in Catalogue.load())


@pytest.mark.parametrize("procedure, variant", CASES, ids=[f"{p}/{v}" for p, v in CASES])
def test_procedure_variant_completes_against_the_mock(services, procedure, variant):
    index = CASES.index((procedure, variant)) + 100
    result = simulate(services, procedure, index=index, variant=variant)
    assert result.wipe_clean
    assert result.variant == variant
    if result.numero:
        assert result.receipt_printed
    if result.guidance is not None:
        assert result.guidance_printed == "a4"
    assert list(services.settings.workspace_root().iterdir()) == []


def test_a_wrong_script_is_refused_before_anything_runs(services):
    with pytest.raises(SimulationError, match="variante inconnue"):
        simulate(services, "permis-perte", variant="incendie")
