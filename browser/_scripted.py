"""A person played by a script, in place of the window: ``kioskctl simulate``, the
demo's headless tour and the tests that need a login but no screen.

It walks the same pages as someone at the window would (ANTS's page, the
provider choice, the provider's login form, the timbre shop's card form),
follows only the allow-list, types what its ``persona`` says, reads what the
pages tell (:attr:`told`), and gives up the way a person does, by the page's own
"revenir à la borne" link. It has the window's interface (``open``/``close``).
The real window is :class:`browser.LockedWindow`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

from ._allow import allowed

#: How many pages a walk may take before it is a loop.
MAX_PAGES = 12


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self.form_action = ""
        self.inputs: dict[str, str] = {}
        self.errors: list[str] = []
        self._in_error = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("id"):
            self.links[a["id"]] = a.get("href", "")
        elif tag == "form":
            self.form_action = a.get("action", "")
        elif tag == "input" and a.get("name"):
            self.inputs[a["name"]] = a.get("value", "")
        elif a.get("class") == "erreur":
            self._in_error = True

    def handle_endtag(self, tag: str) -> None:
        self._in_error = False

    def handle_data(self, data: str) -> None:
        if self._in_error and data.strip():
            self.errors.append(data.strip())


class ScriptedBrowser:
    """``persona``: ``provider`` (impots, ameli, laposte), ``login``, ``password`` for
    FranceConnect; ``carte``, ``expiration``, ``cryptogramme`` for the shop; ``cancel``
    true to give up at the first page that offers it, ``retry_card`` a second card
    tried after a refusal."""

    def __init__(self, persona: Mapping[str, str] | None = None, allow: list[str] | None = None):
        self.persona = dict(persona or {})
        self.allow = list(allow or [])
        self.told: list[str] = []
        self.blocked: list[str] = []
        self.visited: list[str] = []
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def open(
        self, url: str, on_closed: Callable[[str], None], allow: list[str] | None = None, profile_dir: object = None
    ) -> None:
        allow_list = list(allow if allow is not None else self.allow)
        self._stop.clear()
        self._thread = threading.Thread(target=self._walk, args=(url, on_closed, allow_list), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(10)

    def _walk(self, url: str, on_closed: Callable[[str], None], allow_list: list[str]) -> None:
        reason = "closed"
        try:
            with requests.Session() as http:
                reason = self._pages(http, url, allow_list)
        except requests.RequestException:
            reason = "failed"
        finally:
            on_closed(reason)

    def _pages(self, http: requests.Session, url: str, allow_list: list[str]) -> str:
        method, data = "GET", None
        cards_tried = 0
        for _ in range(MAX_PAGES):
            if self._stop.is_set():
                return "closed"
            if not allowed(url, allow_list):
                self.blocked.append(urlsplit(url).netloc)
                return "blocked"
            self.visited.append(urlsplit(url).path)
            response = http.request(method, url, data=data, allow_redirects=False, timeout=10)
            method, data = "GET", None
            if response.is_redirect:
                url = urljoin(url, response.headers["Location"])
                continue
            page = _Page()
            page.feed(response.text)
            self.told += page.errors
            if urlsplit(url).hostname == "127.0.0.1" and not page.links and not page.inputs:
                return "returned"  # the kiosk's own loopback page
            if self.persona.get("cancel") or (page.errors and not self._retry(cards_tried)):
                if "annuler" not in page.links:
                    return "stuck"
                url = urljoin(url, page.links["annuler"])
                continue
            if "franceconnect" in page.links:
                url = urljoin(url, page.links["franceconnect"])
            elif "fi-" + self.persona.get("provider", "impots") in page.links:
                url = urljoin(url, page.links["fi-" + self.persona.get("provider", "impots")])
            elif "password" in page.inputs:
                method, url = "POST", urljoin(url, page.form_action)
                data = {**page.inputs, "login": self.persona.get("login", ""), "password": self.persona["password"]}
            elif "carte" in page.inputs:
                card = self.persona.get("carte", "") if not cards_tried else self.persona.get("retry_card", "")
                cards_tried += 1
                method, url = "POST", urljoin(url, page.form_action)
                data = {
                    **page.inputs,
                    "carte": card,
                    "expiration": self.persona.get("expiration", "12/39"),
                    "cryptogramme": self.persona.get("cryptogramme", "123"),
                }
            else:
                return "stuck"
        return "stuck"

    def _retry(self, cards_tried: int) -> bool:
        return cards_tried == 1 and bool(self.persona.get("retry_card"))
