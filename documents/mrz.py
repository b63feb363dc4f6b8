"""The machine-readable zone of an identity document, read by OCR and believed
only when every check digit is right.

Three layouts: the current French identity card and other TD1 cards (3 lines
of 30), the older French card (2 lines of 36, a layout of its own: the number
is année + mois + département + 5 digits) and passports (TD3, 2 lines of 44).
PyPI ``mrz`` checks TD1 and TD3 (check digits, dates, country codes); the
older French card's four check digits use the same 7-3-1 sum (``hash_string``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

from mrz.base.functions import hash_string
from mrz.checker.td1 import TD1CodeChecker
from mrz.checker.td3 import TD3CodeChecker
from PIL import Image

from . import _lines, _ocr

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
#: Height of one MRZ character line, in mm (ICAO 9303: OCR-B size 1, 2.0 to 3.2 mm with its white space).
_LINE_MM = (1.3, 4.5)
#: Zones tried per page at most: each costs about 0.2 s (two OCR models side by side).
MAX_TRIES = 4


@dataclass(frozen=True)
class Identity:
    """What an identity document's MRZ says, its check digits all right."""

    layout: str  # "td1" (carte d'identité), "fr-cni-2x36" (ancienne carte), "td3" (passeport)
    nom: str
    prenoms: list[str]
    sexe: str  # "F", "M" or ""
    date_naissance: str  # ISO date
    numero: str
    lines: list[str] = field(repr=False)
    names_checked: bool = True
    """False: the two OCR models read the names differently; they are left out."""

    @property
    def kind(self) -> str:
        return "passeport" if self.layout == "td3" else "cni"


@dataclass(frozen=True)
class MrzReading:
    """A page's MRZ: ``identity`` when read and checked; ``found`` when a zone
    that looks like an MRZ was there (its check digits wrong when
    ``identity`` is None)."""

    identity: Identity | None
    found: bool
    tries: int = 0


def _date(yymmdd: str, *, past: bool, today: dt.date) -> str:
    year, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    century = 2000 if not past or 2000 + year <= today.year else 1900
    return dt.date(century + year, month, day).isoformat()


#: What OCR-B digits are misread as (tesseract's French model), and letters as digits.
_AS_DIGIT = {
    "O": "06",
    "G": "6",
    "D": "0",
    "Q": "0",
    "U": "0",
    "I": "1",
    "L": "1",
    "Z": "2",
    "S": "5",
    "B": "8",
    "T": "7",
    "A": "4",
    "K": "<",
}
_AS_LETTER = {"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B"}
#: Per layout and line, the positions that hold digits only and those that hold letters only.
_DIGITS = {
    "td1": [[14], [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 29], []],
    "td3": [[], [9, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24, 25, 26, 27, 43]],
    "fr": [[], [0, 1, 2, 3, 7, 8, 9, 10, 11, 12, 27, 28, 29, 30, 31, 32, 33, 35]],
}
_LETTERS = {
    "td1": [list(range(0, 5)), list(range(15, 18)), list(range(0, 30))],
    "td3": [list(range(0, 44)), list(range(10, 13))],
    "fr": [list(range(0, 30)), list(range(13, 27))],
}
#: Readings of one zone tried at most (each a check of its digits, microseconds).
_MOST_VARIANTS = 256


def variants(lines: list[str], layout: str) -> list[list[str]]:
    """``lines`` as read, then with OCR's usual confusions undone where the
    layout says a digit or a letter must be: each is believed only if all its
    check digits are right."""
    fixed: list[list[str]] = []
    choices: list[tuple[int, int, str]] = []
    for row, line in enumerate(lines):
        chars = list(line)
        for col in _LETTERS[layout][row]:
            if col < len(chars) and chars[col] in _AS_LETTER:
                chars[col] = _AS_LETTER[chars[col]]
        for col in _DIGITS[layout][row]:
            if col < len(chars) and not chars[col].isdigit() and chars[col] in _AS_DIGIT:
                choices.append((row, col, _AS_DIGIT[chars[col]]))
        fixed.append(chars)
    out = [list(lines)]
    combos: list[list[tuple[int, int, str]]] = [[]]
    for row, col, options in choices:
        combos = [c + [(row, col, o)] for c in combos for o in options][:_MOST_VARIANTS]
    for combo in combos:
        grid = [list(c) for c in fixed]
        for row, col, o in combo:
            grid[row][col] = o
        out.append(["".join(c) for c in grid])
    return out


def _split_prenoms(zone: str) -> list[str]:
    return [p for p in re.split(r"<+", zone.strip("<")) if p]


def _tidy(line: str) -> str:
    """Fillers OCR misread: a lone K, L, E or I between fillers, or strokes of
    those letters in a long run of fillers (no name has them there)."""
    for _ in range(3):
        line = re.sub(r"(?<=<)[KLEI](?=<)", "<", line)
    match = re.search(r"<{4,}", line)
    if match and re.fullmatch(r"[<KLEI]*", line[match.end() :]):
        line = line[: match.end()] + "<" * (len(line) - match.end())
    return line


