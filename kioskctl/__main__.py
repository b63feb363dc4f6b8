"""``kioskctl``: the technician's command line.

The same session core, ANTS client and drivers as the touchscreen app,
without the UI: list the procedures, run scripted sessions (soak tests,
training, checking a site's devices), read the anonymous statistics.
"""

from __future__ import annotations

import argparse
import re
import sys
from importlib import resources

from config import ConfigError, load_settings
from config._settings import SITE_FILE

from .doctor import CHECK_NAMES


def _settings(args):
    files = list(args.config)
    if getattr(args, "demo", False):
        files.insert(0, str(resources.files("config").joinpath("sites/demo.toml")))
    elif not files and SITE_FILE.exists():
        files = [str(SITE_FILE)]
    settings = load_settings(*files)
    if args.command == "simulate" and not args.start_mock:
        problem = settings.backend_error(files)
        if problem is not None:
            raise problem
    if args.command == "simulate":
        from session.wipe import use_private_tmp

        use_private_tmp(settings.temp_dir())  # as the app does: library temp files in RAM, searched
    return settings


def _ending(procedure) -> str:
    """What a procedure that files no demande ends with (the title says how, if it does)."""
    if procedure.online:
        return ""
    if any(s.kind == "guidance" for s in procedure.steps):
        return "  [aucune demande en ligne : explications imprimées]"
    return "  [aucune nouvelle demande]"


def cmd_procedures(args) -> int:
    from session import Catalogue

    from .simulate import load_scripts

    catalogue = Catalogue.load()
    scripts = load_scripts() if args.variants else {}
    for group_id, group_title in catalogue.GROUPS:
        procedures = catalogue.in_group(group_id)
        if procedures:
            print(f"{group_title}:")
            for p in procedures:
                print(f"  {p.id:<24} {p.title}{_ending(p)}")
                for v in scripts.get(p.id, []):
                    print(f"      --variant {v.name}")
    return 0


def cmd_simulate(args) -> int:
    from config.factories import build_services, start_bundled_mock
    from session import Catalogue

    from .simulate import SimulationError, load_scripts, simulate

    settings = _settings(args)
    catalogue = Catalogue.load()
    scripts = load_scripts()
    if args.procedure == "all":
        procedure_ids = [p.id for group, _ in catalogue.GROUPS for p in catalogue.in_group(group)]
    elif args.procedure in catalogue:
        procedure_ids = [args.procedure]
    else:
        print(f"kioskctl: unknown procedure {args.procedure!r} (see: kioskctl procedures)", file=sys.stderr)
        return 2
    if args.variant and args.variant != "all" and len(procedure_ids) == 1:
        known = [v.name for v in scripts.get(procedure_ids[0], [])]
        if args.variant not in known:
            print(
                f"kioskctl: unknown variant {args.variant!r} of {procedure_ids[0]} (known: {', '.join(known)})",
                file=sys.stderr,
            )
            return 2
    runs: list[tuple[str, str | None]] = []
    for procedure_id in procedure_ids:
        if args.variant == "all" or args.procedure == "all":
            runs += [(procedure_id, v.name) for v in scripts.get(procedure_id, [])]
        else:
            runs.append((procedure_id, args.variant))
    mock = start_bundled_mock(settings) if (settings.ants.start_bundled_mock or args.start_mock) else None
    try:
        services = build_services(settings)
        failures = 0
        many = len(runs) > 1
        for procedure_id, variant in runs:
            for i in range(args.sessions):
                label = f"{procedure_id}/{variant or '-'} " if many else ""
                try:
                    result = simulate(
                        services, procedure_id, index=i, motif=args.motif, canary=args.canary, variant=variant
                    )
                except SimulationError as exc:
                    failures += 1
                    print(f"{label}session {i + 1}: ÉCHEC — {exc}", file=sys.stderr)
                    continue
                print(f"{label}session {i + 1}: {result.numero or '(explications imprimées)'}", flush=True)
        services.close()
        return 1 if failures else 0
    finally:
        if mock:
            mock.stop()


