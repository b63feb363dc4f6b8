"""The one base of every error a kiosk user may read.

The scanner, the printers, the ANTS client and the session all raise errors
whose sentence is shown on the screen, and drivers/ and ants/ may not import
session/ or kiosk/: so the base lives in a package of its own, pure Python,
that every layer may import.

An error a user may read carries:

- ``key``: a stable name (``"printer.paper_out"``) for tests and the
  technician; never shown;
- ``template``: the French sentence, with ``{name}`` placeholders. The kiosk's
  catalogues (``kiosk/locale/*/LC_MESSAGES/kiosk.po``) are keyed by it, so one
  entry translates the sentence whatever its values;
- ``params``: the values put into the template (a count, a pièce's label):
  never a user's personal data, since the sentence is also the error's
  ``str()`` when it has no detail;
- ``detail``: what the technician reads in the log (a setting, a device's
  state, a route), never a user's data.

``message_fr`` is the French sentence with its values; :meth:`translated`
gives it in the user's language. Whatever else is raised is a bug: the
session does not catch it, and the crash path logs its traceback (code and
our own messages, which carry no values) and shows a generic sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["UserFacingError"]


class _French:
    """``message_fr``: on a class, its template; on an error, the template with
    its values. Setting it gives the error another sentence, without values."""

    def __get__(self, error: UserFacingError | None, owner: type[UserFacingError]) -> str:
        if error is None:
            return owner.template
        return error.template.format(**error.params) if error.params else error.template

    def __set__(self, error: UserFacingError, sentence: str) -> None:
        error.template, error.params = sentence, {}


class UserFacingError(Exception):
    """An error whose sentence the user reads. ``str()`` is its detail for the
    log, or its French sentence when it has no detail."""

    #: Class attributes, which an error may override for itself.
    key: str = "error"
    template: str = "Un problème est survenu. Réessayez ou appelez le médiateur."
    message_fr = _French()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        said = cls.__dict__.get("message_fr")
        if isinstance(said, str):  # written as ``message_fr = "..."``: that sentence is the template
            cls.template = said
            del cls.message_fr

    def __init__(
        self,
        detail: str = "",
        *,
        key: str | None = None,
        template: str | None = None,
        params: Mapping[str, object] | None = None,
    ):
        self.detail = detail
        if key is not None:
            self.key = key
        if template is not None:
            self.template = template
        self.params: dict[str, object] = dict(params or {})
        told = self.message_fr  # a value missing from ``params``: KeyError here, where the error is made
        super().__init__(detail or told)

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The sentence in the user's language: ``gettext`` (the kiosk's ``tr._``)
        translates the French template, then the values go in."""
        text = gettext(self.template)
        return text.format(**self.params) if self.params else text
