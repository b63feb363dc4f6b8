"""Pictures drawn with Kivy's canvas, in the theme's colours (so high contrast
applies to them too): the chooser's pictograms, the scanner glass with the page
to put on it, the step indicator's segments, the welcome screen's touch sign.
No image files, nothing copied: simple shapes a person recognises."""

from __future__ import annotations

from collections import OrderedDict

from kivy.clock import Clock
from kivy.graphics import (
    ClearBuffers,
    ClearColor,
    Color,
    Ellipse,
    Fbo,
    Line,
    Rectangle,
    RoundedRectangle,
    Translate,
    Triangle,
)
from kivy.metrics import dp
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.widget import Widget

from ..theme import THEME

#: Drawings already painted, by (class, variant, size, palette): their textures.
_BAKED: OrderedDict = OrderedDict()
_BAKED_MAX = 48


class _Drawing(Widget):
    """A drawing is painted once into a texture (an Fbo) and shown as one
    textured rectangle: its lines and circles, costly to draw in software
    rendering, are not drawn again on every frame."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._trigger_redraw = Clock.create_trigger(self._redraw, -1)
        self.bind(pos=self._trigger_redraw, size=self._trigger_redraw)
        THEME.bind(palette=self._trigger_redraw)
        self._trigger_redraw()

    def variant(self) -> tuple:
        """What, beyond size and palette, changes the picture."""
        return ()

    def _redraw(self, *_):
        self.canvas.clear()
        width, height = int(round(self.width)), int(round(self.height))
        if width < 2 or height < 2:
            return
        key = (type(self).__name__, self.variant(), width, height, THEME.palette)
        baked = _BAKED.get(key)
        if baked is None:
            baked = _BAKED[key] = self._bake(width, height)
            while len(_BAKED) > _BAKED_MAX:
                _BAKED.popitem(last=False)
        else:
            _BAKED.move_to_end(key)
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(texture=baked.texture, pos=(int(round(self.x)), int(round(self.y))), size=(width, height))

    def _bake(self, width: int, height: int) -> Fbo:
        fbo = Fbo(size=(width, height), with_stencilbuffer=True)  # wide Lines use the stencil
        with fbo:
            ClearColor(0, 0, 0, 0)
            ClearBuffers(clear_stencil=True)
            Translate(-int(round(self.x)), -int(round(self.y)))
            self.draw()
        fbo.draw()
        return fbo

    def draw(self) -> None:
        raise NotImplementedError


class StepTicks(_Drawing):
    """Gaps between the step indicator's segments."""

    total = NumericProperty(0)

    def variant(self) -> tuple:
        return (self.total,)

    def on_total(self, *_):
        self._trigger_redraw()

    def draw(self) -> None:
        if self.total < 2:
            return
        Color(rgba=THEME.bg)
        step = self.width / self.total
        for i in range(1, int(self.total)):
            Rectangle(pos=(self.x + i * step - dp(3), self.y), size=(dp(6), self.height))


class Pictogram(_Drawing):
    """One of the chooser's four groups, drawn in a square."""

    kind = StringProperty("")

    def variant(self) -> tuple:
        return (self.kind,)

    def on_kind(self, *_):
        self._trigger_redraw()

    def draw(self) -> None:
        side = min(self.width, self.height)
        x0, y0 = self.center_x - side / 2, self.center_y - side / 2
        ink = THEME.primary if THEME.palette == "normal" else THEME.fg
        w = max(dp(3), side * 0.04)

        def at(fx, fy):
            return x0 + fx * side, y0 + fy * side

        Color(rgba=ink)
        if self.kind == "permis":  # a card: photo, lines, and a small car
            Line(rounded_rectangle=(*at(0.08, 0.2), side * 0.84, side * 0.6, side * 0.06), width=w)
            Line(rectangle=(*at(0.16, 0.32), side * 0.22, side * 0.34), width=w * 0.8)
            Ellipse(pos=at(0.22, 0.5), size=(side * 0.1, side * 0.1))
            for i, fy in enumerate((0.62, 0.5, 0.38)):
                Line(points=(*at(0.46, fy), *at(0.84 - i * 0.08, fy)), width=w * 0.8)
        elif self.kind == "carte-grise":  # a car seen from the side
            Line(
                points=(
                    *at(0.08, 0.36),
                    *at(0.08, 0.5),
                    *at(0.24, 0.52),
                    *at(0.36, 0.68),
                    *at(0.66, 0.68),
                    *at(0.78, 0.52),
                    *at(0.92, 0.5),
                    *at(0.92, 0.36),
                    *at(0.08, 0.36),
                ),
                width=w,
                close=True,
            )
            Line(points=(*at(0.4, 0.52), *at(0.4, 0.64)), width=w * 0.8)
            for fx in (0.26, 0.74):
                Color(rgba=THEME.bg)
                Ellipse(pos=at(fx - 0.09, 0.24), size=(side * 0.18, side * 0.18))
                Color(rgba=ink)
                Line(circle=(*at(fx, 0.33), side * 0.09), width=w)
        elif self.kind == "identite":  # a passport booklet with a face
            Line(rounded_rectangle=(*at(0.24, 0.1), side * 0.52, side * 0.8, side * 0.04), width=w)
            Line(circle=(*at(0.5, 0.6), side * 0.11), width=w)
            Line(ellipse=(*at(0.32, 0.24), side * 0.36, side * 0.28, -90, 90), width=w)
            Line(points=(*at(0.34, 0.18), *at(0.66, 0.18)), width=w * 0.8)
        elif self.kind == "suivi":  # a magnifying glass over a page
            Line(rectangle=(*at(0.14, 0.1), side * 0.5, side * 0.7), width=w)
            for fy in (0.66, 0.54, 0.42):
                Line(points=(*at(0.22, fy), *at(0.52, fy)), width=w * 0.8)
            Color(rgba=THEME.bg)
            Ellipse(pos=at(0.42, 0.32), size=(side * 0.34, side * 0.34))
            Color(rgba=ink)
            Line(circle=(*at(0.59, 0.49), side * 0.17), width=w * 1.2)
            Line(points=(*at(0.71, 0.37), *at(0.9, 0.16)), width=w * 2)
        else:
            Line(circle=(*at(0.5, 0.5), side * 0.4), width=w)


