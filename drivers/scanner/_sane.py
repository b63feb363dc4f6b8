"""Scanner on SANE through pyinsane2, with the two workarounds this platform
needs (see PLATFORM.md):

1. pyinsane2's default out-of-process mode breaks on any image over ~64 KiB;
   ``PYINSANE_SINGLE_THREAD=1`` must be set *before* pyinsane2 is imported.
   The scan then runs in this process: a hung backend can only be abandoned
   between chunks (``timeout``), so callers run scans off the UI thread.
2. pyinsane2 passes fixed-point option values raw: values of options whose
   type is ``FIXED`` (resolution, tl-x, br-y in many backends) are multiplied
   by 65536 here, and their range constraints divided by it.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from PIL import Image

from ._base import (
    Progress,
    Scanner,
    ScannerBusy,
    ScannerCoverOpen,
    ScannerError,
    ScannerJam,
    ScannerNoDuplex,
    ScannerNoFeeder,
    ScannerNoPaper,
    ScannerTimeout,
    ScannerUnavailable,
    ScannerWarmingUp,
    check_cancel,
    check_page_pixels,
    check_source,
)

log = logging.getLogger(__name__)

#: A4 in millimetres.
A4_MM = (210.0, 297.0)
_FIXED_ONE = 65536

# pyinsane2 keeps one global SANE handle: never use it from two threads.
_LOCK = threading.Lock()


def _restore_sigpipe() -> None:
    """A SANE scan (sanei_thread, seen with the ``test`` backend) leaves SIGPIPE
    at its default, which kills the process at its next write to a closed
    pipe or socket (the scan worker's child, writing to a parent gone; a test
    after it). Python ignores SIGPIPE and raises BrokenPipeError instead: put
    that back after each scan (only the main thread may)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)


# pyinsane2 ships no type hints: its devices, options and scan sessions are typed ``Any`` here.
def _pyinsane() -> tuple[ModuleType, ModuleType]:
    """Import pyinsane2 lazily, single-threaded; ScannerUnavailable if it cannot work.
    Returns pyinsane2 and its ``sane.rawapi``."""
    os.environ.setdefault("PYINSANE_SINGLE_THREAD", "1")
    try:
        import pyinsane2
        from pyinsane2.sane import rawapi
    except Exception as exc:  # ImportError, or OSError from a broken libsane
        raise ScannerUnavailable(f"pyinsane2 cannot be imported: {exc}") from exc
    if not rawapi.is_sane_available():
        raise ScannerUnavailable("libsane is not installed (apt-get install libsane1)")
    if not pyinsane2.SINGLE_THREAD:
        raise ScannerUnavailable(
            "pyinsane2 was imported before PYINSANE_SINGLE_THREAD=1 was set: "
            "its out-of-process mode cannot transfer images over 64 KiB"
        )
    return pyinsane2, rawapi


def is_usable() -> bool:
    """True when pyinsane2 and libsane are installed (says nothing of a device)."""
    try:
        _pyinsane()
    except ScannerUnavailable:
        return False
    return True


def _map_sane_error(exc: Exception, opening: bool = False) -> ScannerError:
    """Turn a pyinsane2 SaneException into the kiosk's error."""
    _, rawapi = _pyinsane()
    status = getattr(exc, "status", None)
    code = int(status) if status is not None else -1
    S = rawapi.SaneStatus
    detail = f"SANE: {exc}"
    if code == S.JAMMED:
        return ScannerJam(detail)
    if code == S.NO_DOCS:
        return ScannerNoPaper(detail)
    if code == S.COVER_OPEN:
        return ScannerCoverOpen(detail)
    if code == S.WARMING_UP:
        return ScannerWarmingUp(detail)
    if opening or code in (S.INVAL, S.IO_ERROR, S.ACCESS_DENIED, S.DEVICE_BUSY, S.HW_LOCKED, S.UNSUPPORTED):
        return ScannerUnavailable(detail)
    return ScannerError(detail)


