"""The locked browser window: where a person types what the kiosk must never see
(a FranceConnect provider's password, a card number), on the provider's own page.

:class:`LockedWindow` runs WebKitGTK in a process of its own (``_window.py``, with
Debian's Python); :class:`ScriptedBrowser` plays a person on the same pages for
the tools and tests that have no screen. Both have ``open(url, on_closed, allow,
profile_dir)`` and ``close()``.
"""

from ._allow import allowed
from ._process import BrowserUnavailable, LockedWindow, is_usable
from ._scripted import ScriptedBrowser

__all__ = ["BrowserUnavailable", "LockedWindow", "ScriptedBrowser", "allowed", "is_usable"]
