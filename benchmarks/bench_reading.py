"""What reading the user's documents costs and saves, in one command:

    .venv/bin/python benchmarks/bench_reading.py

1. Time: each specimen page (tests/documents/specimens.py: identity card, older
   card, passport, bill with its 2D-Doc, photo sheet, timbre, récépissé) scanned
   as a 300-dpi flatbed gives it, then the page pipeline (crop, deskew, JPEG:
   drivers/scanner/pipeline.py) and the reading and checking
   (documents.read_page), each timed in this same run, on one core as in the
   scan worker's child. Goal: reading and checking ≤ 1 s a page.
2. Actions for "perte de permis": the kiosk without reading, counted by
   benchmarks/bench_touches.py (taps, swipes, key presses on the real window),
   beside the same path where the identity, the address, the photo code and the
   timbre come from the scans, and the ANTS web form's 154 actions (seed 003).
   The path with reading is a model (see WITH_READING): the kiosk's screens to
   confirm what was read by touch are not yet in; the count without reading is
   the last figure bench_touches.py printed (BASELINE_KIOSK).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "documents")]

#: Goal per page, seconds.
GOAL_SECONDS = 1.0
#: The web form of seed 003, as bench_touches.py counts it.
WEB_MEASURED = 154
GOAL_ACTIONS = 46
#: Characters the DEMO_USER types in "perte de permis" on the kiosk without reading, by field
#: (kiosk/tour.py DEMO_USER), and the fixed taps of the same path (choices, Suivant, scans, recap).
TYPED = {
    "nom_naissance": "Lefèvre",
    "prenom1": "Anaïs",
    "date_naissance": "14/07/1985",
    "numero_voie": "12",
    "nom_voie": "rue des Écoles",
    "code_postal": "33000",
    "commune": "Bordeaux",
    "email": "anais.lefevre@orange.fr",
    "code_photo": "A1B2C3D4E5F6G7H8J9K0LM",
    "timbre": "1234567890123456",
}
#: Fields read from a scan, with the scan it comes from.
READ_FROM = {
    "nom_naissance": "identite",
    "prenom1": "identite",
    "date_naissance": "identite",
    "numero_voie": "domicile",
    "nom_voie": "domicile",
    "code_postal": "domicile",
    "commune": "domicile",
    "code_photo": "photo",
    "timbre": "timbre",
}
#: Taps with no typing on the kiosk's path (start, choice, checklist, motif, sexe, Suivant on each of
#: 7 steps, two scans, récap's attestation and Valider, Terminer), as bench_touches.py walks it.
FIXED_TAPS = 1 + 2 + 1 + 1 + 1 + 7 + 2 + 2 + 1


def key_presses(text: str) -> int:
    """On the kiosk's keyboard: one per character, one more for a capital not at a word's start
    (the kiosk capitalises names itself); an accented letter is one key (azerty layout)."""
    return len(text) + sum(1 for i, ch in enumerate(text) if ch.isupper() and i and text[i - 1] not in " -'")


def actions() -> tuple[int, int]:
    """(without reading, with reading) for "perte de permis"."""
    typing = sum(1 + key_presses(v) for v in TYPED.values())  # a tap into the field, then its keys
    without = FIXED_TAPS + typing
    kept = sum(1 + key_presses(v) for k, v in TYPED.items() if k not in READ_FROM)
    # with reading: the two pièces are scanned first (no extra tap), the photo sheet and the timbre print-out
    # are each one more scan tap; each scan's reading is confirmed with one tap ("C'est bien moi" / "Oui")
    scans_for_codes = 2
    confirmations = len(set(READ_FROM.values()))
    return without, FIXED_TAPS + kept + scans_for_codes + confirmations


def pages():  # type: ignore[no-untyped-def]
    import specimens
    from pages import FR_2X36, TD1, TD3

    today = dt.date.today()
    return [
        ("carte d'identité (3×30)", specimens.identity_page(TD1), "identite"),
        ("ancienne carte (2×36)", specimens.identity_page(FR_2X36, kind="cni-2x36"), "identite"),
        ("passeport (2×44)", specimens.identity_page(TD3, kind="passeport"), "identite"),
        ("facture 2D-Doc", specimens.bill(today - dt.timedelta(days=20)), "domicile"),
        ("planche photo", specimens.photo_sheet(), "photo"),
        ("timbre fiscal", specimens.timbre(), "timbre"),
        ("récépissé", specimens.recepisse(), "recepisse"),
    ]


def timing(rounds: int = 3) -> int:
    import specimens
    from PIL import Image

    from documents import read_page
    from drivers.scanner.pipeline import process_page

    print(f"Per page, {rounds} scans each (median, seconds):")
    print(f"  {'page':26s} {'pipeline':>9s} {'reading+checks':>15s}  read")
    worst = 0.0
    for name, document, expect in pages():
        pipe, read, ok = [], [], 0
        for seed in range(rounds):
            raw = specimens.scanned(document, seed=seed + 1)
            t0 = time.perf_counter()
            processed = process_page(raw)
            t1 = time.perf_counter()
            with Image.open(io.BytesIO(processed.data)) as page:
                page.load()
                t2 = time.perf_counter()
                reading = read_page(page, expect, raw=raw)
                t3 = time.perf_counter()
            pipe.append(t1 - t0)
            read.append(t3 - t2)
            ok += bool(reading.kind) and reading.refused is None
        worst = max(worst, statistics.median(read))
        print(f"  {name:26s} {statistics.median(pipe):9.2f} {statistics.median(read):15.2f}  {ok}/{rounds}")
    load = os.getloadavg()[0]
    print(f"  slowest reading {worst:.2f} s a page (goal ≤ {GOAL_SECONDS:g} s)")
    print(f"  load average {load:.1f} on {os.cpu_count()} cores while measuring")
    return 0 if worst <= GOAL_SECONDS else 1


def main() -> int:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    without, with_reading = actions()
    print('Actions for "perte de permis" (model, see the docstring):')
    print(f"  ANTS web form (seed 003, measured)   {WEB_MEASURED:4d}")
    share = 100 * without / WEB_MEASURED
    print(f"  kiosk, typing everything             {without:4d}  ({share:.0f} % of the web form)")
    print(
        f"  kiosk, reading the scans             {with_reading:4d}  ({100 * with_reading / WEB_MEASURED:.0f} % of the "
        f"web form, {100 * with_reading / without:.0f} % of the kiosk typing; goal ≤ {GOAL_ACTIONS})"
    )
    return timing()


if __name__ == "__main__":
    sys.exit(main())
