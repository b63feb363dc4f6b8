"""The kiosk's controller stays thin: the flow of one user is the session's
(session/flow.py), the controller shows its state and forwards intents. No
rule by step kind or step id may come back into it, and it stays short."""

import ast
import re
from pathlib import Path

from session.catalogue import STEP_KINDS

CONTROLLER = Path(__file__).resolve().parents[2] / "kiosk" / "controller.py"
KINDS = set(STEP_KINDS) | {"form", "pieces", "suivi", "complement", "connexion", "recap", "confirmation", "guidance"}


def test_the_controller_is_under_250_lines():
    lines = CONTROLLER.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, f"kiosk/controller.py has {len(lines)} lines: move what is not wiring out of it"


def test_the_controller_names_no_step_kind():
    text = CONTROLLER.read_text(encoding="utf-8")
    quoted = sorted({m.group(2) for m in re.finditer(r"""(["'])([a-z_]+)\1""", text) if m.group(2) in KINDS})
    constants = sorted(
        {
            node.value
            for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and (node.value in KINDS or node.value.strip("\"'") in KINDS)
        }
    )
    assert quoted == [] and constants == [], "a rule by step kind belongs to session/flow.py"


def test_the_controller_reads_no_step_kind_nor_step_id():
    text = CONTROLLER.read_text(encoding="utf-8")
    tree = ast.parse(text)
    attributes = sorted({node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)})
    assert ".kind" not in text and "kind" not in attributes
    assert "step" not in attributes, "the step a person is on is the flow's business (FlowState.stage)"
