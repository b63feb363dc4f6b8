"""Kivy without the X "cut buffer" (the primary selection).

On Linux the first TextInput imports ``kivy.core.clipboard``, which looks for
a cut buffer through the ``xclip`` and ``xsel`` programs, whatever
``KIVY_CLIPBOARD`` says (that setting picks the clipboard, not the cut
buffer). A kiosk has neither program and wants no such buffer: what a user
selects would be copied to the X server, readable by any window, and pasted
by a middle click after the wipe. Finding neither, Kivy logs a CRITICAL line
with two tracebacks that a technician reads as a crash.

Kivy has no setting for this probe, so :func:`disable` answers it "none"
before it runs, as Kivy itself does on Windows and macOS: ``CutBuffer`` is
None and TextInput checks it before each use. The clipboard itself stays the
window's own (``KIVY_CLIPBOARD=sdl2``), which the wipe clears.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


class _WithoutCutBuffer:
    """Kivy's ``core_select_lib``, answering None for the cut buffer."""

    no_cut_buffer = True

    def __init__(self, select: Callable[..., Any]) -> None:
        self.select = select

    def __call__(self, category: str, *args: Any, **kwargs: Any) -> Any:
        if category.lower() == "cutbuffer":
            return None
        return self.select(category, *args, **kwargs)


def disable() -> None:
    """Call once Kivy's environment is set, before any TextInput is made."""
    import kivy.core

    if "kivy.core.clipboard" in sys.modules:  # already probed: nothing left to prevent
        return
    select = kivy.core.core_select_lib
    if getattr(select, "no_cut_buffer", False):
        return
    kivy.core.core_select_lib = _WithoutCutBuffer(select)
