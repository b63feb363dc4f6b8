"""A throwaway CUPS scheduler for the A4 tests (its own port, folders and
queues; nothing in /etc touched), and pdftotext to read back what came out.

Debian puts cupsd and lpadmin in /usr/sbin, off an ordinary user's PATH: the
system tools are called by their real paths, and a missing one is named with
the Debian package that brings it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from support import wait_until

#: The system files these tests use, and the Debian package of each.
CUPSD = "/usr/sbin/cupsd"
LPADMIN = "/usr/sbin/lpadmin"
CUPSDISABLE = "/usr/sbin/cupsdisable"
PDFTOTEXT = "/usr/bin/pdftotext"
PDFFONTS = "/usr/bin/pdffonts"
CUPS_LIB = Path("/usr/lib/cups")
GENERIC_PDF_PPD = "/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd"
PACKAGES = {
    CUPSD: "cups-daemon",
    LPADMIN: "cups-client",
    CUPSDISABLE: "cups-client",
    "/usr/bin/lp": "cups-client",
    str(CUPS_LIB / "filter/pdftopdf"): "cups-filters-core-drivers",
    GENERIC_PDF_PPD: "cups-filters",
    PDFTOTEXT: "poppler-utils",
    PDFFONTS: "poppler-utils",
}


def require(*paths: str) -> None:
    """Fail, naming each missing file and its Debian package."""
    missing = [path for path in paths if not Path(path).exists()]
    if missing:
        packages = sorted({PACKAGES[path] for path in missing})
        pytest.fail(
            f"missing {', '.join(missing)}: install Debian's {' '.join(packages)} "
            f"(sudo apt-get install {' '.join(packages)})",
            pytrace=False,
        )


# A CUPS backend of our own: writes each job into the folder named by its
# device URI, or reports the fault written in that folder's "fault" file and
# stops the queue, as a real printer's backend does.
BACKEND = r"""#!/bin/sh
if [ $# -eq 0 ]; then echo 'direct kiosktest "Unknown" "Kiosk test printer"'; exit 0; fi
dir="${DEVICE_URI#kiosktest:}"
fault="$(cat "$dir/fault" 2>/dev/null)"
case "$fault" in
  paper-out) echo "STATE: +media-empty-error" >&2; echo "ERROR: out of paper" >&2; exit 4 ;;
  cover-open) echo "STATE: +cover-open-error" >&2; echo "ERROR: cover open" >&2; exit 4 ;;
  jam) echo "STATE: +media-jam-error" >&2; echo "ERROR: paper jam" >&2; exit 4 ;;
