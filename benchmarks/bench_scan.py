"""Scan benchmark: what the kiosk's page pipeline costs and saves, beside what a
technician would script (``scanimage`` then ``img2pdf``), in the same run.

    .venv/bin/python benchmarks/bench_scan.py

1. Per A4 page at 300 dpi (the bundled sample documents, served by the
   simulated scanner): processing time (deskew, crop, encode) and output size,
   against ``img2pdf`` of the same page saved as PNG (what ``scanimage
   --format=png | img2pdf`` keeps: every pixel, losslessly).
2. End to end on SANE's ``test`` backend (a real SANE device, "Color pattern"
   picture, A4 at 300 dpi): ``ScanWorker`` (child process, scan, pipeline,
   file) plus img2pdf assembly, against ``scanimage --format=png`` then the
   ``img2pdf`` command.

SANE is configured in a temporary folder (SANE_CONFIG_DIR), as the tests do.
Bounded: a few runs of each, well under two minutes.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["PYINSANE_SINGLE_THREAD"] = "1"

from PIL import Image  # noqa: E402

from drivers.scanner import SAMPLES, SimulatedScanner  # noqa: E402
from drivers.scanner import pipeline as P  # noqa: E402

RUNS = 3
DPI = 300
IMG2PDF = str(Path(sys.executable).parent / "img2pdf")


def sane_config(folder: Path) -> Path:
    (folder / "dll.conf").write_text("test\n")
    lines = []
    for line in Path("/etc/sane.d/test.conf").read_text().splitlines():
        if line.strip().startswith("geometry_max"):
            line = "geometry_max 300.0"
        lines.append(line)
    (folder / "test.conf").write_text("\n".join(lines) + "\n")
    return folder


def median_time(fn, runs: int = RUNS):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def kib(n: int) -> str:
    return f"{n / 1024:8.0f} KiB"


def per_page(tmp: Path) -> None:
    print(f"1. Page pipeline, A4 at {DPI} dpi (median of {RUNS} runs)")
    print(
        f"{'document':42} {'skew':>6} {'deskew+crop+encode':>19} {'kiosk JPEG':>12} "
        f"{'| png→img2pdf':>14} {'size':>12} {'size ratio':>10}"
    )
    scanner = SimulatedScanner(SAMPLES)
    ratios, totals = [], []
    for index, document in enumerate(scanner.documents()):
        scanner._next = index
        (page,) = scanner.scan(resolution=DPI)
        elapsed, processed = median_time(lambda page=page: P.process_page(page.copy()))
        skew_time, _ = median_time(lambda page=page: P.find_skew(page))
        png = tmp / f"{document.stem}.png"
        page.save(png)  # what scanimage --format=png writes
        pdf = tmp / f"{document.stem}.pdf"
        tech_time, _ = median_time(
            lambda png=png, pdf=pdf: subprocess.run([IMG2PDF, str(png), "-o", str(pdf)], check=True)
        )
        ratio = pdf.stat().st_size / len(processed.data)
        ratios.append(ratio)
        totals.append(elapsed)
        print(
            f"{document.name:42} {processed.skew:+5.1f}° {elapsed:17.2f} s {kib(len(processed.data)):>12} "
            f"| {tech_time:10.2f} s {kib(pdf.stat().st_size):>12} {ratio:9.1f}×"
        )
        assert len(processed.data) <= P.DEFAULT_BUDGET
    print(
        f"   processing: median {statistics.median(totals):.2f} s a page (skew search {skew_time:.2f} s "
        f"of it on the last page); the technician's PDF is {statistics.median(ratios):.1f}× larger "
        f"(median), every kiosk page ≤ {P.DEFAULT_BUDGET // 1000} kB"
    )


def end_to_end(tmp: Path) -> None:
    from config import ScannerSettings
    from drivers.scanner.worker import ScanWorker

    print(f"\n2. End to end on SANE's test backend, A4 colour pattern at {DPI} dpi (median of {RUNS} runs)")
    tech_png, tech_pdf = tmp / "scan.png", tmp / "scan.pdf"

    def technician():
        subprocess.run(
            [
                "scanimage",
                "-d",
                "test:0",
                "--resolution",
                str(DPI),
                "--mode",
                "Color",
                "--test-picture",
                "Color pattern",
                "-l",
                "0",
                "-t",
                "0",
                "-x",
                "210",
                "-y",
                "297",
                "--format=png",
                "-o",
                str(tech_png),
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run([IMG2PDF, str(tech_png), "-o", str(tech_pdf)], check=True)

    tech_time, _ = median_time(technician)
    settings = ScannerSettings(driver="sane", device="test:0", resolution=DPI)
    settings.options = {"test-picture": "Color pattern"}
    with ScanWorker(settings) as worker:
        worker.start()
        runs = iter(range(RUNS))

        def kiosk():
            dest = tmp / f"kiosk-{next(runs)}"
            pages = worker.scan("flatbed", DPI, dest)
            return pages, P.assemble_pdf([p.path for p in pages])

        kiosk_time, (pages, pdf) = median_time(kiosk)
    with Image.open(tech_png) as image:
        size = image.size
    print(
        f"   scanimage --format=png + img2pdf : {tech_time:6.2f} s  {kib(tech_pdf.stat().st_size)}  "
        f"({size[0]}×{size[1]})"
    )
    print(
        f"   ScanWorker + pipeline + img2pdf  : {kiosk_time:6.2f} s  {kib(len(pdf))}  "
        f"({pages[0].width}×{pages[0].height}, {pages[0].mode}, JPEG q{pages[0].quality})"
    )
    print(
        f"   time ratio kiosk/technician {kiosk_time / tech_time:.2f}×, "
        f"size ratio technician/kiosk {tech_pdf.stat().st_size / len(pdf):.1f}×"
    )


def main() -> int:
    if not shutil.which("scanimage") or not Path("/etc/sane.d/test.conf").exists():
        print("SANE is not installed (apt-get install sane-utils libsane1)", file=sys.stderr)
        return 1
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        tmp = Path(tmp)
        os.environ["SANE_CONFIG_DIR"] = str(sane_config(Path(tempfile.mkdtemp(dir=tmp))))
        per_page(tmp)
        end_to_end(tmp)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
