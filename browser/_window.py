"""The locked window itself: WebKitGTK, run by Debian's Python (``python3-gi``,
``gir1.2-webkit2-4.1``) in a process of its own, started by
:class:`browser.LockedWindow`.

Why WebKitGTK and not Chromium: its website data manager can be ephemeral, so
cookies, cache and storage live in the process's memory and nowhere else, and
the ``decide-policy`` signal sees every navigation, redirect and new-window
request in this process, where the allow-list is enforced; Chromium's
allow-list is a machine-wide policy file under ``/etc`` and its profile a
folder on disk. The window draws its own bar (what site this is, "Annuler"),
and there is nothing else: no address bar, tabs, downloads, context menu,
developer tools or pop-ups.

Its own process: a crash of the web engine does not take the kiosk with it,
the kiosk's venv need not see ``gi``, and when the kiosk dies the window's
stdin closes and it quits. It speaks JSON lines: the settings on argv[1], its
events on stdout (``ready``, ``page`` with its path, ``blocked``, ``download``, ``returned``,
``cancelled``, ``idle``, ``closed``),
``close`` on stdin. It prints no URL (a URL may hold a code or a state).
"""

from __future__ import annotations

import json
import os
import sys
import time
from urllib.parse import urlsplit

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
# Run as a script (its folder first on sys.path): the one module of the project it needs.
from _allow import allowed, host_of  # type: ignore[import-not-found]  # noqa: E402
from gi.repository import Gdk, GLib, Gtk, WebKit2  # noqa: E402

NO_DOWNLOAD = "La borne n'enregistre aucun fichier. Continuez sur la page ou touchez « Annuler »."
SETTLE_MS = 50
SETTLE_TRIES = 60
BLOCKED = "Cette page n'est pas autorisée sur la borne ({host}). Continuez sur la page ou touchez « Annuler »."


def emit(event: str, **data: object) -> None:
    sys.stdout.write(json.dumps({"event": event, **data}) + "\n")
    sys.stdout.flush()


