import pytest

from config import load_settings
from config.factories import build_services


@pytest.fixture(scope="session")
def kivy_window():
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    return EventLoop.window


@pytest.fixture
def make_services(workspace_root, tmp_path):
    made = []

    def make(**overrides):
        base = {
            "workspace": {"root": str(workspace_root)},
            "stats": {"path": str(tmp_path / "stats.db")},
        }
        for section, values in overrides.items():
            base.setdefault(section, {}).update(values)
        services = build_services(load_settings(overrides=base))
        made.append(services)
        return services

    yield make
    for services in made:
        services.close()


@pytest.fixture
def driver(kivy_window, make_services, request):  # closed before the services it uses
    from touch_kiosk import TouchKiosk as KioskDriver

    drivers = []

    def make(services, **clock):
        d = KioskDriver(services, **clock)
        drivers.append(d)
        return d

    yield make
    for d in drivers:
        d.close()
