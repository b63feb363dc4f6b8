"""Where a widget is drawn, read from the window's geometry: whether a person
sees it whole, inside the screen and every scroll view that clips it, not
under the on-screen keyboard nor under the footer's buttons."""

from __future__ import annotations

from kivy.uix.scrollview import ScrollView

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in window pixels

#: Pixels of rounding allowed on each side.
SLACK = 1.5


def rect(widget) -> Rect:
    x, y = widget.to_window(widget.x, widget.y)
    return (x, y, x + widget.width, y + widget.height)


def _inter(a: Rect, b: Rect) -> Rect:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def _inside(inner: Rect, outer: Rect) -> bool:
    return (
        inner[0] >= outer[0] - SLACK
        and inner[1] >= outer[1] - SLACK
        and inner[2] <= outer[2] + SLACK
        and inner[3] <= outer[3] + SLACK
    )


def _overlap(a: Rect, b: Rect) -> bool:
    i = _inter(a, b)
    return i[2] - i[0] > SLACK and i[3] - i[1] > SLACK


def shown(widget) -> bool:
    w = widget
    while w is not None and w is not w.parent:
        if w.opacity == 0:
            return False
        w = w.parent
    return widget.width > 1 and widget.height > 1


def _ancestors(widget):
    p = widget.parent
    while p is not None and p is not p.parent:
        yield p
        p = p.parent


def visible_area(widget, screen) -> Rect:
    """The screen's area, clipped by each scroll view around ``widget``."""
    area = rect(screen)
    for p in _ancestors(widget):
        if isinstance(p, ScrollView):
            area = _inter(area, rect(p))
    return area


def problem(widget, screen, obstacles, what: str) -> str:
    """Nothing ("") when ``widget`` is in view, else what is wrong with it."""
    if widget is None:
        return f"{what}: missing"
    if not shown(widget):
        return f"{what}: not shown"
    r = rect(widget)
    area = visible_area(widget, screen)
    if not _inside(r, area):
        return f"{what}: at y {r[1]:.0f}–{r[3]:.0f}, outside the visible {area[1]:.0f}–{area[3]:.0f}"
    mine = set(map(id, _ancestors(widget))) | {id(widget)}
    for name, obstacle in obstacles:
        if id(obstacle) in mine or not shown(obstacle):
            continue
        if _overlap(r, rect(obstacle)):
            o = rect(obstacle)
            return f"{what}: at y {r[1]:.0f}–{r[3]:.0f}, under the {name} ({o[1]:.0f}–{o[3]:.0f})"
    return ""
