"""The session core: procedures as data, the wizard, validation, the
per-user workspace and its wipe. Pure Python: it never imports the UI."""
from .catalogue import Catalogue, CatalogueError, Field, Piece, Procedure, Step, load_procedure
from .guidance import Guidance, GuidanceSection
from .stats import SessionFigures, StatsStore
from .usersession import SessionError, UserSession
from .validation import Invalid, departement, validate
from .wizard import StepView, Wizard
from .workspace import WipeReport, Workspace, WorkspaceError

__all__ = [
    "Catalogue", "CatalogueError", "Field", "Guidance", "GuidanceSection", "Invalid", "Piece", "Procedure",
    "SessionError", "SessionFigures", "StatsStore", "Step", "StepView", "UserSession", "WipeReport", "Wizard",
    "Workspace", "WorkspaceError", "departement", "load_procedure", "validate",
]
