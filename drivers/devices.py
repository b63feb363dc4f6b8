"""Which scanners and receipt printers are plugged in, and when that changes.

Reads udev through pyudev: USB printers by their interface class 07, scanners
by the ``libsane_matched=yes`` property that libsane's udev rules set, or else
by a list of scanner makers' vendor ids. Only for the kiosk's health screen
and the technician's ``doctor``; drivers open devices by their own means.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from userfacing import UserFacingError

__all__ = ["SCANNER_VENDORS", "DeviceEvent", "DeviceInfo", "DeviceStatus", "DeviceWatch", "KindStatus", "is_usable"]

Kind = Literal["scanner", "printer"]
KINDS: tuple[Kind, ...] = ("scanner", "printer")

#: USB vendor ids of document scanner makers (used when libsane's rules did not tag the device).
SCANNER_VENDORS = {
    "04a9": "Canon",
    "04b8": "Epson",
    "03f0": "HP",
    "04f9": "Brother",
    "04c5": "Fujitsu",
    "07b3": "Plustek",
    "0638": "Avision",
    "04a7": "Visioneer",
    "29cc": "Kodak Alaris",
    "1083": "Canon Electronics",
    "05ca": "Ricoh",
    "0a82": "Syscan",
    "055f": "Mustek",
}
_PRINTER_CLASS = "07"


def is_usable() -> bool:
    """True when pyudev (and so libudev) can be loaded."""
    try:
        import pyudev

        pyudev.Context()
    except Exception:
        return False
    return True


@dataclass(frozen=True)
class DeviceInfo:
    kind: Kind
    sys_path: str
    vendor_id: str = ""
    product_id: str = ""
    vendor: str = ""
    model: str = ""
    devnode: str = ""


@dataclass(frozen=True)
class DeviceEvent:
    action: Literal["add", "remove"]
    device: DeviceInfo


# pyudev ships no type hints: its Device objects are typed ``Any`` here.
def _attr(device: Any, name: str) -> str:
    try:
        return str(device.attributes.asstring(name)).strip()
    except (KeyError, UnicodeDecodeError, AttributeError):
        return ""


def _prop(device: Any, name: str) -> str:
    try:
        return str(device.properties[name]).strip()
    except KeyError:
        return ""


def _is_printer(device: Any) -> bool:
    if _attr(device, "bDeviceClass") == _PRINTER_CLASS:
        return True
    # udev's usb_id: ":070102:0e0100:" lists each interface's class, subclass, protocol
    interfaces = _prop(device, "ID_USB_INTERFACES")
    if any(part.startswith(_PRINTER_CLASS) for part in interfaces.split(":") if part):
        return True
    return any(_attr(child, "bInterfaceClass") == _PRINTER_CLASS for child in getattr(device, "children", ()))


def classify(device: Any, scanner_vendors: dict[str, str] = SCANNER_VENDORS) -> list[DeviceInfo]:
    """The DeviceInfos (0, 1, or 2 for a multifunction) that a pyudev USB device is."""
    devtype = _prop(device, "DEVTYPE")
    if devtype and devtype != "usb_device":
        return []
    vendor_id = (_attr(device, "idVendor") or _prop(device, "ID_VENDOR_ID")).lower()
    common = dict(
        sys_path=device.sys_path,
        vendor_id=vendor_id,
        product_id=(_attr(device, "idProduct") or _prop(device, "ID_MODEL_ID")).lower(),
        vendor=_attr(device, "manufacturer") or _prop(device, "ID_VENDOR") or scanner_vendors.get(vendor_id, ""),
        model=_attr(device, "product") or _prop(device, "ID_MODEL"),
        devnode=device.device_node or "",
    )
    found = []
    printer = _is_printer(device)
    sane = _prop(device, "libsane_matched") == "yes"
    if sane or (not printer and vendor_id in scanner_vendors):
        found.append(DeviceInfo(kind="scanner", **common))
    if printer:
        found.append(DeviceInfo(kind="printer", **common))
    return found


class DeviceWatch:
    """Lists present scanners and printers; with :meth:`start`, calls
    ``on_change(DeviceEvent)`` from a pyudev observer thread on plug/unplug."""

    def __init__(
        self,
        on_change: Callable[[DeviceEvent], None],
        *,
        context: Any = None,
        scanner_vendors: dict[str, str] | None = None,
    ) -> None:
        import pyudev  # a hard dependency, imported here to keep module import cheap

        self._pyudev = pyudev
        self.on_change = on_change
        self.context = context or pyudev.Context()
        self.scanner_vendors = SCANNER_VENDORS if scanner_vendors is None else scanner_vendors
        self._known: dict[str, list[DeviceInfo]] = {}
        self._lock = threading.Lock()
        self._observer: Any = None  # a pyudev.MonitorObserver once started

    def present(self) -> dict[str, list[DeviceInfo]]:
        found: dict[str, list[DeviceInfo]] = {kind: [] for kind in KINDS}
        known = {}
        for device in self.context.list_devices(subsystem="usb"):
            infos = classify(device, self.scanner_vendors)
            if infos:
                known[device.sys_path] = infos
            for info in infos:
                found[info.kind].append(info)
        with self._lock:
            self._known = known
        return found

    def start(self) -> None:
        if self._observer is not None:
            return
        monitor = self._pyudev.Monitor.from_netlink(self.context)
        monitor.filter_by("usb")
        # Receive from now on: the observer thread would otherwise only start
        # listening once scheduled, and a device plugged meanwhile is missed.
        monitor.start()
        self.present()  # remember what is there, to name what goes away
        self._observer = self._pyudev.MonitorObserver(monitor, callback=self._on_udev, name="device-watch")
        self._observer.daemon = True
        self._observer.start()

    def stop(self) -> None:
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()

    def _on_udev(self, device: Any) -> None:
        action = device.action
        if action == "add":
            infos = classify(device, self.scanner_vendors)
            if not infos:
                return
            with self._lock:
                if self._known.get(device.sys_path) == infos:
                    return  # already listed by present()
                self._known[device.sys_path] = infos
        elif action == "remove":
            with self._lock:
                infos = self._known.pop(device.sys_path, []) or classify(device, self.scanner_vendors)
        else:
            return
        for info in infos:
            self.on_change(DeviceEvent(action, info))


@dataclass(frozen=True)
class KindStatus:
    """What is known of one kind of device."""

    kind: Kind
    devices: tuple[DeviceInfo, ...] = ()
    last_error: str = ""
    """The French message of the last error a driver reported ("" once cleared)."""
    last_error_at: float | None = None
    error_class: str = ""
    """Name of that error's class (ScannerUnavailable, PrinterPaperOut...), for the logs."""

    @property
    def present(self) -> bool:
        return bool(self.devices)


