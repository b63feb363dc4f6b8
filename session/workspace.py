"""One user's workspace: a folder on tmpfs (RAM), mode 0700, holding the
scanned pages and what is derived from them. Deleting it, then checking
that nothing of it remains, is the heart of the wipe."""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import img2pdf
from PIL import Image

#: JPEG quality of stored pages: legible small print at 300 dpi, about 1 MB an A4 page.
JPEG_QUALITY = 80
#: Longest side of the preview shown on screen (a full page is too big a texture).
PREVIEW_SIZE = 480


class WorkspaceError(RuntimeError):
    pass


@dataclass
class WipeReport:
    removed_files: int = 0
    leftovers: list[str] = field(default_factory=list)
    check_seconds: float = 0.0

    @property
    def clean(self) -> bool:
        return not self.leftovers


def _is_tmpfs(path: Path) -> bool:
    try:
        best, fstype = "", ""
        with open("/proc/mounts") as mounts:
            for line in mounts:
                parts = line.split()
                mnt = parts[1]
                if str(path).startswith(mnt.rstrip("/") + "/") or str(path) == mnt:
                    if len(mnt) > len(best):
                        best, fstype = mnt, parts[2]
        return fstype in ("tmpfs", "ramfs")
    except OSError:
        return False


class Workspace:
    """Files of one user's session; everything personal on disk is under :attr:`path`."""

    def __init__(self, root: Path, *, require_tmpfs: bool = True):
        root = Path(root)
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(root, 0o700)
        if require_tmpfs and not _is_tmpfs(root.resolve()):
            raise WorkspaceError(f"{root} n'est pas en mémoire (tmpfs) : refus d'y écrire des données personnelles")
        self.root = root
        self.path = root / secrets.token_hex(8)
        self.path.mkdir(mode=0o700)
        self._pages: dict[str, list[Path]] = {}
        self._previews: dict[Path, Path] = {}

    # --- pages ------------------------------------------------------------
    def add_page(self, piece_id: str, image: Image.Image, dpi: int = 300) -> Path:
        pages = self._pages.setdefault(piece_id, [])
        target = self.path / f"{piece_id}-{len(pages) + 1:02d}-{secrets.token_hex(3)}.jpg"
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        _write_jpeg(target, image, quality=JPEG_QUALITY, dpi=dpi)
        preview = image.copy()
        preview.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE))
        self._previews[target] = target.with_name(target.stem + "-apercu.jpg")
        _write_jpeg(self._previews[target], preview, quality=70, dpi=dpi)
        pages.append(target)
        return target

    def adopt_page(self, piece_id: str, path: Path) -> Path:
        """Take a page the scan worker wrote into this workspace (already processed)."""
        path = Path(path)
        if path.parent.resolve() != self.path.resolve():
            raise WorkspaceError(f"{path} is not in this workspace")
        os.chmod(path, 0o600)
        with Image.open(path) as image:
            image.draft("RGB", (PREVIEW_SIZE, PREVIEW_SIZE))  # JPEG: decode small, fast
            preview = image.convert("RGB") if image.mode not in ("RGB", "L") else image.copy()
        preview.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE))
        self._previews[path] = path.with_name(path.stem + "-apercu.jpg")
        _write_jpeg(self._previews[path], preview, quality=70, dpi=72)
        self._pages.setdefault(piece_id, []).append(path)
        return path

    def preview(self, piece_id: str) -> Path | None:
        """A small image of the pièce's last page, for the screen."""
        pages = self._pages.get(piece_id)
        return self._previews.get(pages[-1]) if pages else None

    def pages(self, piece_id: str) -> list[Path]:
        return list(self._pages.get(piece_id, []))

    def page_count(self, piece_id: str) -> int:
        return len(self._pages.get(piece_id, []))

    def page_counts(self) -> dict[str, int]:
        """How many pages each pièce scanned so far has, by pièce id."""
        return {piece_id: len(pages) for piece_id, pages in self._pages.items()}

    def all_pages(self) -> list[Path]:
        """Every page of every pièce (their file names point to this user: the wipe's needles)."""
        return [page for pages in self._pages.values() for page in pages]

    def remove_page(self, piece_id: str, index: int = -1) -> None:
        pages = self._pages.get(piece_id, [])
        if pages:
            page = pages.pop(index)
            page.unlink(missing_ok=True)
            preview = self._previews.pop(page, None)
            if preview:
                preview.unlink(missing_ok=True)

    def piece_pdf(self, piece_id: str) -> bytes:
        """The pièce's pages assembled into one PDF, JPEG data embedded as is."""
        pages = self.pages(piece_id)
        if not pages:
            raise WorkspaceError(f"no page for {piece_id}")
        pdf: bytes = img2pdf.convert([str(p) for p in pages])
        return pdf

    def files(self) -> list[Path]:
        if not self.path.exists():
            return []
        return [p for p in self.path.rglob("*")]

    # --- the wipe -----------------------------------------------------------
    def wipe(self) -> WipeReport:
        report = WipeReport()
        if self.path.exists():
            report.removed_files = sum(1 for p in self.path.rglob("*") if p.is_file())
            shutil.rmtree(self.path, ignore_errors=True)
        self._pages.clear()
        self._previews.clear()
        if self.path.exists():
            report.leftovers.extend(str(p) for p in [self.path, *self.path.rglob("*")])
        return report


def _write_jpeg(target: Path, image: Image.Image, *, quality: int, dpi: int) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        image.save(fh, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=True)