class Window:
    def __init__(self, config: dict) -> None:
        self.started = time.monotonic()
        self.allow: list[str] = list(config["allow"])
        self.redirect: str = config["redirect"]
        self.idle_s: float = float(config.get("idle_seconds", 180))
        self.ended = False
        self.ready = False

        manager = WebKit2.WebsiteDataManager.new_ephemeral()
        context = WebKit2.WebContext.new_with_website_data_manager(manager)
        context.set_cache_model(WebKit2.CacheModel.DOCUMENT_VIEWER)
        context.connect("download-started", self.on_download)
        self.view = WebKit2.WebView.new_with_context(context)
        settings = self.view.get_settings()
        settings.set_enable_developer_extras(False)
        settings.set_javascript_can_open_windows_automatically(False)
        settings.set_enable_write_console_messages_to_stdout(False)
        settings.set_enable_back_forward_navigation_gestures(False)
        self.view.connect("decide-policy", self.on_policy)
        self.view.connect("create", lambda *_: None)  # a pop-up: no window is made
        self.view.connect("context-menu", lambda *_: True)  # no menu (no "Inspect element")
        self.view.connect("load-changed", self.on_load)
        self.view.connect("web-process-terminated", lambda *_: self.end("failed"))

        self.window = Gtk.Window(title=config.get("title", "Connexion sécurisée"))
        self.window.set_decorated(False)
        self.window.connect("delete-event", self.on_delete)
        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL)
        bar = Gtk.Box(orientation=Gtk.Orientation.HORIZONTAL, spacing=12)
        bar.set_border_width(8)
        self.site = Gtk.Label(xalign=0)
        cancel = Gtk.Button.new_with_mnemonic("_" + config.get("cancel_label", "Annuler"))  # Alt+A too
        cancel.set_name("annuler")
        cancel.set_can_focus(False)  # Tab and Return stay in the page; a touch or Alt+A reaches it
        cancel.connect("clicked", lambda *_: self.end("cancelled"))
        bar.pack_start(self.site, True, True, 0)
        bar.pack_end(cancel, False, False, 0)
        self.told = Gtk.Label(xalign=0)
        self.told.set_line_wrap(True)
        box.pack_start(bar, False, False, 0)
        box.pack_start(self.told, False, False, 0)
        box.pack_start(self.view, True, True, 0)
        self.window.add(box)
        width, height = int(config.get("width", 0)), int(config.get("height", 0))
        if width and height:
            self.window.set_default_size(width, height)
            self.window.move(0, 0)
        else:
            self.window.fullscreen()
        self.window.add_events(Gdk.EventMask.KEY_PRESS_MASK | Gdk.EventMask.BUTTON_PRESS_MASK)
        self.window.connect("event", self.on_input)
        self.idle_timer = GLib.timeout_add(int(self.idle_s * 1000), self.on_idle)
        GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR, self.on_stdin)
        self.window.show_all()
        self.view.grab_focus()
        self.view.load_uri(config["url"])

    def on_delete(self, *_args) -> bool:
        self.end("cancelled")
        return True

    def on_download(self, context, download) -> None:
        download.cancel()  # nothing is saved: the kiosk has no downloads
        self.told.set_text(NO_DOWNLOAD)
        emit("download")

    # -- the allow-list ---------------------------------------------------------------
    def on_policy(self, view, decision, kind) -> bool:
        if kind == WebKit2.PolicyDecisionType.RESPONSE:
            if not decision.is_mime_type_supported():
                decision.ignore()  # what the engine cannot show would be a download
                self.told.set_text(NO_DOWNLOAD)
                emit("download")
                return True
            return False
        uri = decision.get_navigation_action().get_request().get_uri()
        if kind == WebKit2.PolicyDecisionType.NEW_WINDOW_ACTION:
            decision.ignore()
            if allowed(uri, self.allow):
                view.load_uri(uri)  # a target=_blank link opens here, not in a new window
            return True
        if not allowed(uri, self.allow):
            decision.ignore()
            host = host_of(uri) or uri.split(":", 1)[0]
            self.told.set_text(BLOCKED.format(host=host))
            emit("blocked", host=host)
            return True
        return False

    def on_load(self, view, event) -> None:
        if event == WebKit2.LoadEvent.COMMITTED:
            uri = view.get_uri() or ""
            self.site.set_text(host_of(uri))
            if not uri.startswith(self.redirect):
                self.told.set_text("")
        if event == WebKit2.LoadEvent.FINISHED:
            if not self.ready:
                self.ready = True
                emit("ready", seconds=round(time.monotonic() - self.started, 3))
            self.settle(urlsplit(view.get_uri() or "").path, 0)
            if (view.get_uri() or "").startswith(self.redirect):
                self.end("returned")

    def settle(self, path: str, tries: int) -> None:
        """Tell the page (its path only: a query may hold a code) once WebKit has given its
        autofocus field the focus, which it does after the load: what is typed then lands in
        it. Asked in a script world of the window's own, which the page's scripts cannot see."""

        def answered(view, result) -> None:
            try:
                focused = view.evaluate_javascript_finish(result).to_string()
            except GLib.Error:
                focused = ""
            if focused or tries >= SETTLE_TRIES:
                emit("page", path=path, focus=focused)
            else:
                GLib.timeout_add(SETTLE_MS, self.settle_again, path, tries + 1)

        script = "(document.activeElement && document.activeElement !== document.body) ? document.activeElement.id : ''"
        self.view.evaluate_javascript(script, -1, "pointnum-window", None, None, answered)

    def settle_again(self, path: str, tries: int) -> bool:
        self.settle(path, tries)
        return False  # once

    # -- idle, input, the kiosk's orders --------------------------------------------------
    def on_input(self, widget, event) -> bool:
        if event.type in (Gdk.EventType.KEY_PRESS, Gdk.EventType.BUTTON_PRESS, Gdk.EventType.TOUCH_BEGIN):
            GLib.source_remove(self.idle_timer)
            self.idle_timer = GLib.timeout_add(int(self.idle_s * 1000), self.on_idle)
        return False

    def on_idle(self) -> bool:
        self.end("idle")
        return False

    def on_stdin(self, fd, condition) -> bool:
        line = os.read(fd, 4096) if condition & GLib.IO_IN else b""
        if not line or b"close" in line:
            self.end("closed")
            return False
        return True

    def end(self, reason: str) -> None:
        if self.ended:
            return
        self.ended = True
        emit(reason)
        self.view.stop_loading()
        Gtk.main_quit()


def main() -> int:
    config = json.loads(sys.argv[1])
    Window(config)
    Gtk.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
