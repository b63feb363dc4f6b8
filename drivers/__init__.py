"""Devices behind ports: ``drivers.scanner``, ``drivers.printer``, ``drivers.devices``.

Never imports Kivy, ``session`` or ``kiosk``: drivers know devices, not procedures."""