class SaneScanner(Scanner):
    """A SANE device (``test:0``, ``epson2:libusb:001:004``); empty ``device``
    takes the first one SANE lists.

    ``options`` sets extra SANE options by name before each scan (e.g.
    ``{"test-picture": "Color pattern"}``); a technician's escape hatch, and how
    tests make SANE's ``test`` backend report a jam.
    """

    def __init__(
        self,
        device: str = "",
        mode: str = "Color",
        resolution: int = 300,
        timeout: float = 60.0,
        options: dict[str, object] | None = None,
    ) -> None:
        self.device = device
        self.mode = mode
        self.resolution = resolution
        self.timeout = timeout
        self.options = dict(options or {})
        self.name = f"SANE {device}" if device else "SANE"

    # -- device handling -------------------------------------------------

    def _open(self) -> Any:
        """The pyinsane2 Scanner with its options loaded (the SANE handle is open)."""
        pyinsane2, rawapi = _pyinsane()
        name = self.device
        try:
            if not name:
                devices = pyinsane2.get_devices()
                if not devices:
                    raise ScannerUnavailable("SANE lists no scanner")
                name = devices[0].name
            dev = pyinsane2.Scanner(name=name)
            _ = dev.options  # reading the options opens the device
        except ScannerError:
            raise
        except (rawapi.SaneException, OSError, AssertionError) as exc:
            raise _map_sane_error(exc, opening=True) from exc
        return dev

    @staticmethod
    def _close(dev: Any) -> None:
        # pyinsane2 caches the handle globally; closing after each use means a
        # scanner unplugged and plugged back in is reopened afresh.
        try:
            dev._force_close()
        except Exception:
            pass

    def is_available(self) -> bool:
        with _LOCK:
            try:
                dev = self._open()
            except ScannerError:
                return False
            self._close(dev)
            return True

    def sources(self) -> list[str]:
        with _LOCK:
            dev = self._open()
            try:
                return self._sources(dev)
            finally:
                self._close(dev)

    @staticmethod
    def _source_values(dev: Any) -> dict[str, str]:
        """The kiosk's source names -> this device's own values of option ``source``."""
        opt = dev.options.get("source")
        if opt is None or not isinstance(opt.constraint, list):
            return {"flatbed": ""}
        found: dict[str, str] = {}
        for value in opt.constraint:
            low = str(value).lower()
            if "duplex" in low:
                found.setdefault("adf-duplex", value)
            elif "feeder" in low or "adf" in low:
                found.setdefault("adf", value)
            elif "flatbed" in low:
                found.setdefault("flatbed", value)
        # some backends (avision, canon_dr...) have a separate boolean "duplex"
        duplex = dev.options.get("duplex")
        if "adf" in found and "adf-duplex" not in found and duplex is not None and duplex.capabilities.is_active():
            found["adf-duplex"] = found["adf"]
        return found or {"flatbed": ""}

    @classmethod
    def _sources(cls, dev: Any) -> list[str]:
        return [s for s in ("flatbed", "adf", "adf-duplex") if s in cls._source_values(dev)]

    # -- options -----------------------------------------------------------

    @staticmethod
    def _is_fixed(opt: Any) -> bool:
        from pyinsane2.sane.rawapi import SaneValueType

        return bool(int(opt.val_type) == SaneValueType.FIXED)

    def _set(self, dev: Any, name: str, value: object) -> bool:
        """Set option ``name`` to ``value`` (number in user units or string),
        clamped or snapped to the option's constraint. False if absent/inactive."""
        opt = dev.options.get(name)
        if opt is None or not opt.capabilities.is_active():
            return False
        fixed = self._is_fixed(opt)
        constraint = opt.constraint
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number: float = value
            scale = _FIXED_ONE if fixed else 1
            if isinstance(constraint, tuple):  # (min, max, quant), raw units
                low, high = constraint[0] / scale, constraint[1] / scale
                number = min(max(number, low), high)
            elif isinstance(constraint, list) and constraint:  # word list, raw units
                wanted = number
                number = min((c / scale for c in constraint), key=lambda c: abs(c - wanted))
            raw = int(round(number * scale))
            opt.value = raw
            return True
        if isinstance(constraint, list):
            for possible in constraint:
                if str(possible).lower() == str(value).lower():
                    value = possible
                    break
            else:
                for possible in constraint:
                    if str(value).lower() in str(possible).lower():
                        value = possible
                        break
                else:
                    raise ScannerError(f"option {name}: {value!r} not in {constraint}")
        opt.value = value
        return True

    def _configure(self, dev: Any, source: str, resolution: int) -> None:
        values = self._source_values(dev)
        if source == "adf" and source not in values:
            raise ScannerNoFeeder(f"{self.name} has no document feeder")
        if source == "adf-duplex" and source not in values:
            raise ScannerNoDuplex(f"{self.name} has no duplex feeder")
        if values.get(source):
            self._set(dev, "source", values[source])
        if "duplex" in dev.options and dev.options["duplex"].capabilities.is_active():
            self._set(dev, "duplex", source == "adf-duplex")
        if self.mode:
            try:
                self._set(dev, "mode", self.mode)
            except ScannerError as exc:  # e.g. Lineart on a colour-only device
                log.warning("keeping the device's scan mode: %s", exc)
        self._set(dev, "resolution", resolution)
        # A4 from the top-left corner, clamped to what the device can reach.
        self._set(dev, "tl-x", 0.0)
        self._set(dev, "tl-y", 0.0)
        self._set(dev, "br-x", A4_MM[0])
        self._set(dev, "br-y", A4_MM[1])
        for name, value in self.options.items():
            self._set(dev, name, value)

    # -- scanning ----------------------------------------------------------

    @staticmethod
    def _report(scan: Any, progress: Progress) -> None:
        params = scan.parameters
        lines = scan.available_lines[1]
        expected = params.lines * params.bytes_per_line if params.lines > 0 else None
        progress(lines * params.bytes_per_line, expected, (lambda: scan.get_image(0, lines)) if lines else None)

    def _check_frame(self, scan: Any, reading: bool = False) -> None:
        """ScannerPageTooLarge for a frame over MAX_PAGE_PIXELS: from its
        parameters before the first read, then from the lines read so far
        (a device that cannot tell its lines, or gives more than it said)."""
        params = scan.parameters
        width = params.pixels_per_line
        if reading:
            check_page_pixels(width, scan.available_lines[1], f"{self.name}: the frame being read")
        else:
            check_page_pixels(width, max(params.lines, 1), f"{self.name}: frame announced by sane_get_parameters")

    def scan(
        self,
        source: str = "flatbed",
        resolution: int | None = None,
        cancel: threading.Event | None = None,
        *,
        progress: Progress | None = None,
    ) -> Iterator[Image.Image]:
        check_source(source)
        resolution = int(resolution or self.resolution)
        check_cancel(cancel)
        _, rawapi = _pyinsane()
        # pyinsane2 has one global handle; a feeder scan keeps it between pages.
        if not _LOCK.acquire(timeout=self.timeout):
            raise ScannerBusy("another scan is still running")
        last = None  # a flatbed page is yielded after the device is released
        try:
            dev = self._open()
            session = None
            try:
                try:
                    self._configure(dev, source, resolution)
                    session = dev.scan(multiple=(source != "flatbed"))
                except StopIteration:  # sane_start: feeder empty
                    raise ScannerNoPaper("SANE: feeder out of documents") from None
                except rawapi.SaneException as exc:
                    raise _map_sane_error(exc) from exc
                pages = 0
                self._check_frame(session.scan)
                deadline = time.monotonic() + self.timeout
                while True:
                    check_cancel(cancel)
                    if time.monotonic() > deadline:
                        raise ScannerTimeout(f"no page after {self.timeout:g} s")
                    try:
                        session.scan.read()
                        self._check_frame(session.scan, reading=True)
                        if progress is not None:
                            self._report(session.scan, progress)
                    except EOFError:  # a page is complete
                        if not session.images:
                            continue
                        image = session.images.pop()
                        session.images.clear()
                        image.info["dpi"] = (resolution, resolution)
                        pages += 1
                        if source == "flatbed":
                            last = image
                            break
                        yield image
                        deadline = time.monotonic() + self.timeout
                    except StopIteration:  # feeder empty
                        if pages == 0:
                            raise ScannerNoPaper("SANE: feeder out of documents") from None
                        break
                    except rawapi.SaneException as exc:
                        raise _map_sane_error(exc) from exc
            finally:
                if session is not None:
                    try:
                        session.scan.cancel()
                    except Exception:
                        pass
                self._close(dev)
        finally:
            _restore_sigpipe()
            _LOCK.release()
        if last is not None:
            yield last