def cmd_purge(args) -> int:
    from config.factories import build_services

    services = build_services(_settings(args))
    count = services.purge_leftovers()
    print(f"{count} espace(s) de travail supprimé(s)")
    return 0


#: ``kioskctl verify-clean``'s exit statuses (2 is a configuration error, as for every command).
VERIFY_CLEAN, VERIFY_FOUND, VERIFY_INCOMPLETE = 0, 1, 3
VERIFY_HINTS = {
    "time limit": "time limit reached: run again with a larger --time-limit",
    "byte budget": "byte budget spent: run again with a larger --max-mb",
    "too large": "files over 64 MiB are not read: open or delete them by hand",
    "unreadable": "unreadable here: run as root (sudo kioskctl verify-clean)",
}
VERIFY_EPILOG = """\
Each place is searched on its own filesystem (mount points inside it are
listed, not entered); only regular files that the kiosk's user could have
written are read.

exit status:
  0  clean: every place searched, no finding
  1  a finding (a workspace, a journal, or a canary in a file or the logs)
  2  configuration error
  3  incomplete: no finding in what was read, but a bound (--time-limit,
     --max-mb, the 64 MiB largest file) or a permission left places unsearched
"""


def cmd_verify_clean(args) -> int:
    from config.factories import build_services
    from session.wipe import OTHER_FILESYSTEM

    services = build_services(_settings(args), with_stats=False)
    report = services.verify_clean(
        args.canary, time_limit=args.time_limit, max_bytes=None if args.max_mb is None else int(args.max_mb * 1e6)
    )
    for finding in report.findings:
        print(f"FOUND {finding}")
    for gap in report.not_searched:
        print(f"NOT SEARCHED {gap}")
    summary = f"{report.files_read} file(s) read ({report.bytes_read / 1e6:.1f} MB) in {report.seconds:.2f}s: "
    if report.findings:
        print(summary + f"{len(report.findings)} finding(s)")
        return VERIFY_FOUND
    if not report.complete:
        gaps = [g for g in report.not_searched if g.reason != OTHER_FILESYSTEM]
        hints = sorted({VERIFY_HINTS.get(g.reason, g.reason) for g in gaps})
        print(
            summary + f"INCOMPLETE, not a proof that the kiosk is clean: nothing found in what was read, "
            f"but {len(gaps)} place(s) listed above were not searched. " + "; ".join(hints) + "."
        )
        return VERIFY_INCOMPLETE
    print(summary + "clean")
    return VERIFY_CLEAN


def cmd_stats(args) -> int:
    from session import StatsStore

    from . import stats

    try:
        start = stats.parse_day(args.start) if args.start else None
        end = stats.parse_day(args.end) if args.end else None
    except ValueError as exc:
        print(f"kioskctl stats: {exc}", file=sys.stderr)
        return 2
    settings = _settings(args)
    store = StatsStore(settings.stats_path())
    try:
        result = stats.report(store.rows(), start, end)
    finally:
        store.close()
    sys.stdout.write(stats.to_csv(result) if args.csv else stats.to_text(result))
    return 0


def cmd_metrics(args) -> int:
    from . import metrics

    settings = _settings(args)
    from datetime import datetime

    from session.opening import OpeningHours

    devices = [] if args.down else metrics.probe_devices(settings)
    open_now = OpeningHours.from_settings(settings.hours).is_open(datetime.now())
    path = metrics.write(settings, up=not args.down, devices=devices, open_now=open_now)
    print(path)
    return 0


def _files(args) -> list[str]:
    """The site files a command reads: --demo's, or those given, or the appliance's."""
    files = list(args.config)
    if getattr(args, "demo", False):
        files.insert(0, str(resources.files("config").joinpath("sites/demo.toml")))
    elif not files and SITE_FILE.exists():
        files = [str(SITE_FILE)]
    return files


