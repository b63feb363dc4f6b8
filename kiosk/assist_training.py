"""Training mode ("Mode formation"), switched by a mediator in assist mode,
never by a user: the kiosk files its demandes with the bundled mock (its store
in RAM), shows a banner on every screen, prints "FORMATION — SANS VALEUR" on
every receipt and every A4 page, and its statistics are counted apart
(session/stats.py's ``training``). Leaving it stops the mock and returns to
the site's backend. A session open when the mode changes is ended first: no
demande starts against one backend and ends against the other.
"""

from __future__ import annotations

import dataclasses
import io
import logging
from pathlib import Path
from typing import Any

from kivy.event import EventDispatcher
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from .widgets.common import KRow

log = logging.getLogger(__name__)

MARK = "FORMATION — SANS VALEUR"


class MarkedReceipts:
    """The receipt printer, with the training mark on every receipt while ``on``."""

    def __init__(self, printer: Any) -> None:
        self._printer, self.on = printer, False

    def print_receipt(self, receipt: Any) -> None:
        if self.on:
            receipt = dataclasses.replace(
                receipt, title=f"{MARK}\n{receipt.title}", footer=[MARK, *receipt.footer, MARK]
            )
        self._printer.print_receipt(receipt)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._printer, name)


class MarkedPages:
    """The A4 printer, with the training mark stamped on every page while ``on``."""

    def __init__(self, printer: Any) -> None:
        self._printer, self.on = printer, False

    def print_pdf(self, pdf: bytes, *args: Any, **kwargs: Any) -> int:
        return int(self._printer.print_pdf(stamp(pdf) if self.on else pdf, *args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._printer, name)


def stamp(pdf: bytes) -> bytes:
    """Every page of ``pdf`` with MARK at its top and bottom (reportlab draws it, pikepdf lays it over)."""
    import pikepdf
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica-Bold", 16)
    c.setFillColorRGB(0.8, 0, 0)
    c.drawCentredString(A4[0] / 2, A4[1] - 22, MARK)
    c.drawCentredString(A4[0] / 2, 14, MARK)
    c.save()
    overlay = pikepdf.open(io.BytesIO(buf.getvalue()))
    doc = pikepdf.open(io.BytesIO(pdf))
    for page in doc.pages:
        pikepdf.Page(page).add_overlay(overlay.pages[0], None)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


class Training(EventDispatcher):
    on = BooleanProperty(False)
    switching = BooleanProperty(False)
    error = StringProperty("")

    def __init__(self, controller: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.controller, self.services = controller, services
        self.receipts = MarkedReceipts(services.printer)
        self.pages = MarkedPages(services.a4) if services.a4 is not None else None  # an A4 printer may be absent
        services.printer = self.receipts
        if self.pages is not None:
            services.a4 = self.pages
        self._mock: Any = None
        self._real_url = services.settings.ants.base_url
        self._real_codes = services.settings.ui.show_demo_codes

    def toggle(self) -> None:
        if self.switching:
            return
        if self.controller.flow is not None:
            self.controller.finish("abandoned")
        self.switching = True
        if self.on:
            self.controller.jobs.submit(self._stop_mock, on_done=self._left, on_error=self._failed)
        else:
            self.controller.jobs.submit(self._start_mock, on_done=self._entered, on_error=self._failed)

    def _start_mock(self) -> Any:
        from config.factories import BundledMock

        return BundledMock(self.services.settings).start()

    def _entered(self, mock: Any) -> None:
        self._mock = mock
        self._set(True, mock.url)

    def _stop_mock(self) -> None:
        if self._mock is not None:
            self._mock.stop()  # its store was in RAM: gone with it

    def _left(self, _result: Any = None) -> None:
        self._mock = None
        self._set(False, self._real_url)

    def _set(self, on: bool, url: str) -> None:
        settings = self.services.settings
        settings.ants.base_url = url
        settings.ui.show_demo_codes = on or self._real_codes  # the checklist shows the mock's codes
        if self.services.stats is not None:
            self.services.stats.training = on or settings.site.training
        self.receipts.on = on
        if self.pages is not None:
            self.pages.on = on
        self.switching, self.on, self.error = False, on, ""
        log.info("training mode %s", "on" if on else "off")

    def _failed(self, exc: BaseException) -> None:
        self.switching = False
        self.error = "Le mode formation n'a pas pu démarrer."
        log.warning("training mode not switched: %s", type(exc).__name__)

    def stop(self) -> None:
        self._stop_mock()


class TrainingBanner(KRow):
    training = ObjectProperty(None)


Builder.load_file(str(Path(__file__).with_name("assist_training.kv")))


def attach_training(root: Any, controller: Any, services: Any) -> Training:
    training = Training(controller, services)
    column = root.ids.topbar.parent
    banner = TrainingBanner(training=training)
    column.add_widget(banner, index=column.children.index(root.ids.topbar))
    root.ids["training_banner"] = banner
    controller.training = training
    assist = getattr(controller, "assist", None)
    if assist is not None:
        training.bind(on=lambda _t, on: setattr(assist, "training_on", on))
    return training