def _clean(text: str) -> list[str]:
    lines = []
    for raw in text.upper().splitlines():
        line = _tidy(re.sub(r"[^A-Z0-9<]", "", raw.replace("«", "<<").replace(" ", "")))
        if len(line) >= 20:
            lines.append(line)
    return lines


def _fit(line: str, length: int) -> str | None:
    """``line`` made ``length`` long where OCR dropped or added fillers: its
    longest run of ``<`` (a filler tail, or the gap after a name) shortened or
    lengthened. The check digits then say whether it was right."""
    if len(line) == length:
        return line
    runs = list(re.finditer(r"<{2,}", line))
    if not runs:
        return None
    run = max(runs, key=lambda m: (len(m.group(0)), m.start()))
    change = length - len(line)
    if change < 0 and len(run.group(0)) + change < 1:
        return None
    if change > 0 and change > 4 and run.end() != len(line):
        return None  # more than a few fillers lost inside the zone: not believable
    return line[: run.start()] + "<" * (len(run.group(0)) + change) + line[run.end() :]


def _only(readings: list[Identity | None]) -> Identity | None:
    """The zone as read if its check digits are right; else the one repair that
    makes them right. Two repairs that both pass: neither is believed (a check
    digit is one chance in ten, and each repair tried is another draw)."""
    if readings and readings[0] is not None:
        return readings[0]
    passed = {(r.numero, r.date_naissance, r.sexe, r.nom, tuple(r.prenoms)): r for r in readings[1:] if r is not None}
    return next(iter(passed.values())) if len(passed) == 1 else None


def _td1(lines: list[str], today: dt.date) -> Identity | None:
    fitted = [_fit(line, 30) for line in lines]
    if any(f is None for f in fitted):
        return None
    return _only([_td1_checked("\n".join(v), today) for v in variants([f for f in fitted if f], "td1")])


def _td1_checked(code: str, today: dt.date) -> Identity | None:
    try:
        checker = TD1CodeChecker(code, check_expiry=False)
    except Exception:  # the library raises on a malformed zone: not an MRZ we can believe
        return None
    if not checker:
        return None
    f = checker.fields()
    return Identity(
        "td1",
        f.surname,
        f.name.split(),
        f.sex if f.sex in ("F", "M") else "",
        _date(f.birth_date, past=True, today=today),
        f.document_number,
        code.splitlines(),
    )


def _td3(lines: list[str], today: dt.date) -> Identity | None:
    fitted = [_fit(line, 44) for line in lines]
    if any(f is None for f in fitted):
        return None
    return _only([_td3_checked("\n".join(v), today) for v in variants([f for f in fitted if f], "td3")])


def _td3_checked(code: str, today: dt.date) -> Identity | None:
    try:
        checker = TD3CodeChecker(code, check_expiry=False)
    except Exception:  # the library raises on a malformed zone: not an MRZ we can believe
        return None
    if not checker:
        return None
    f = checker.fields()
    return Identity(
        "td3",
        f.surname,
        f.name.split(),
        f.sex if f.sex in ("F", "M") else "",
        _date(f.birth_date, past=True, today=today),
        f.document_number,
        code.splitlines(),
    )


def check_fr_2x36(line1: str, line2: str) -> bool:
    """The older French card's check digits: number, birth date, and the whole zone."""
    if len(line1) != 36 or len(line2) != 36 or not line1.startswith("IDFRA"):
        return False
    number, birth, sex = line2[0:12], line2[27:33], line2[34]
    return (
        hash_string(number) == line2[12]
        and hash_string(birth) == line2[33]
        and sex in "FM<"
        and hash_string(line1 + line2[:35]) == line2[35]
    )


def _fr_2x36(lines: list[str], today: dt.date) -> Identity | None:
    fitted = [_fit(line, 36) for line in lines]
    if fitted[0] is None or fitted[1] is None:
        return None
    return _only(
        [_fr_identity(a, b, today) if check_fr_2x36(a, b) else None for a, b in variants([fitted[0], fitted[1]], "fr")]
    )


def _fr_identity(line1: str, line2: str, today: dt.date) -> Identity | None:
    try:
        birth = _date(line2[27:33], past=True, today=today)
    except ValueError:
        return None
    return Identity(
        "fr-cni-2x36",
        line1[5:30].strip("<").replace("<", " "),
        _split_prenoms(line2[13:27]),
        line2[34] if line2[34] in "FM" else "",
        birth,
        line2[0:12],
        [line1, line2],
    )


