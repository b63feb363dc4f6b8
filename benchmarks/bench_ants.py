"""Benchmark of the mock ANTS backend, run stand-alone:

    .venv/bin/python benchmarks/bench_ants.py [--rounds 15] [--lookups 200]

It starts ``python -m ants.mock`` on a free port with a throw-away database and
measures, in the same run:

* submitting a dossier with 3 pièces of ~1 MB each (PDF, JPEG, TIFF), median of
  N, against two baselines: ``GET /health`` and the very same multipart upload
  with a dossier that is not JSON (the server reads every part, then answers
  400 before validating or storing), so the ratio isolates what the mock adds
  (checks, page counting, SQLite);
* 200 concurrent ``GET /api/v1/demandes/{numero}`` lookups, against 200
  concurrent ``GET /health``.

Bounded: the whole run takes well under a minute.
"""

from __future__ import annotations

import argparse
import io
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import img2pdf
import requests
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ants import AntsClient, PieceFile  # noqa: E402

CARD = "4970100000000014"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def noise_jpeg(target: int, seed: int) -> bytes:
    rng = random.Random(seed)
    side = 400
    while True:
        image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85)
        if out.tell() >= target:
            return out.getvalue()
        side = int(side * 1.05)


def pieces_of_about_1mb() -> list[PieceFile]:
    jpeg = noise_jpeg(1_000_000, 1)
    pdf = img2pdf.convert([noise_jpeg(1_000_000, 2)])
    tiff_image = Image.frombytes("L", (1000, 1000), random.Random(3).randbytes(1000 * 1000))
    out = io.BytesIO()
    tiff_image.save(out, "TIFF")
    return [
        PieceFile("identite", "cni.pdf", "application/pdf", pdf),
        PieceFile("domicile", "facture.jpg", "image/jpeg", jpeg),
        PieceFile("domicile", "facture2.tiff", "image/tiff", out.getvalue()),
    ]


def dossier(photo: str, timbre: str) -> dict:
    return {
        "procedure": "permis-perte",
        "motif": "perte",
        "pieces_dates": {"domicile": time.strftime("%Y-%m-%d")},
        "etat_civil": {
            "nom_naissance": "DUPONT",
            "nom_usage": "",
            "sexe": "F",
            "prenoms": ["Marie"],
            "date_naissance": "1980-05-17",
        },
        "adresse": {
            "numero": "12",
            "extension": "",
            "type_voie": "rue",
            "nom_voie": "des Lilas",
            "complement": "",
            "code_postal": "75011",
            "commune": "Paris",
        },
        "contact": {"email": "marie@example.org", "mobile": ""},
        "photo": {"code": photo},
        "paiement": {"timbre": timbre},
        "attestation_honneur": True,
    }


def start_mock(folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ants.mock",
            "--port",
            str(port),
            "--db",
            str(folder / "bench.db"),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("ants-mock exited during start-up")
        try:
            if requests.get(url + "/health", timeout=0.5).ok:
                return proc, url
        except requests.RequestException:
            pass
        threading.Event().wait(0.05)
    proc.kill()
    raise SystemExit("ants-mock did not answer /health within 20 s")


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def concurrent(urls: list[str], workers: int, headers: dict | None = None) -> float:
    local = threading.local()

    def get(url: str) -> int:
        if not hasattr(local, "http"):
            local.http = requests.Session()
        return local.http.get(url, timeout=30, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=workers) as pool:
        started = time.perf_counter()
        statuses = list(pool.map(get, urls))
        elapsed = time.perf_counter() - started
    if set(statuses) != {200}:
        raise SystemExit(f"unexpected statuses {sorted(set(statuses))}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--workers", type=int, default=32)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-ants-") as tmp:
        proc, url = start_mock(Path(tmp))
        try:
            pieces = pieces_of_about_1mb()
            size_mb = sum(len(p.data) for p in pieces) / 1e6
            client = AntsClient(url, timeout=60, retries=0, backoff_factor=0)
            client.open_session()
            ready = [
                dossier(client.new_photo_code(), client.buy_timbre("perte", "75011", CARD, "12/39", "123").numero)
                for _ in range(args.rounds)
            ]
            headers = {"Authorization": f"Bearer {client._token}"}
            files = [(f"piece:{p.piece_id}", (p.filename, p.data, p.content_type)) for p in pieces]
            http = requests.Session()

            def not_json_upload():
                response = http.post(
                    url + "/api/v1/demandes", headers=headers, timeout=60, files=[("dossier", (None, b"{"))] + files
                )
                assert response.status_code == 400, response.text

            # warm-up (imports, first PDF parse)
            http.get(url + "/health", timeout=5)
            not_json_upload()

            health = [timed(lambda: http.get(url + "/health", timeout=5)) for _ in range(args.rounds)]
            upload = [timed(not_json_upload) for _ in range(args.rounds)]
            numeros: list[str] = []
            submit = [timed(lambda d=d: numeros.append(client.submit_demande(d, pieces).numero)) for d in ready]

            m_health, m_upload, m_submit = (statistics.median(v) * 1000 for v in (health, upload, submit))
            print(
                f"command: .venv/bin/python benchmarks/bench_ants.py --rounds {args.rounds} "
                f"--lookups {args.lookups} --workers {args.workers}"
            )
            sizes = ", ".join(f"{len(p.data) / 1e6:.2f}" for p in pieces)
            print(
                f"[1] AntsClient.submit_demande -> POST /api/v1/demandes, 3 pièces ({sizes} MB = {size_mb:.1f} MB),"
                f" median of {args.rounds}:"
            )
            print(f"  submit (validated + stored)   {m_submit:8.1f} ms")
            print(f"  same upload, refused at JSON  {m_upload:8.1f} ms   submit/upload = {m_submit / m_upload:.2f}x")
            print(f"  GET /health                   {m_health:8.1f} ms   submit/health = {m_submit / m_health:.0f}x")

            lookups = [f"{url}/api/v1/demandes/{numeros[i % len(numeros)]}" for i in range(args.lookups)]
            t_lookup = concurrent(lookups, args.workers)
            t_health = concurrent([url + "/health"] * args.lookups, args.workers)
            coord = [f"{url}/coordination/api/status?application_ids=SOLOCAL00{1 + i % 9}" for i in range(args.lookups)]
            t_coord = concurrent(coord, args.workers, {"x-rdv-opt-auth-token": "rdv-opt-demo"})
            print(f"[2] {args.lookups} concurrent status look-ups ({args.workers} threads, requests.Session each):")
            print(f"  GET /api/v1/demandes/{{numero}} {args.lookups / t_lookup:8.0f} req/s ({t_lookup * 1000:.0f} ms)")
            print(
                f"  GET /coordination/api/status  {args.lookups / t_coord:8.0f} req/s ({t_coord * 1000:.0f} ms)"
                f"   coord/health time = {t_coord / t_health:.2f}x"
            )
            print(
                f"  GET /health (baseline)        {args.lookups / t_health:8.0f} req/s ({t_health * 1000:.0f} ms)"
                f"   lookup/health time = {t_lookup / t_health:.2f}x"
            )
            client.logout()
            client.close()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
