"""The console in Debian's headless chromium (Playwright), on a phone-sized
viewport: PIN login, the live states of two kiosks running in their own
processes over a real mosquitto, a call and its acknowledgement seen on both
sides; no personal data in its traffic or its logs."""

import io

from console_support import PIN, ConsoleServer

from support import wait_until

PHONE = {"width": 360, "height": 740}


def login(page, url, pin=PIN):
    page.goto(url)
    page.fill("#pin", pin)
    page.click("button[type=submit]")


def test_login_live_states_a_call_and_its_ack_on_a_phone(site_broker, pin_hash, kiosk_process, browser):
    logs = io.StringIO()
    server = ConsoleServer(site_broker, {"camille": pin_hash}, log_stream=logs)
    traffic = []
    try:
        one, two = kiosk_process(site_broker, "borne1"), kiosk_process(site_broker, "borne2")
        wait_until(lambda: one.heard("connected") and two.heard("connected"), message="both kiosks connected")
        one.send("state en_cours permis_perte 3 7")
        two.send("state libre")
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.on("request", lambda r: traffic.append(r.url + " " + (r.post_data or "")))
        page.on("response", lambda r: traffic.append(r.url))

        # A wrong PIN first: told, not let in.
        login(page, server.url, "000000")
        assert page.locator(".error").inner_text() == "Code incorrect."
        login(page, server.url)
        cookie = next(c for c in context.cookies() if c["name"] == "pointnum_console")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

        b1, b2 = page.locator("[data-kiosk=borne1]"), page.locator("[data-kiosk=borne2]")
        b1.wait_for()
        b2.wait_for()
        assert "En cours : permis_perte, étape 3/7" in b1.locator(".state").inner_text()
        assert b2.locator(".state").inner_text() == "Libre"
        # Live: a change on a kiosk reaches the page without a reload.
        two.send("state en_cours carte_grise_cession 1 5")
        page.wait_for_selector("[data-kiosk=borne2][data-state='en cours']")

        # The phone's width: nothing wider than the viewport.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        one.send("call")
        one.expect("delivered")
        page.wait_for_selector("[data-kiosk=borne1][data-call=waiting]")
        assert page.locator("[data-kiosk]").first.get_attribute("data-kiosk") == "borne1"  # calls first
        assert "Aide demandée depuis" in b1.inner_text()
        button = b1.locator("button.ack")
        box = button.bounding_box()
        assert box["width"] >= 48 and box["height"] >= 48 and box["x"] + box["width"] <= PHONE["width"]
        button.click()
        wait_until(lambda: one.heard("acked"), message="the acknowledgement on the kiosk")
        page.wait_for_selector("[data-kiosk=borne1][data-call=acked]")
        assert "Un médiateur arrive" in b1.inner_text()
        assert not two.heard("acked")

        # The kiosk dies: the page shows it offline (its last will).
        one.proc.kill()
        page.wait_for_selector("[data-kiosk=borne1][data-state='hors ligne']", timeout=10000)
        context.close()
    finally:
        server.stop()
    text = logs.getvalue()
    assert PIN not in text
    assert [t for t in traffic if PIN in t] == [f"{server.url}/login pin={PIN}"]  # the login's own POST only
    assert "borne1" in text  # the logs name the kiosk, and nothing of a person


def test_actions_need_the_session_and_its_csrf_token(site_broker, pin_hash, kiosk_process):
    import requests

    server = ConsoleServer(site_broker, {"camille": pin_hash})
    try:
        one = kiosk_process(site_broker, "borne1")
        wait_until(lambda: one.heard("connected"), message="connected")
        one.send("call")
        one.expect("delivered")
        url = server.url
        with requests.Session() as anonymous:
            assert anonymous.post(url + "/ack/borne1").status_code == 401
            assert anonymous.get(url + "/events").status_code == 401
        with requests.Session() as client:
            assert client.post(url + "/login", data={"pin": PIN}, allow_redirects=False).status_code == 303
            # A forged request from another site carries the cookie but not the token.
            assert client.post(url + "/ack/borne1").status_code == 403
            assert client.post(url + "/ack/borne1", headers={"X-CSRF-Token": "guess"}).status_code == 403
            login = next(iter(server.app.state.logins.values()))
            assert client.post(url + "/ack/borne1", headers={"X-CSRF-Token": login.csrf}).status_code == 204
        wait_until(lambda: one.heard("acked"), message="acked")
    finally:
        server.stop()


def test_five_wrong_pins_lock_the_login(site_broker, pin_hash):
    import requests

    server = ConsoleServer(site_broker, {"camille": pin_hash})
    try:
        with requests.Session() as client:
            for _ in range(5):
                assert client.post(server.url + "/login", data={"pin": "111111"}).status_code == 401
            locked = client.post(server.url + "/login", data={"pin": PIN}, allow_redirects=False)
            assert locked.status_code == 429 and "réessayez dans 5 min" in locked.text
            assert "pointnum_console" not in client.cookies
    finally:
        server.stop()
