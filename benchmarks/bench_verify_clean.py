"""Time of the leftovers search (``kioskctl verify-clean``) over a tree of
about 51,000 small files, with the needles of a real session.

    .venv/bin/python benchmarks/bench_verify_clean.py [--files 51000] [--rounds 3]

The needles: 20 values (names, a numéro, an e-mail...) in their 3 forms
(UTF-8, UTF-16, lower case), as ``needles_of`` makes them: about 60. The
files: text, JSON and binary, 0.5 to 40 KB, none holding a needle, so that
every byte is read (the worst case: a clean kiosk).

Measured in the same run, over the same tree:

- the new ``session.wipe.check_leftovers``: one Aho-Corasick pass;
- the old search, kept below as it was (a walk that resolves and stats
  each path, then ``any(n in window for n in needles)``: each chunk read
  once per needle); the baseline;
- the needle matching alone, on the same bytes in memory: the old loop,
  one regular expression alternating the needles (longest first), and the
  automaton; which part of the time is the matching, and why not the regex.

Goal: the new search at least 5 times faster than the old one.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import string
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from session.wipe import _Needles, check_leftovers, needles_of  # noqa: E402

# ---- the old search, as session/wipe.py had it: the baseline ----------------
OLD_MAX_FILE = 64 * 1024 * 1024
OLD_CHUNK = 1 << 20


def old_contains(path: Path, needles: set[bytes], longest: int) -> bool:
    try:
        with open(path, "rb") as fh:
            tail = b""
            while True:
                chunk = fh.read(OLD_CHUNK)
                if not chunk:
                    return False
                window = tail + chunk
                if any(n in window for n in needles):
                    return True
                tail = window[-(longest - 1) :] if longest > 1 else b""
    except OSError:
        return False


def old_walk(root: Path):
    for dirpath, dirnames, filenames in os.walk(root, onerror=lambda _e: None):
        dirnames[:] = [d for d in dirnames if os.access(os.path.join(dirpath, d), os.R_OK | os.X_OK)]
        for name in filenames:
            p = Path(dirpath, name)
            if p.is_file() and not p.is_symlink():
                yield p


def old_check_leftovers(places, needles: set[bytes], exclude=()) -> tuple[int, int]:
    excluded = tuple(str(Path(e).resolve()) + os.sep for e in exclude)
    longest = max((len(n) for n in needles), default=0)
    files_read = found = 0
    for place in places:
        place = Path(place)
        if not place.exists():
            continue
        for path in [place] if place.is_file() else old_walk(place):
            if excluded and str(path.resolve()).startswith(excluded):
                continue
            try:
                st = path.stat()
            except OSError:
                continue
            if st.st_size > OLD_MAX_FILE:
                continue
            files_read += 1
            found += old_contains(path, needles, longest)
    return files_read, found


# -----------------------------------------------------------------------------


def session_values(rng: random.Random) -> list[str]:
    """20 values such as one user's session holds."""

    def word(n):
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(n)).capitalize()

    values = [word(rng.randint(6, 10)) for _ in range(8)]  # noms, prénoms, commune, voie
    values += [
        f"{word(7).lower()}.{word(6).lower()}@exemple.fr",
        f"0{rng.randint(600000000, 799999999)}",
        f"{rng.randint(10, 99)}{word(2).upper()}{rng.randint(10000, 99999)}",  # NEPH-like
        f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/19{rng.randint(40, 99)}",
        f"{rng.randint(1000, 9999)} rue {word(6)}",
        f"PN{rng.randint(10**9, 10**10 - 1)}",  # numéro
        f"AB-{rng.randint(100, 999)}-CD",
        word(5) + " " + word(8),
    ]
    values += [f"page-{word(8).lower()}.jpg" for _ in range(20 - len(values))]  # workspace file names
    return values[:20]


def make_tree(root: Path, count: int, rng: random.Random) -> int:
    """``count`` files under ``root``, 50 per folder, 3 levels deep; returns their bytes."""
    words = ["".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(2, 9))) for _ in range(800)]
    texts = [(" ".join(rng.choice(words) for _ in range(rng.randint(80, 2500)))).encode() for _ in range(200)]
    jsons = [
        (
            "{"
            + ", ".join(f'"{rng.choice(words)}": {rng.randint(0, 10**6)}' for _ in range(rng.randint(30, 1000)))
            + "}"
        ).encode()
        for _ in range(100)
    ]
    blobs = [rng.randbytes(rng.randint(500, 20_000)) for _ in range(100)]
    total = 0
    for i in range(count):
        folder = root / f"d{i // 2500:02d}" / f"e{i // 50 % 50:02d}"
        if i % 50 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        data = rng.choice((texts, texts, jsons, blobs))[i % 100]
        (folder / f"f{i:05d}.dat").write_bytes(data)
        total += len(data)
    return total


def timed(fn):
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=51_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    rng = random.Random(20)
    needles = needles_of(session_values(rng))
    base = Path(tempfile.mkdtemp(prefix="bench-verify-clean-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
    try:
        size = make_tree(base, args.files, rng)
        new_s, old_s = [], []
        for _ in range(args.rounds):  # alternated, so that neither has the warmer cache
            t, report = timed(lambda: check_leftovers([base], needles, time_limit=3600, max_bytes=1 << 40))
            assert report.files_read == args.files and report.clean and report.complete, (
                f"{report.files_read} read, {len(report.findings)} found, {len(report.not_searched)} not searched"
            )
            new_s.append(t)
            t, (read, found) = timed(lambda: old_check_leftovers([base], needles, exclude=[base / "absent"]))
            assert read == args.files and not found
            old_s.append(t)

        sample = [p.read_bytes() for p in sorted(base.rglob("*.dat"))[:5000]]
        sample_mb = sum(map(len, sample)) / 1e6
        regex = re.compile(b"|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)))
        automaton = _Needles(needles)
        loop_t, _ = timed(lambda: [any(n in d for n in needles) for d in sample])
        regex_t, _ = timed(lambda: [regex.search(d) for d in sample])
        auto_t, _ = timed(lambda: [automaton.found_in(d) for d in sample])
    finally:
        shutil.rmtree(base, ignore_errors=True)

    new, old = statistics.median(new_s), statistics.median(old_s)
    print(
        f"tree: {args.files} files, {size / 1e6:.0f} MB, on {'tmpfs' if str(base).startswith('/dev/shm') else 'disk'}"
        f"; {len(needles)} needles from 20 values (UTF-8, UTF-16, lower case)"
    )
    print(f"new search (one pass):      median {new:.2f} s over {args.rounds} rounds ({size / 1e6 / new:.0f} MB/s)")
    print(f"old search (per needle):    median {old:.2f} s over {args.rounds} rounds ({size / 1e6 / old:.0f} MB/s)")
    print(f"ratio old / new: {old / new:.1f}x   [goal >= 5x: {'met' if old / new >= 5 else 'NOT met'}]")
    print(f"matching alone, {len(sample)} files ({sample_mb:.0f} MB) in memory:")
    print(
        f"  per-needle loop {loop_t * 1000:.0f} ms, regex alternation {regex_t * 1000:.0f} ms,"
        f" Aho-Corasick {auto_t * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