esac
if [ $# -ge 6 ]; then cat "$6"; else cat; fi > "$dir/job-$1.tmp" && mv "$dir/job-$1.tmp" "$dir/job-$1.out"
exit 0
"""


def cups_files_conf(root: Path) -> str:
    """Every path of the scheduler under ``root``; each directive has its value
    (cups-daemon 2.4.2-3+deb12u10 refuses one without: "Missing value for ...")."""
    r = root
    return (
        f"ServerRoot {r}/etc\nRequestRoot {r}/spool\nTempDir {r}/spool/tmp\nCacheDir {r}/cache\n"
        f"StateDir {r}/state\nServerBin {r}/bin\nServerKeychain {r}/ssl\nDataDir /usr/share/cups\n"
        f"AccessLog {r}/log/access_log\nErrorLog {r}/log/error_log\nPageLog {r}/log/page_log\n"
        f"Printcap {r}/state/printcap\nFileDevice Yes\n"
    )


class ThrowawayCups:
    """cupsd with its own ServerRoot, spool, logs and port (PLATFORM.md).

    Run as root (CI is root), it works the same as an ordinary user:
    everything lives in a fresh folder of mode 0755 (the filters run as ``lp``
    when cupsd is root, and must read the spool), our backend is 0700 so
    cupsd runs it as the scheduler's own user."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="pointnum-cups-"))
        self.root.chmod(0o755)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc: subprocess.Popen | None = None
        self._queues = 0

    def start(self) -> ThrowawayCups:
        r = self.root
        for sub in ("etc/ppd", "spool/tmp", "cache", "state", "log", "ssl", "bin/backend"):
            (r / sub).mkdir(parents=True, exist_ok=True)
        for sub in ("etc", "etc/ppd", "spool", "spool/tmp", "cache", "state", "log", "bin", "bin/backend"):
            (r / sub).chmod(0o755)
        (r / "ssl").chmod(0o700)
        for name in ("cgi-bin", "daemon", "driver", "filter", "monitor", "notifier"):
            (r / "bin" / name).symlink_to(CUPS_LIB / name)
        for backend in (CUPS_LIB / "backend").iterdir():
            (r / "bin/backend" / backend.name).symlink_to(backend)
        ours = r / "bin/backend/kiosktest"
        ours.write_text(BACKEND)
        ours.chmod(0o700)
        (r / "etc/cupsd.conf").write_text(
            f"Listen 127.0.0.1:{self.port}\nLogLevel info\nWebInterface No\nBrowsing No\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
        )
        (r / "etc/cups-files.conf").write_text(cups_files_conf(r))
        self._output = open(r / "log/cupsd.out", "wb")
        self.proc = subprocess.Popen(
            [CUPSD, "-f", "-c", str(r / "etc/cupsd.conf"), "-s", str(r / "etc/cups-files.conf")],
            stdout=self._output,
            stderr=subprocess.STDOUT,
        )

        def up():
            if self.proc.poll() is not None:
                raise AssertionError(f"cupsd exited with status {self.proc.returncode}:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                return False

        wait_until(up, 15, message="cupsd to listen")
        return self

    def log(self) -> str:
        """What cupsd said: its standard output and error (configuration errors), then its error_log."""
        return "\n".join(
            path.read_text(errors="replace")
            for path in (self.root / "log/cupsd.out", self.root / "log/error_log")
            if path.exists()
        )

    def add_queue(self) -> tuple[str, Path]:
        """A new queue with the generic PDF driver and our backend; its output folder."""
        self._queues += 1
        name = f"A4-{self._queues}"
        out = self.root / "out" / name
        out.mkdir(parents=True)
        out.chmod(0o755)
        subprocess.run(
            [
                LPADMIN,
                "-h",
                f"127.0.0.1:{self.port}",
                "-p",
                name,
                "-E",
                "-v",
                f"kiosktest:{out}",
                "-P",
                GENERIC_PDF_PPD,
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
        return name, out

    @staticmethod
    def printed(out: Path, job_id: int) -> bytes:
        """What the queue's backend received for ``job_id``, once it is there."""
        path = out / f"job-{job_id}.out"
        return wait_until(lambda: path.exists() and path.read_bytes(), 15, message=f"job {job_id} in {out}")

    def disable(self, queue: str) -> None:
        """Stop a queue, as a technician's ``cupsdisable`` does."""
        subprocess.run(
            [CUPSDISABLE, "-h", f"127.0.0.1:{self.port}", queue], check=True, capture_output=True, timeout=30
        )

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if getattr(self, "_output", None):
            self._output.close()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def cups_server():
    require(CUPSD, LPADMIN, CUPSDISABLE, "/usr/bin/lp", str(CUPS_LIB / "filter/pdftopdf"), GENERIC_PDF_PPD, PDFTOTEXT)
    server = ThrowawayCups().start()
    yield server
    server.stop()


@pytest.fixture
def pdftotext(tmp_path):
    """Read a PDF's text back with poppler's pdftotext (layout kept)."""
    require(PDFTOTEXT)

    def read(data: bytes) -> str:
        path = tmp_path / "read.pdf"
        path.write_bytes(data)
        return subprocess.run(
            [PDFTOTEXT, "-layout", str(path), "-"], check=True, capture_output=True, text=True, timeout=30
        ).stdout

    return read


@pytest.fixture
def pdffonts():
    """The font lines of poppler's pdffonts for a PDF file (its two header lines left out)."""
    require(PDFFONTS)

    def fonts(path: Path) -> list[str]:
        return subprocess.run(
            [PDFFONTS, str(path)], check=True, capture_output=True, text=True, timeout=30
        ).stdout.splitlines()[2:]

    return fonts
