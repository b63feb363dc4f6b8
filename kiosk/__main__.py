"""``kiosk``: the touchscreen app.

``kiosk --demo`` also starts the bundled mock ANTS backend and uses the
simulated scanner and a capture printer, unless real devices are configured.
On a machine with no screen, the demo runs offscreen through every screen of
a procedure and says where its screenshots are.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from importlib import resources
from pathlib import Path

from config import ConfigError, load_settings
from config._settings import SITE_FILE


def _prepare_kivy(settings, windowed: bool) -> None:
    """Kivy reads its environment at import: set it first."""
    # Kivy's own files (config, any log) stay in RAM beside the workspaces.
    home = (
        settings.workspace_root().parent / f"pointnum-kivy-{os.getuid()}" if not os.environ.get("KIVY_HOME") else None
    )
    if home is not None:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.environ["KIVY_HOME"] = str(home)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")  # no log files of Kivy's own
    os.environ.setdefault("KIVY_CLIPBOARD", "sdl2")  # the window's own clipboard: no xclip/xsel probing
    if settings.ui.dpi:
        os.environ["KIVY_DPI"] = str(settings.ui.dpi)  # 15 mm targets measured on the real screen
    from kivy.config import Config

    from . import _cutbuffer

    _cutbuffer.disable()  # no X primary selection, and no CRITICAL line looking for one

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "keyboard_mode", "system")
    Config.set("kivy", "log_enable", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("graphics", "width", str(settings.ui.width))
    Config.set("graphics", "height", str(settings.ui.height))
    Config.set("graphics", "fullscreen", "0" if windowed or not settings.ui.fullscreen else "auto")
    Config.set("graphics", "show_cursor", "1" if windowed else "0")
    Config.set("graphics", "maxfps", str(settings.ui.max_fps))
    # No developer tools on a kiosk: Kivy's inspector, console, monitor and
    # screen modules stay unloaded, and the F1 settings panel never opens.
    for module in Config.options("modules") if Config.has_section("modules") else ():
        Config.remove_option("modules", module)
    Config.set("kivy", "desktop", "0")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk", description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="start the bundled mock backend, simulated devices")
    parser.add_argument("--config", action="append", default=[], help="site file (repeatable)")
    parser.add_argument("--windowed", action="store_true", help="not fullscreen, cursor shown")
    parser.add_argument("--screenshots", default="", help="headless demo: where to write the screenshots")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    files = list(args.config)
    if args.demo:
        files.insert(0, str(resources.files("config").joinpath("sites/demo.toml")))
    elif not files and SITE_FILE.exists():
        files = [str(SITE_FILE)]
    try:
        settings = load_settings(*files)
        problem = settings.backend_error(files)
        if problem is not None:  # no backend named: out of order, never a default address that serves no API
            raise problem
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        from .out_of_order import show, under_systemd

        # Under its unit: "hors service" on the screen, not a restart loop (kiosk/out_of_order.py).
        return show(str(exc)) if under_systemd() else 2

    from session.wipe import use_private_tmp

    use_private_tmp(settings.temp_dir())  # what libraries write to "/tmp" goes to RAM, where the wipe looks
    headless = args.demo and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
    _prepare_kivy(settings, windowed=args.windowed or args.demo)

    from config.factories import build_services, start_bundled_mock
    from session.logbuffer import install as install_recent_log

    mock = start_bundled_mock(settings) if settings.ants.start_bundled_mock else None
    try:
        recent = install_recent_log()
        services = build_services(settings, recent_log=recent)
        purged = services.purge_leftovers()  # before anything is shown
        if purged:
            logging.getLogger("kiosk").warning("removed %d workspace(s) left by a previous run", purged)
        if headless:
            from .tour import run_headless_demo

            out = Path(args.screenshots or Path.cwd() / "demo-screens")
            try:
                shots = run_headless_demo(services, out)
            finally:
                services.close()
            print(f"No screen here: the demo ran offscreen through {len(shots)} screens.")
            print(f"Screenshots: {out}")
            return 0
        from .app import KioskApp

        try:
            app = KioskApp(services)
            # systemd stops the kiosk with SIGTERM: end the user's session and wipe, as on "Terminer".
            signal.signal(signal.SIGTERM, lambda *_: app.stop())
            app.run()
        finally:
            services.close()
        return 0
    finally:
        if mock:
            mock.stop()


if __name__ == "__main__":
    sys.exit(main())