def _near(line: str, length: int) -> bool:
    return abs(len(line) - length) <= 4 or (len(line) > length // 2 and _fit(line, length) is not None)


def parse(text: str, today: dt.date | None = None) -> tuple[Identity | None, bool]:
    """The identity in OCR ``text``, and whether an MRZ-like zone was there."""
    today = today or dt.date.today()
    lines = _clean(text)
    found = False
    for i in range(len(lines)):
        for n, reader in ((3, _td1), (2, _fr_2x36), (2, _td3)):
            group = lines[i : i + n]
            if len(group) < n:
                continue
            length = {_td1: 30, _fr_2x36: 36, _td3: 44}[reader]
            if not all(_near(line, length) for line in group):
                continue
            if reader is _fr_2x36 and not group[0].startswith("ID"):
                continue
            if reader is _td3 and not group[0].startswith("P"):
                continue
            found = True
            identity = reader(group, today)
            if identity is not None:
                return identity, True
    return None, found


def _candidates(image: Image.Image, dpi: int) -> list[tuple[int, int, int, int]]:
    """Boxes around groups of 2 or 3 lines of equal height and pitch, bottom first."""
    scale = 150 / dpi
    small = image.convert("L").resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))))
    mask = _lines.ink_mask(_lines.grey(small))
    px_mm = 150 / 25.4
    lines = _lines.find_lines(mask, least_height=round(_LINE_MM[0] * px_mm), most_height=round(_LINE_MM[1] * px_mm))
    boxes: list[tuple[int, int, int, int]] = []
    for end in range(len(lines), 0, -1):
        for n in (3, 2):
            group = lines[end - n : end] if end - n >= 0 else []
            if len(group) != n:
                continue
            heights = [line.height for line in group]
            if max(heights) > 1.6 * min(heights):
                continue
            gaps = [b.top - a.bottom for a, b in zip(group, group[1:], strict=False)]
            if any(g > 1.5 * max(heights) for g in gaps):
                continue
            widths = [line.width for line in group]
            if min(widths) < 25 * px_mm:  # an MRZ line is at least 60 mm long
                continue
            margin = max(heights)
            box = (
                max(0, min(line.left for line in group) - margin),
                max(0, group[0].top - margin),
                min(small.width, max(line.right for line in group) + margin),
                min(small.height, group[-1].bottom + margin),
            )
            full = tuple(round(v / scale) for v in box)
            boxes.append((full[0], full[1], full[2], full[3]))
    return boxes


def _k_fillers(text: str) -> str:
    """Tesseract's English model reads OCR-B's ``<`` as ``K``: a K beside a filler is one."""
    out = text
    for _ in range(3):
        out = re.sub(r"(?<=<)K|K(?=<)", "<", out)
    return out


def _merged(first: str, second: str) -> list[str]:
    """Texts made of ``first``'s lines with some taken from ``second`` (two
    readings of the same zone), fewest replacements first."""
    a, b = _clean(first), _clean(second)
    if len(a) != len(b) or not a or len(a) > 4:
        return [second]
    masks = sorted(range(1, 2 ** len(a)), key=lambda m: bin(m).count("1"))
    return ["\n".join(b[i] if m >> i & 1 else a[i] for i in range(len(a))) for m in masks]


def _names_in(zone: str) -> tuple[str, list[str]]:
    """Nom and prénoms of a names zone; what follows three fillers is filler (OCR's strokes)."""
    nom, _, given = zone.split("<<<")[0].strip("<").partition("<<")
    return nom.replace("<", " "), _split_prenoms(given)


def _names_agree(identity: Identity, other: str) -> bool:
    """No check digit covers the names of a TD1 card or a passport: they are
    believed when tesseract's other model reads them the same."""
    if identity.layout == "fr-cni-2x36":
        return True  # the zone's own check digit covers them
    start = 0 if identity.layout == "td1" else 5

    def words(nom: str, prenoms: list[str]) -> tuple[str, list[str]]:
        return nom, [p for p in prenoms if len(p) > 1]  # a lone letter in the fillers: an OCR stroke

    wanted = words(identity.nom, identity.prenoms)
    return any(words(*_names_in(line[start:])) == wanted for line in _clean(other))


def read_mrz(image: Image.Image, *, dpi: int = 300, today: dt.date | None = None) -> MrzReading:
    """The identity in the MRZ of a scanned page (upright), if any. Each zone is
    read with tesseract's French model (right on ``<``) and its English one
    (right on digits): the digits are believed when every check digit is
    right, the names when both models read them alike (otherwise the user
    types them)."""
    tries = 0
    found = False
    for box in _candidates(image, dpi)[:MAX_TRIES]:
        crop = image.crop(box).convert("L")
        if dpi > 300:
            crop = crop.resize((crop.width * 300 // dpi, crop.height * 300 // dpi))
        text, other = _ocr.ocr_both(crop, ("fra", "eng"), whitelist=ALPHABET)
        other = _k_fillers(other)
        tries += 1
        identity, seen = parse(text, today)
        if not seen:
            identity, seen = parse(other, today)
        if seen:
            if identity is None:
                for merged in _merged(text, other):
                    identity, _ = parse(merged, today)
                    if identity is not None:
                        break
            if identity is not None and not _names_agree(identity, other):
                identity = dataclasses.replace(identity, nom="", prenoms=[], names_checked=False)
        found = found or seen
        if identity is not None:
            return MrzReading(identity, True, tries)
        if seen:
            break  # the zone was found and is wrong: no other box is it
    return MrzReading(None, found, tries)
