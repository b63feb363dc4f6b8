"""The devices' status in the top bar, live: "Scanner : prêt", "Imprimante :
en panne"… from udev's add and remove events (drivers.devices.DeviceWatch, on
pyudev's thread) and from what the drivers said when the session used them."""

from __future__ import annotations

from userfacing import UserFacingError

from .i18n import N_, tr

#: Each device's name, and the property of the screen's model (the controller) that shows its state.
DEVICES = {"scanner": (N_("Scanner"), "scanner_state"), "printer": (N_("Imprimante"), "printer_state")}


class DeviceStates:
    """``shown``: the object whose properties the top bar binds (see DEVICES);
    ``simulated``: the kinds whose driver is a fake; ``presence_by_udev``: the
    kinds udev sees come and go (a network printer is ready until it fails)."""

    def __init__(self, shown, devices=None, simulated: tuple[str, ...] = (), presence_by_udev: tuple[str, ...] = ()):
        self.shown = shown
        self.devices = devices
        self._simulated = simulated
        self._by_udev = presence_by_udev
        if devices is not None:
            from kivy.clock import Clock

            # Called from pyudev's thread (and once at once): the labels change on Kivy's.
            devices.observe(lambda snapshot: Clock.schedule_once(lambda _dt: self.changed(snapshot), 0))

    def changed(self, snapshot) -> None:
        for kind, (name, attr) in DEVICES.items():
            status = snapshot.get(kind)
            if status is None:
                continue
            if status.last_error:
                state = tr._("en panne")
            elif kind in self._simulated:
                state = tr._("simulé")
            elif kind in self._by_udev and not status.present:
                state = tr._("débranché")
            else:
                state = tr._("prêt")
            setattr(self.shown, attr, f"{tr._(name)} : {state}")

    def report(self, kind: str, error: BaseException | None) -> None:
        """The session used the device: a driver's failure marks it, a success clears it.
        A failure that is not the device's (the session ended meanwhile, a bug) changes nothing."""
        if self.devices is None:
            return
        if error is None:
            self.devices.clear_error(kind)
            return
        fault = next(
            (
                e
                for e in (error, error.__cause__)
                if isinstance(e, UserFacingError) and type(e).__module__.startswith("drivers.")
            ),
            None,
        )
        if fault is not None:
            self.devices.report_error(kind, fault)
