"""Shared widgets of the kiosk: large buttons, wrapped labels, inputs that
keep their focus while the on-screen keyboard is used."""

from __future__ import annotations

from pathlib import Path

from kivy.graphics import ScissorPop, ScissorPush
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.textinput import TextInput
from kivy.uix.togglebutton import ToggleButton
from kivy.uix.widget import Widget

from ..i18n import RtlLabelMixin
from . import drawings  # noqa: F401  (registers the drawings used in common.kv)

Builder.load_file(str(Path(__file__).with_name("common.kv")))


class KLabel(RtlLabelMixin, Label):
    #: "start" follows the reading direction (left, or right in Arabic); "center"
    #: stays centred in every language (setting halign itself would be undone
    #: by the rule that follows the language).
    align = OptionProperty("start", options=("start", "center"))


class Framed(Widget):
    """A frame around a box, drawn as four thin rectangles (see common.kv)."""

    frame_color = ColorProperty((0, 0, 0, 0))
    frame_width = NumericProperty(1)


class KTitle(KLabel):
    pass


class KButton(RtlLabelMixin, Button):
    """A large button: at least the theme's touch target high."""

    role = StringProperty("primary")  # primary | secondary | danger
    fill = ColorProperty((0, 0, 0, 0))  # set by the rule in common.kv
    edge_color = ColorProperty((0, 0, 0, 0))
    edge = NumericProperty(0)


class KToggle(RtlLabelMixin, ToggleButton):
    """A large choice button; ``value`` is what it stands for."""

    value = StringProperty("")
    mark_x = NumericProperty(0)  # the radio mark's centre


class KCheck(RtlLabelMixin, ToggleButton):
    """A large check box with its sentence, for attestations."""

    box_x = NumericProperty(0)  # the box's left side


class KInput(TextInput):
    """A one-line input; ``input_kind`` picks the on-screen keyboard layout.
    With ``capitalize`` (names, communes), each word's first letter is written
    as a capital: nobody has to find Maj."""

    input_kind = StringProperty("text")
    capitalize = BooleanProperty(False)

    def insert_text(self, substring, from_undo=False):
        if self.capitalize and not from_undo and substring[:1].isalpha():
            before = self.text[: self.cursor_index()]
            if not before or before[-1] in " -'’":
                substring = substring[:1].upper() + substring[1:]
        return super().insert_text(substring, from_undo=from_undo)

    field_id = StringProperty("")
    has_error = BooleanProperty(False)
    edge = NumericProperty(1)  # the frame's thickness


class FieldBox(BoxLayout):
    """A field: its label, its help, the input, and the error under it."""

    field_id = StringProperty("")
    label = StringProperty("")
    help = StringProperty("")
    error = StringProperty("")
    input = ObjectProperty(None, allownone=True)


class KScroll(ScrollView):
    """A scroll view whose taps go through at once. Kivy's holds a tap's release
    0.2 s (to show the press): the next screen would come 0.2 s late.

    It clips its content with a scissor box, not with Kivy's stencil: a stencil
    paints the whole area twice more each frame, which software rendering (no
    GPU in the kiosk's PC) pays in milliseconds on every screen."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.canvas.after.add(ScissorPop())
        self._scissor = None
        self.bind(pos=self._clip, size=self._clip, parent=self._clip)

    def _clip(self, *_):
        x, y = self.to_window(*self.pos)
        box = (int(round(x)), int(round(y)), max(int(round(self.width)), 0), max(int(round(self.height)), 0))
        if self._scissor is not None:
            if self._scissor[0] == box:
                return
            self.canvas.before.remove(self._scissor[1])
        instruction = ScissorPush(x=box[0], y=box[1], width=box[2], height=box[3])
        self.canvas.before.insert(0, instruction)
        self._scissor = (box, instruction)

    def on_scroll_stop(self, touch, check_children=True):
        uid = self._get_uid()
        ud = touch.ud.get(uid)
        tap = ud is not None and ud.get("mode") == "unknown" and not ud.get("user_stopped")
        result = super().on_scroll_stop(touch, check_children)
        if tap:
            self._do_touch_up(touch)
        return result

    def _do_touch_up(self, touch, *largs):
        done = "kscroll.up." + self._get_uid()
        if touch.ud.get(done):
            return  # already delivered: Kivy's delayed release finds nothing to do
        touch.ud[done] = True
        super()._do_touch_up(touch, *largs)


class KInline(RtlLabelMixin, Label):
    """A label as wide as its text, on one line."""


class KRow(BoxLayout):
    """A horizontal row laid out in reading order: right to left in Arabic."""

    rtl = BooleanProperty(False)

    def on_rtl(self, *_):
        self._trigger_layout()

    def do_layout(self, *largs):
        super().do_layout(*largs)
        if self.rtl:
            for child in self.children:
                child.x = self.x + (self.right - child.right)


class StepIndicator(BoxLayout):
    """The DSFR "indicateur d'étapes": "Étape 3 sur 8", the step's title, and a
    bar of one segment per step, those done and the current one filled."""

    number = NumericProperty(0)
    total = NumericProperty(0)
    title = StringProperty("")
    #: Only the bar, while the keyboard takes the lower half of the screen.
    compact = BooleanProperty(False)


def show_whole(scroll: ScrollView, widget: Widget, padding: float = 6) -> None:
    """Scroll ``scroll`` at once so that ``widget`` (inside it) is whole in view;
    one taller than the view shows its top (the question's label and help), the
    rest a swipe below. Kivy's scroll_to would show a tall widget's bottom."""
    if not scroll.children:
        return
    content = scroll.children[0]
    room = content.height - scroll.height
    if room <= 0:
        scroll.scroll_y = 1
        return
    _x, view_bottom = scroll.to_window(scroll.x, scroll.y)
    view_top = view_bottom + scroll.height
    _x, bottom = widget.to_window(widget.x, widget.y)
    top = bottom + widget.height
    padding = max(0.0, min(padding, (scroll.height - widget.height) / 2))  # a tight fit still fits
    if widget.height > scroll.height or top > view_top - padding:
        delta = view_top - padding - top  # its top just under the view's top
    elif bottom < view_bottom + padding:
        delta = view_bottom + padding - bottom  # its bottom just over the view's bottom
    else:
        return
    scroll.scroll_y = min(1.0, max(0.0, scroll.scroll_y - delta / room))
