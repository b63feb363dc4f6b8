"""What the accessibility tests look for on a screen: every touchable widget
at least 15 mm wide and high, nothing visible outside the window."""

from __future__ import annotations

from kivy.metrics import mm
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.scrollview import ScrollView
from kivy.uix.textinput import TextInput

from kiosk.theme import TOUCH_TARGET_MM


def shown(widget) -> bool:
    """Visible and usable: it and each parent opaque, itself enabled, not collapsed."""
    if widget.disabled or widget.width < 2 or widget.height < 2:
        return False
    w = widget
    while w is not None and w is not w.parent:
        if w.opacity == 0:
            return False
        w = w.parent
    return True


def in_scroll(widget) -> bool:
    p = widget.parent
    while p is not None and p is not p.parent:
        if isinstance(p, ScrollView):
            return True
        p = p.parent
    return False


def touchables(root):
    for w in root.walk(restrict=False):
        if isinstance(w, (ButtonBehavior, TextInput)) and shown(w):
            yield w


def describe(w) -> str:
    return f"{type(w).__name__}({str(getattr(w, 'text', '') or getattr(w, 'label', ''))[:30]!r})"


def too_small(root) -> list[str]:
    """Touchables under 15 mm in either dimension (0.5 px of rounding allowed)."""
    least = mm(TOUCH_TARGET_MM) - 0.5
    return [
        f"{describe(w)} {w.width:.0f}x{w.height:.0f}px < {least:.0f}px"
        for w in touchables(root)
        if w.width < least or w.height < least
    ]


def off_window(root, window) -> list[str]:
    """Visible widgets outside the window, other than those a scroll view holds."""
    bad = []
    for w in root.walk(restrict=False):
        if not shown(w) or in_scroll(w) or w.children:
            continue
        x, y = w.to_window(w.x, w.y)
        if x < -1 or y < -1 or x + w.width > window.width + 1 or y + w.height > window.height + 1:
            bad.append(f"{describe(w)} at {x:.0f},{y:.0f} size {w.width:.0f}x{w.height:.0f}")
    return bad
