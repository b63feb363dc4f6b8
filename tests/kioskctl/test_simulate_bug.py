"""kioskctl simulate with a driver that has a bug (a TypeError while the
récépissé prints): the run fails and says it is a bug, with its traceback,
not a device's fault; the demande filed before keeps its numéro in view."""

import pytest

from buggy_drivers import BUG, receipt_printer_with_a_bug
from kioskctl.simulate import SimulationError, simulate


def test_a_bug_in_a_driver_is_reported_as_a_bug(services):
    kept = services.printer
    services.printer = receipt_printer_with_a_bug()
    try:
        with pytest.raises(SimulationError) as info:
            simulate(services, "permis-perte")
    finally:
        services.printer = kept
    numero = info.value.numero
    said = str(info.value)
    assert numero and said.startswith(
        f"demande {numero} déposée, puis : bogue du logiciel, pas une panne "
        "d'appareil : TypeError\nTraceback (most recent call last):\n"
    )
    assert 'buggy_drivers.py", line' in said and said.endswith(f"TypeError: {BUG}")
    assert "Appelez le médiateur" not in said and "ne répond pas" not in said
