"""The specimen documents (drivers/scanner/samples/specimens.py: the demo's
simulated scanner serves them too), under the name the reading tests import."""

from drivers.scanner.samples.specimens import *  # noqa: F403
from drivers.scanner.samples.specimens import _matrix, spoil  # noqa: F401
