"""The translator's registry of kv rules (``tr._`` in kv) survives widgets
dying in the middle of a language switch.

A widget's kv rules are unbound by Kivy's widget destructor
(``kivy/uix/widget.py`` ``_widget_destructor`` -> ``Builder.unbind_widget``),
which runs when a collection finds the widget dead. On CPython 3.11 a
collection runs at any allocation, so also in the middle of the copy of the
registry a switch makes: a tap on a language button once raised
``RuntimeError: dictionary changed size during iteration`` there.
"""

import gc

import pytest
from kivy.factory import Factory
from kivy.lang import Builder

from kiosk.i18n import tr

KV = """
#:import tr kiosk.i18n.tr
<ObservedLabel@Label>:
    text: tr._("Continuer")
"""


@pytest.fixture
def labels(kivy_window):
    Builder.load_string(KV, filename="test_i18n_observers.kv")
    yield lambda n: [Factory.ObservedLabel() for _ in range(n)]
    tr.lang = "fr"
    Builder.unload_file("test_i18n_observers.kv")
    Factory.unregister("ObservedLabel")
    gc.collect()


@pytest.fixture
def eager_gc():
    """A collection at (almost) every allocation, as under load; restored after."""
    thresholds = gc.get_threshold()
    callbacks = list(gc.callbacks)
    gc.set_threshold(1, 1, 1)
    yield
    gc.set_threshold(*thresholds)
    gc.callbacks[:] = callbacks


@pytest.fixture
def many_rules():
    """As many rules as the kiosk's screens in three languages have: more than
    CPython keeps spare pairs for, so copying them allocates (and collects)."""
    uids = [tr.fbind("_", lambda *_: None, None) for _ in range(5000)]
    yield
    for uid in uids:
        tr.unbind_uid("_", uid)


def test_widgets_unbound_by_a_collection_while_the_rules_are_copied(labels, many_rules, eager_gc):
    kept = labels(200)
    doomed = labels(300)
    tr.lang, tr.lang = "en", "fr"  # the catalogue read: the switch below goes straight to the rules
    before = tr.observers
    collections_while_switching = []

    def collected(phase, _info):
        # What Kivy's widget destructor does for each widget a collection finds
        # dead: one at each collection, for as long as the switch lasts.
        if phase == "start" and doomed:
            collections_while_switching.append(1)
            Builder.unbind_widget(doomed.pop().uid)

    gc.callbacks.append(collected)
    try:
        tr.lang = "en"  # raised "dictionary changed size during iteration"
    finally:
        gc.callbacks.remove(collected)
    assert len(collections_while_switching) > 10  # collections did happen during the switch
    assert all(label.text == "Continue" for label in kept)
    assert tr.observers == before - len(collections_while_switching)
    tr.lang = "fr"  # the registry still works: no dead entry, nothing lost
    assert all(label.text == "Continuer" for label in kept)


def test_widgets_collected_from_inside_an_observer_during_a_switch(labels):
    collections = []

    def collector(*_args):
        """A rule whose work frees memory: a collection from inside the switch."""
        collections.append(gc.collect())

    uid = tr.fbind("_", collector, None)  # before the labels: it runs first
    kept = labels(100)
    dropped = labels(400)
    for label in dropped:
        label.cycle = label  # only the cycle collector frees it, as most widgets
    del label
    with_dropped = tr.observers
    gc.disable()  # no collection but the collector's
    try:
        dropped.clear()
        tr.lang = "en"
        assert collections[0] >= 400  # the dropped labels went during the switch
        assert all(label.text == "Continue" for label in kept)
        assert tr.observers == with_dropped - 400  # their rules went with them, nothing else
        tr.lang = "ar"
        tr.lang = "fr"
        assert all(label.text == "Continuer" for label in kept)
    finally:
        gc.enable()
        tr.unbind_uid("_", uid)
    assert tr.observers == with_dropped - 401