@dataclass
class DeviceStatus:
    """Present/absent per kind of device and its last error, gathered from a
    :class:`DeviceWatch` (pass :meth:`on_device_event` as its ``on_change``)
    and from the errors the drivers raise (:meth:`report_error`). Every
    change calls the observers with a snapshot, from whichever thread made
    the change: a UI hands it over to its own thread."""

    clock: Callable[[], float] = time.time
    _kinds: dict[str, KindStatus] = field(default_factory=lambda: {k: KindStatus(k) for k in KINDS})
    _observers: list[Callable[[dict[str, KindStatus]], None]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def observe(self, callback: Callable[[dict[str, KindStatus]], None]) -> None:
        """Call ``callback(snapshot)`` on every change (and once now)."""
        with self._lock:
            self._observers.append(callback)
            snapshot = dict(self._kinds)
        callback(snapshot)

    def snapshot(self) -> dict[str, KindStatus]:
        with self._lock:
            return dict(self._kinds)

    def __getitem__(self, kind: str) -> KindStatus:
        with self._lock:
            return self._kinds[kind]

    def _update(self, kind: str, **changes: Any) -> None:
        with self._lock:
            before = self._kinds[kind]
            after = KindStatus(**{**before.__dict__, **changes})
            if after == before:
                return
            self._kinds[kind] = after
            snapshot = dict(self._kinds)
            observers = list(self._observers)
        for callback in observers:
            callback(snapshot)

    def load(self, present: dict[str, list[DeviceInfo]]) -> None:
        """Take what :meth:`DeviceWatch.present` lists."""
        for kind in KINDS:
            self._update(kind, devices=tuple(present.get(kind, ())))

    def on_device_event(self, event: DeviceEvent) -> None:
        info = event.device
        with self._lock:
            devices = [d for d in self._kinds[info.kind].devices if d.sys_path != info.sys_path]
        if event.action == "add":
            devices.append(info)
        self._update(info.kind, devices=tuple(devices))

    def report_error(self, kind: str, error: BaseException | str) -> None:
        """Remember a driver's error (its ``message_fr`` when the user may read it)."""
        message = error.message_fr if isinstance(error, UserFacingError) else str(error)
        name = type(error).__name__ if isinstance(error, BaseException) else ""
        self._update(kind, last_error=message, last_error_at=self.clock(), error_class=name)

    def clear_error(self, kind: str) -> None:
        """The device worked again."""
        self._update(kind, last_error="", last_error_at=None, error_class="")
