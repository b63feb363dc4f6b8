"""The session core: procedures as data, the wizard, validation, the
per-user workspace and its wipe. Pure Python: it never imports the UI.

Names are loaded from their module on first use (PEP 562): the kiosk's
first screen needs the catalogue, not the HTTP client or the PDF tools a
user's session brings in."""

from drivers._lazy import lazy_exports

_EXPORTS = {
    "Catalogue": "catalogue",
    "CatalogueError": "catalogue",
    "Field": "catalogue",
    "Piece": "catalogue",
    "Procedure": "catalogue",
    "Step": "catalogue",
    "load_procedure": "catalogue",
    "Flow": "flow",
    "FlowListener": "flow",
    "FlowState": "flow",
    "Guidance": "guidance",
    "GuidanceSection": "guidance",
    "SessionFigures": "stats",
    "StatsStore": "stats",
    "SessionError": "usersession",
    "UserSession": "usersession",
    "Invalid": "validation",
    "departement": "validation",
    "validate": "validation",
    "StepView": "wizard",
    "Wizard": "wizard",
    "WipeReport": "workspace",
    "Workspace": "workspace",
    "WorkspaceError": "workspace",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
