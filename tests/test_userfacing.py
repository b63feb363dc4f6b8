"""One base for every error a user may read (userfacing.UserFacingError): every
such error of every layer has it, the code tells them from bugs by type, and
each sentence the user may read has its English and Arabic words."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

from userfacing import UserFacingError

ROOT = Path(__file__).resolve().parents[1]
#: The layers below the screens (whose modules import no Kivy).
LAYERS = ("userfacing", "drivers", "ants", "session", "config", "kioskctl")
#: The product's code.
PRODUCT = (*LAYERS, "kiosk")
#: Not imported here: the mock is ANTS's stand-in, whose words the kiosk never shows as its own;
#: the scan worker's child is a program (it sets its process's environment when imported).
SKIPPED = ("ants.mock", "drivers.scanner._worker_child")


def modules():
    for name in LAYERS:
        package = importlib.import_module(name)
        yield package
        for info in pkgutil.walk_packages(getattr(package, "__path__", []), prefix=f"{name}."):
            if not info.name.startswith(SKIPPED):
                yield importlib.import_module(info.name)


def exception_classes():
    for module in modules():
        for cls in vars(module).values():
            if isinstance(cls, type) and issubclass(cls, BaseException) and cls.__module__ == module.__name__:
                yield cls


def test_every_error_with_a_sentence_for_the_user_is_a_user_facing_error():
    classes = set(exception_classes())
    speaking = {cls for cls in classes if "message_fr" in inspect.getsource(cls) or hasattr(cls, "message_fr")}
    assert {c.__name__ for c in speaking} >= {
        "ScannerError",
        "PrinterError",
        "AntsError",
        "SessionError",
        "Invalid",
        "ScannerJam",
        "PrinterPaperOut",
        "AntsRejected",
    }
    assert sorted(c.__qualname__ for c in speaking if not issubclass(c, UserFacingError)) == []


def test_each_kind_of_error_has_a_key_of_its_own():
    kinds = [cls for cls in exception_classes() if issubclass(cls, UserFacingError) and cls is not UserFacingError]
    keys = {cls.__qualname__: cls.key for cls in kinds}
    assert all(re.fullmatch(r"[a-z]+\.[a-z_]+", key) for key in keys.values()), keys
    assert len(set(keys.values())) == len(keys), keys
    assert keys["PrinterPaperOut"] == "printer.paper_out" and keys["ScannerJam"] == "scanner.jam"


def python_files(*packages):
    for package in packages:
        yield from (p for p in (ROOT / package).rglob("*.py") if "mock" not in p.relative_to(ROOT).parts[:2])


def test_no_code_reads_the_user_s_sentence_by_guessing():
    """Told from a bug by its type (isinstance, except UserFacingError), never by
    ``getattr(exc, "message_fr", ...)``: a bug has no sentence for the user."""
    guesses = []
    for path in python_files(*PRODUCT):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr")
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in ("message_fr", "template", "detail")
            ):
                guesses.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert guesses == []


def session_sentences() -> set[str]:
    """Every sentence the session's SessionError calls may say (a literal, a module
    constant, or a local variable set from literals), with its {placeholders}."""
    found = set()
    for path in python_files("session"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assigned: dict[str, list[ast.expr]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(node.value)
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "SessionError"
                and node.args
            ):
                continue
            said = [node.args[0]]
            while said:
                expr = said.pop()
                for part in ast.walk(expr):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        if re.fullmatch(r"[A-ZÉÈÀÇ].* .*[.?!]", part.value):
                            found.add(part.value)
                    elif isinstance(part, ast.Name) and part.id in assigned:
                        said += assigned.pop(part.id)
                    assert not isinstance(part, ast.JoinedStr), (
                        f"{path.name}:{node.lineno}: a SessionError's sentence is a template with its values apart"
                    )
    return found


def user_sentences() -> set[str]:
    templates = {
        cls.template for cls in exception_classes() if issubclass(cls, UserFacingError) and "template" in vars(cls)
    }
    return templates | {UserFacingError.template} | session_sentences()


#: Kept in French in Arabic: their value is the procedures' French words (piece labels
#: joined by the session), drawn on the same line; the Arabic font has no Latin letters.
FRENCH_IN_ARABIC = {"Scannez d'abord : {pieces}."}


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_sentence_a_user_may_read_is_translated(lang):
    from kiosk.i18n import load_translations  # the catalogues the kiosk reads

    sentences = user_sentences()
    assert len(sentences) > 40
    assert (
        "Ce document a déjà {pages} page(s) : c'est le maximum. Supprimez une page pour en numériser une autre."
        in sentences
    )
    french = FRENCH_IN_ARABIC if lang == "ar" else set()  # FranceConnect is «فرانس كونكت» in Arabic
    words = load_translations(lang)
    assert sorted(s for s in sentences - french if words.gettext(s) == s) == []
    assert sorted(s for s in french if words.gettext(s) != s) == []
    for sentence in sentences:  # placeholders survive translation
        assert re.findall(r"{\w*}", sentence) == re.findall(r"{\w*}", words.gettext(sentence)), sentence


def test_an_error_s_sentence_is_its_template_with_its_values():
    class Full(UserFacingError):
        key = "test.full"
        template = "Il reste {left} place(s)."

    error = Full("queue of 12 at the counter", params={"left": 3})
    assert (error.message_fr, str(error), error.detail) == (
        "Il reste 3 place(s).",
        "queue of 12 at the counter",
        "queue of 12 at the counter",
    )
    assert Full.message_fr == "Il reste {left} place(s)."  # on the class: the template
    assert error.translated({"Il reste {left} place(s).": "{left} seat(s) left."}.get) == "3 seat(s) left."
    assert Full("", params={"left": 1}).args == ("Il reste 1 place(s).",)  # no detail: the sentence
    with pytest.raises(KeyError):
        Full(params={"gauche": 3})  # a value missing: found where the error is made, not on the screen
    error.message_fr = "Revenez demain."  # another sentence, without values
    assert (error.message_fr, error.params) == ("Revenez demain.", {})


def test_a_sentence_from_elsewhere_is_never_formatted():
    from ants import AntsRejected

    said = "Le champ « {nom} » est refusé."  # the server's words, braces and all
    assert AntsRejected("POST /api/v1/demandes: HTTP 422", said).translated(str) == said


def test_a_subclass_may_still_say_message_fr():
    class Old(UserFacingError):
        message_fr = "Ancienne façon."

    assert (Old.template, Old.message_fr, Old().message_fr) == ("Ancienne façon.",) * 3
