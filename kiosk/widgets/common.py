"""Shared widgets of the kiosk: large buttons, wrapped labels, inputs that
keep their focus while the on-screen keyboard is used."""
from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior, ToggleButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.textinput import TextInput
from kivy.uix.togglebutton import ToggleButton

Builder.load_file(str(Path(__file__).with_name("common.kv")))


class KLabel(Label):
    pass


class KTitle(KLabel):
    pass


class KButton(Button):
    """A large button: at least the theme's touch target high."""
    role = StringProperty("primary")  # primary | secondary | danger


class KToggle(ToggleButton):
    """A large choice button; ``value`` is what it stands for."""
    value = StringProperty("")


class KCheck(ToggleButton):
    """A large check box with its sentence, for attestations."""


class KInput(TextInput):
    """A one-line input; ``input_kind`` picks the on-screen keyboard layout."""
    input_kind = StringProperty("text")
    field_id = StringProperty("")
    has_error = BooleanProperty(False)


class FieldBox(BoxLayout):
    """A field: its label, its help, the input, and the error under it."""
    field_id = StringProperty("")
    label = StringProperty("")
    help = StringProperty("")
    error = StringProperty("")
    input = ObjectProperty(None, allownone=True)
