"""The command line. With no subcommand it opens the window; subcommands need no display."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from supervision_audit import APP_SLUG, __version__, paths
from supervision_audit.db import Store, open_store
from supervision_audit.errors import SupervisionAuditError, ValidationError

Handler = Callable[[argparse.Namespace], int]


def _db_path(args: argparse.Namespace, default: Path | None = None) -> Path:
    if args.db:
        return Path(args.db).expanduser()
    return default or paths.default_db_path()


def _open(args: argparse.Namespace) -> Store:
    return open_store(_db_path(args))


def cmd_gui(args: argparse.Namespace) -> int:
    from supervision_audit.ui.app import run_gui  # Qt only loads for the window

    return run_gui(_db_path(args))


def cmd_demo(args: argparse.Namespace) -> int:
    from supervision_audit.services.demo import seed_demo
    from supervision_audit.services.staff import list_staff

    path = _db_path(args, paths.demo_db_path())
    if args.reset:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    store = open_store(path)
    try:
        with store.read() as session:
            empty = not list_staff(session, include_left=True)
        if empty:
            with store.write() as session:
                count = seed_demo(session)
            print(f"Demo organisation written to {path} ({count} people).")
        else:
            print(f"{path} already holds an organisation; opening it as it is "
                  "(use --reset for a fresh demo).")
    finally:
        store.close()
    if args.open:
        from supervision_audit.ui.app import run_gui

        return run_gui(path)
    return 0


def cmd_import_staff(args: argparse.Namespace) -> int:
    from supervision_audit.services.staff_import import import_staff

    store = _open(args)
    try:
        with store.write() as session:
            result = import_staff(session, Path(args.file))
    finally:
        store.close()
    print(f"Imported {args.file}: {result.created} added, {result.updated} updated.")
    return 0


def cmd_export_contract(args: argparse.Namespace) -> int:
    from supervision_audit.services.contract_export import export_current_contract_pdf

    store = _open(args)
    try:
        with store.read() as session:
            out = export_current_contract_pdf(session, args.staff, Path(args.out))
    finally:
        store.close()
    print(f"Contract written to {out}.")
    return 0


def cmd_list_staff(args: argparse.Namespace) -> int:
    from supervision_audit.services.staff import list_staff

    store = _open(args)
    try:
        with store.read() as session:
            rows = list_staff(session, include_left=args.all)
    finally:
        store.close()
    if args.json:
        print(json.dumps([{
            "staff_id": r.staff_id, "name": r.name, "job_title": r.job_title, "team": r.team,
            "role": r.role, "supervisor": r.supervisor_name, "active": r.active,
        } for r in rows], ensure_ascii=False, indent=2))
    else:
        for r in rows:
            print(f"{r.staff_id}\t{r.name}\t{r.team}\t{r.role}\t{r.supervisor_name}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_SLUG,
        description="Supervision records, compliance and file audits. "
                    "With no command, opens the window.")
    parser.add_argument("--db", metavar="PATH",
                        help=f"the database file (default: {paths.default_db_path()})")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.set_defaults(handler=cmd_gui)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("demo", help="seed a demo organisation (into --db, else a demo file)")
    p.add_argument("--open", action="store_true", help="open the window on it afterwards")
    p.add_argument("--reset", action="store_true", help="start again from a fresh demo")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("import-staff", help="import staff from .xlsx or .csv (all or nothing)")
    p.add_argument("file")
    p.set_defaults(handler=cmd_import_staff)

    p = sub.add_parser("export-contract", help="write a person's current contract as PDF")
    p.add_argument("--staff", required=True, metavar="ID", help="the person's staff id")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(handler=cmd_export_contract)

    p = sub.add_parser("list-staff", help="list staff")
    p.add_argument("--json", action="store_true")
    p.add_argument("--all", action="store_true", help="include people who have left")
    p.set_defaults(handler=cmd_list_staff)
    return parser


def report_error(exc: SupervisionAuditError) -> None:
    if isinstance(exc, ValidationError):
        print(f"error: {exc.summary}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
    else:
        print(f"error: {exc}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except SupervisionAuditError as exc:
        report_error(exc)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
