"""The command line. With no subcommand it opens the window; subcommands need no display.

Commands other than ``init`` and ``demo`` sign in first: the user name and password come from
SUPERVISION_AUDIT_USER and SUPERVISION_AUDIT_PASSWORD, or are asked for on a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from supervision_audit import APP_SLUG, __version__, paths
from supervision_audit.errors import SupervisionAuditError, ValidationError
from supervision_audit.text_rules import PrintableStream

if TYPE_CHECKING:  # (the store's modules load only for a command that opens one)
    from supervision_audit.services.signin import OpenStore

Handler = Callable[[argparse.Namespace], int]
ENV_USER = "SUPERVISION_AUDIT_USER"
ENV_PASSWORD = "SUPERVISION_AUDIT_PASSWORD"


def db_path(args: argparse.Namespace, default: Path | None = None) -> Path:
    if args.db:
        return Path(args.db).expanduser()
    return default or paths.default_db_path()


def credentials(args: argparse.Namespace) -> tuple[str, str]:
    """The user name and password from the environment, or asked on a terminal."""
    user = getattr(args, "user", None) or os.environ.get(ENV_USER, "")
    password = os.environ.get(ENV_PASSWORD)
    if sys.stdin is not None and sys.stdin.isatty():
        user = user or input("User name: ").strip()
        if password is None:
            password = getpass.getpass("Password: ")
    if not user or password is None:
        raise SupervisionAuditError(
            f"Sign-in needed: set {ENV_USER} and {ENV_PASSWORD}, or run on a terminal to be "
            "asked for them.")
    return user, password


def signed_in(args: argparse.Namespace) -> OpenStore:
    from supervision_audit.services.signin import sign_in

    user, password = credentials(args)
    opened = sign_in(db_path(args), user, password)
    if opened.store.locks_restored:
        print(f"warning: {len(opened.store.locks_restored)} of the store's locks on final "
              "records and the event log had been removed or altered outside the app and "
              "were put back (" + ", ".join(opened.store.locks_restored) + "). Signed records "
              "are checked against their signatures when opened or exported.",
              file=sys.stderr)
    return opened


def cmd_gui(args: argparse.Namespace) -> int:
    from supervision_audit.ui.app import run_gui  # Qt only loads for the window

    return run_gui(db_path(args))


def cmd_printers(_args: argparse.Namespace) -> int:
    from supervision_audit.ui.printing.printers import printer_names  # Qt's print support

    names, default = printer_names()
    if not names:
        print("No printers found. Printing offers none until one is added to this computer.")
    for name in names:
        print(f"{name}{'  (default)' if name == default else ''}")
    return 0


def report_error(exc: SupervisionAuditError) -> None:
    if isinstance(exc, ValidationError):
        print(f"error: {exc.summary}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
    else:
        print(f"error: {exc}", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    from supervision_audit.cli_commands import add_commands

    parser = argparse.ArgumentParser(
        prog=APP_SLUG,
        description="Supervision records, compliance and file audits. "
                    "With no command, opens the window.")
    parser.add_argument("--db", metavar="PATH",
                        help=f"the database file (default: {paths.default_db_path()})")
    parser.add_argument("--user", metavar="NAME",
                        help=f"the user name to sign in with (default: ${ENV_USER})")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.set_defaults(handler=cmd_gui)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    add_commands(sub)
    from supervision_audit.cli_server import add_server_commands

    add_server_commands(sub)
    printers = sub.add_parser("printers", help="list the printers this computer offers (to "
                              "check an install can print)")
    printers.set_defaults(handler=cmd_printers)
    return parser


def _let_go_of_stdout() -> None:
    """The reader of our output went away (``list-records | head``): send what is left
    nowhere, so that neither this nor Python's final flush prints a traceback."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; what it prints goes through PrintableStream (no raw control
    characters from stored text reach the terminal)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(out), PrintableStream(err)
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _run(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        handler: Handler = args.handler
        try:
            status = handler(args)
        except SupervisionAuditError as exc:
            report_error(exc)
            return 1
        sys.stdout.flush()  # a closed pipe shows here, not in Python's own flush at exit
        return status
    except BrokenPipeError:
        _let_go_of_stdout()
        return 0  # the reader had what it wanted; nothing went wrong here
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
