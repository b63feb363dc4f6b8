"""Checks of this project's own for schemathesis runs against the mock (loaded by
``hooks = "contract_hooks"`` in the run's schemathesis.toml)."""

from __future__ import annotations

import schemathesis


@schemathesis.check
def valid_data_is_never_called_malformed(ctx, response, case):
    """What the document calls well formed may break a rule of ANTS (422 with the
    rule's own code), never the schema: ``requete_invalide`` is the mock's refusal
    of a request that is off its schema, so the two must agree."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    detail = response.json().get("detail")
    if isinstance(detail, dict) and detail.get("code") == "requete_invalide":
        raise AssertionError(f"Schema-valid request refused as malformed (requete_invalide): {detail.get('erreurs')}")
    return None
