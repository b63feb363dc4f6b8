"""A kiosk's bus in a process of its own, driven by lines on stdin and telling
what it hears on stdout (one line each): how the tests run two kiosks.

    python kiosk_process.py HOST PORT SITE KIOSK LOGIN PASSWORD
stdin: ``state STATE [PROCEDURE STEP STEPS]``, ``call``, ``cancel``, ``quit``
stdout: ``connected``, ``delivered ID``, ``undelivered ID REASON``, ``acked ID``, ``called ID``
"""

import sys
import threading
import time
from pathlib import Path

from sitebus import KioskBus, KioskState

sys.path.append(str(Path(__file__).resolve().parents[1]))  # the tests' own helpers, once sitebus is imported
from support import wait_until  # noqa: E402

_said = threading.Lock()
_print = print


def print(*words, flush=True):  # noqa: A001  (one whole line at a time, from either thread)
    with _said:
        sys.stdout.write(" ".join(str(w) for w in words) + "\n")
        sys.stdout.flush()


class Echo:
    def call_delivered(self, call_id):
        print("delivered", call_id, flush=True)

    def call_undelivered(self, call_id, reason):
        print("undelivered", call_id, reason, flush=True)

    def call_acknowledged(self, call_id):
        print("acked", call_id, flush=True)


def main() -> None:
    host, port, site, kiosk, login, password = sys.argv[1:7]
    bus = KioskBus(host=host, port=int(port), site=site, kiosk=kiosk, username=login, password=password, keepalive=2)
    bus.listener = Echo()
    bus.start()
    if bus.wait_connected(10):
        # The consoles' retained presence follows the connection by a moment: wait for it, bounded.
        try:
            wait_until(lambda: bus.consoles, 2, message="a console's presence")
        except AssertionError:
            pass  # no console on the bus: a case the tests make on purpose
        print("connected", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "state":
            procedure, step, steps = (words[2], int(words[3]), int(words[4])) if len(words) > 2 else ("", 0, 0)
            bus.publish_state(
                KioskState(
                    state=words[1].replace("_", " "),
                    procedure=procedure,
                    step=step,
                    steps=steps,
                    since=int(time.time()),
                )
            )
            print("state", flush=True)
        elif words[0] == "call":
            print("called", bus.call(), flush=True)
        elif words[0] == "cancel":
            bus.cancel()
            print("cancelled", flush=True)
        elif words[0] == "quit":
            bus.stop()
            return


if __name__ == "__main__":
    main()