def cmd_doctor(args) -> int:
    from . import doctor

    return doctor.main(args, _files(args))


def cmd_mediator(args) -> int:
    from . import mediator

    return mediator.main(args, _files(args))


def _plain(docstring: str) -> str:
    """A docstring as --help shows it: without reStructuredText's ``literal`` marks."""
    return re.sub(r"``(.+?)``", r"\1", docstring).strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kioskctl", description=_plain(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", action="append", default=[], help="site file (repeatable)")
    parser.add_argument("--demo", action="store_true", help="demo settings: bundled mock, simulated devices")
    sub = parser.add_subparsers(dest="command", required=True)

    procs = sub.add_parser("procedures", help="list every procedure")
    procs.add_argument("--variants", action="store_true", help="also list each procedure's scripted variants")
    procs.set_defaults(func=cmd_procedures)

    sim = sub.add_parser("simulate", help="run whole scripted sessions headless")
    sim.add_argument("--procedure", default="permis-perte", help="a procedure id, or all")
    sim.add_argument(
        "--variant",
        default=None,
        help="a scripted variant (kioskctl/scripts/<procedure>.toml), or all; default: the first",
    )
    sim.add_argument("--sessions", type=int, default=1)
    sim.add_argument("--motif", default=None, help="the motif typed (picks the variant of that motif)")
    sim.add_argument("--canary", default="", help="a unique text typed into the personal fields")
    sim.add_argument("--start-mock", action="store_true", help="start the bundled mock backend")
    sim.set_defaults(func=cmd_simulate)

    st = sub.add_parser("stats", help="anonymous figures per day and procedure (training apart)")
    st.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day (included)")
    st.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day (included)")
    st.add_argument("--csv", action="store_true", help="CSV for a spreadsheet, one row per day and procedure")
    st.set_defaults(func=cmd_stats)
    doc = sub.add_parser(
        "doctor",
        help="check the kiosk's devices, backend and system: one line per check",
        epilog="exit status:\n  0  every check passed\n  1  a warning\n  2  configuration error\n"
        "  3  a critical check failed: the kiosk cannot serve",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    doc.add_argument("--test-ticket", action="store_true", help="also print a test ticket on the receipt printer")
    doc.add_argument("--min-free-mb", type=float, default=200.0, help="free space below which the disk check fails")
    doc.add_argument(
        "--only", action="append", default=[], choices=CHECK_NAMES, help="run only this check (repeatable)"
    )
    doc.set_defaults(func=cmd_doctor)
    med = sub.add_parser("mediator", help="a mediator's PIN (scrypt hash in [mediators.pins]), or the list")
    med.add_argument("action", choices=["add", "list"])
    med.add_argument("name", nargs="?", help="the mediator's name (add)")
    med.add_argument("--pin-stdin", action="store_true", help="read the PIN once from the standard input")
    med.set_defaults(func=cmd_mediator)
    met = sub.add_parser("metrics", help="write the Prometheus textfile for node_exporter ([metrics] textfile)")
    met.add_argument("--down", action="store_true", help="the kiosk has stopped: pointnum_up 0, devices not asked")
    met.set_defaults(func=cmd_metrics)
    sub.add_parser("purge", help="delete workspaces left by a crash (run before the kiosk starts)").set_defaults(
        func=cmd_purge
    )
    vc = sub.add_parser(
        "verify-clean",
        help="look for anything a user left; non-zero exit on a finding",
        epilog=VERIFY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    vc.add_argument("--canary", action="append", default=[], help="a text that must be found nowhere")
    vc.add_argument(
        "--time-limit", type=float, default=None, metavar="SECONDS", help="stop searching after this long (default 60)"
    )
    vc.add_argument(
        "--max-mb", type=float, default=None, metavar="MB", help="stop searching after reading this much (default 1000)"
    )
    vc.set_defaults(func=cmd_verify_clean)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"kioskctl: configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