class ScannerDrawing(_Drawing):
    """The scanner seen from above, lid open: the page goes face down on the
    glass, in the corner with the arrow."""

    def draw(self) -> None:
        ink = THEME.fg
        accent = THEME.primary if THEME.palette == "normal" else THEME.selected
        W, H = self.width, self.height
        x, y = self.x, self.y
        # the lid, open, behind the glass
        Color(rgba=THEME.secondary_bg)
        RoundedRectangle(pos=(x + W * 0.05, y + H * 0.62), size=(W * 0.9, H * 0.34), radius=[dp(8)])
        Color(rgba=ink)
        Line(rounded_rectangle=(x + W * 0.05, y + H * 0.62, W * 0.9, H * 0.34, dp(8)), width=dp(2))
        # the body and its glass
        Line(rounded_rectangle=(x + W * 0.02, y + H * 0.04, W * 0.96, H * 0.56, dp(10)), width=dp(2.5))
        Color(rgba=THEME.bar)
        Rectangle(pos=(x + W * 0.1, y + H * 0.1), size=(W * 0.8, H * 0.44))
        Color(rgba=ink)
        Line(rectangle=(x + W * 0.1, y + H * 0.1, W * 0.8, H * 0.44), width=dp(1.5))
        # the page, face down, in the top-left corner of the glass
        Color(rgba=THEME.bg)
        px, py, pw, ph = x + W * 0.1, y + H * 0.54 - H * 0.36, W * 0.36, H * 0.36
        Rectangle(pos=(px, py), size=(pw, ph))
        Color(rgba=accent)
        Line(rectangle=(px, py, pw, ph), width=dp(3))
        for i in range(4):
            fy = py + ph * (0.78 - i * 0.18)
            Line(points=(px + pw * 0.15, fy, px + pw * (0.85 - (i % 2) * 0.2), fy), width=dp(1.5))
        # the arrow to the corner
        ax, ay = px + pw + W * 0.14, py + ph * 0.2
        Line(points=(ax, ay, px + pw * 0.55, py + ph * 0.55), width=dp(4))
        Triangle(points=(px + pw * 0.45, py + ph * 0.62, px + pw * 0.72, py + ph * 0.6, px + pw * 0.55, py + ph * 0.4))


class TouchSign(_Drawing):
    """A finger touching the screen: circles around a fingertip."""

    def draw(self) -> None:
        ink = THEME.primary if THEME.palette == "normal" else THEME.selected
        side = min(self.width, self.height)
        cx, cy = self.center_x, self.center_y + side * 0.12
        Color(rgba=ink)
        for r, wd in ((0.12, 3), (0.22, 2), (0.32, 1.2)):
            Line(circle=(cx, cy, side * r), width=dp(wd))
        # the finger
        fw = side * 0.16
        Color(rgba=THEME.bg)
        RoundedRectangle(pos=(cx - fw / 2, self.center_y - side * 0.5), size=(fw, side * 0.62), radius=[fw / 2])
        Color(rgba=ink)
        Line(rounded_rectangle=(cx - fw / 2, self.center_y - side * 0.5, fw, side * 0.62, fw / 2 - 1), width=dp(3))
