"""Benchmark of the mediators' console, run stand-alone:

    .venv/bin/python benchmarks/bench_console.py [--changes 100]

It starts a real mosquitto on a free loopback port, the console (uvicorn, in
a thread) and Debian's headless chromium on the board page (Playwright, 360x740),
then changes a kiosk's state N times (step 1, 2, … of its procedure) and
measures, for each change, the time from the kiosk's publish to the page
showing that step (the page stamps ``Date.now()`` when it draws; same
machine, same clock). Baseline, in the same run: the broker's own round trip,
a publish to a subscriber of the console's login (paho to paho), N times.
Goal: p95 ≤ 250 ms. Bounded: about 20 s.
"""

from __future__ import annotations

import argparse
import getpass
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "console"))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def broker_round_trip(broker, n: int) -> list[float]:
    import paho.mqtt.client as mqtt

    got = threading.Event()
    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-sub")
    sub.username_pw_set("console", broker.passwords["console"])
    topic = f"pointnum/{broker.site}/kiosk/borne9/state"
    sub.on_message = lambda *_a: got.set()
    sub.connect("127.0.0.1", broker.port)
    sub.subscribe(topic, qos=1)
    sub.loop_start()
    pub = broker.kiosk_bus("borne9")
    pub.start()
    pub.wait_connected(10)
    time.sleep(0.3)  # the subscription settled
    got.clear()
    from sitebus import KioskState

    times = []
    for i in range(n):
        got.clear()
        t0 = time.perf_counter()
        pub.publish_state(KioskState(state="en cours", procedure="permis_perte", step=i + 1, steps=n, since=1))
        if not got.wait(5):
            raise SystemExit("the broker did not deliver within 5 s")
        times.append((time.perf_counter() - t0) * 1000)
    pub.stop()
    sub.loop_stop()
    sub.disconnect()
    return times


def console_page(broker, n: int) -> list[float]:
    from console_support import PIN, ConsoleServer
    from playwright.sync_api import sync_playwright

    from sitebus import KioskState
    from sitebus.pins import hash_pin

    server = ConsoleServer(broker, {"bench": hash_pin(PIN)})
    kiosk = broker.kiosk_bus("borne1")
    kiosk.start()
    kiosk.wait_connected(10)
    times = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
            page.goto(server.url)
            page.fill("#pin", PIN)
            page.click("button[type=submit]")
            page.wait_for_selector("[data-kiosk=borne1]")
            for i in range(n):
                t0 = time.time() * 1000
                kiosk.publish_state(
                    KioskState(state="en cours", procedure="permis_perte", step=i + 1, steps=n, since=1)
                )
                page.wait_for_selector(f"[data-kiosk=borne1][data-step='{i + 1}']", timeout=5000)
                times.append(page.evaluate("window.renderedAt") - t0)
            browser.close()
    finally:
        kiosk.stop()
        server.stop()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=100)
    args = parser.parse_args()
    from bus_support import SiteBroker

    with tempfile.TemporaryDirectory() as folder:
        broker = SiteBroker(Path(folder) / "broker", kiosks=("borne1", "borne9")).start()
        try:
            base = broker_round_trip(broker, args.changes)
            page = console_page(broker, args.changes)
        finally:
            broker.stop()
    print(f"{args.changes} state changes (mosquitto on loopback, run as {getpass.getuser()}):")
    print(f"  broker round trip (baseline)    p50 {pct(base, 50):7.1f} ms   p95 {pct(base, 95):7.1f} ms")
    print(
        f"  kiosk change -> console page    p50 {pct(page, 50):7.1f} ms   p95 {pct(page, 95):7.1f} ms"
        f"   (goal p95 <= 250 ms: {'met' if pct(page, 95) <= 250 else 'NOT met'})"
    )
    print(f"  mean page {statistics.mean(page):.1f} ms, max {max(page):.1f} ms")


if __name__ == "__main__":
    main()
