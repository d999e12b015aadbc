"""The subcommands of the command line, each a function of the parsed arguments."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supervision_audit import paths
from supervision_audit.cli import ENV_PASSWORD, ENV_USER, credentials, db_path, signed_in
from supervision_audit.cli_seal import add_seal_commands
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.wording import plural

if TYPE_CHECKING:  # (the store's modules load only for a command that opens one)
    from sqlmodel import Session

    from supervision_audit.services.access import Actor
    from supervision_audit.services.log_anchor import LogReport


@contextmanager
def signed_session(args: argparse.Namespace, *, write: bool = True
                   ) -> Iterator[tuple[Session, Actor]]:
    """Sign in, then one session (a write transaction unless ``write`` is False)."""
    opened = signed_in(args)
    try:
        with (opened.store.write() if write else opened.store.read()) as session:
            yield session, opened.actor
    finally:
        opened.store.close()


def cmd_init(args: argparse.Namespace) -> int:
    from supervision_audit.services.signin import FirstRun, first_run

    password = os.environ.get(ENV_PASSWORD)
    if not password:
        raise SupervisionAuditError(f"Set {ENV_PASSWORD} to the first administrator's password.")
    opened, recovery = first_run(db_path(args), FirstRun(
        organisation=args.organisation or os.environ.get("SUPERVISION_AUDIT_ORGANISATION", ""),
        admin_name=args.admin_name, admin_staff_id=args.admin_staff_id,
        username=args.user or os.environ.get(ENV_USER) or "admin", password=password,
        encrypted=not args.no_encryption))
    opened.store.close()
    print(f"Created {opened.store.path} for {opened.actor.name} ({opened.actor.username}).")
    if recovery:
        print("Recovery key (shown this once: write it down and keep it somewhere safe; it "
              "opens the store if every password is lost):")
        print(f"    {recovery}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from supervision_audit.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo
    from supervision_audit.services.signin import is_encrypted, is_new

    path = db_path(args, paths.demo_db_path())
    if args.reset:
        for suffix in ("", "-wal", "-shm", ".keys", ".anchor", ".signin"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    if is_new(path) and not is_encrypted(path):
        print("Building the demo organisation: staff, a year of supervision, contracts and "
              "audits (about 20 seconds)...", flush=True)
        opened, recovery = create_demo(path, encrypted=not args.no_encryption)
        opened.store.close()
        print(f"Demo organisation written to {path}.")
        if recovery:
            print(f"Recovery key: {recovery}")
    else:
        print(f"{path} already holds the demo; opening it as it is (--reset starts afresh).")
    print(f"Demo accounts (password for each: {DEMO_PASSWORD}):")
    for username, _staff, what in DEMO_ACCOUNTS:
        print(f"    {username:<10} {what}")
    if args.open:
        from supervision_audit.ui.app import run_gui

        return run_gui(path)
    return 0


def cmd_import_staff(args: argparse.Namespace) -> int:
    from supervision_audit.services.staff_import import import_staff

    with signed_session(args) as (session, actor):
        result = import_staff(session, actor, Path(args.file))
    print(f"Imported {args.file}: {result.created} added, {result.updated} updated.")
    return 0


def cmd_export_contract(args: argparse.Namespace) -> int:
    from supervision_audit.services.contract_export import export_current_contract_pdf

    with signed_session(args) as (session, actor):
        out = export_current_contract_pdf(session, actor, args.staff, Path(args.out))
    print(f"Contract written to {out}{_sealed_note(out)}.")
    return 0


def cmd_list_staff(args: argparse.Namespace) -> int:
    from supervision_audit.services.staff import list_staff

    with signed_session(args, write=False) as (session, actor):
        rows = list_staff(session, actor, include_left=args.all)
    if args.json:
        print(json.dumps([{
            "staff_id": r.staff_id, "name": r.name, "job_title": r.job_title, "team": r.team,
            "role": r.role, "supervisor": r.supervisor_name, "active": r.active,
        } for r in rows], ensure_ascii=False, indent=2))
    else:
        from supervision_audit.text_rules import printable

        for r in rows:  # a tab or line break stored in a field would break the columns
            print("\t".join(printable(text, multiline=False) for text in (
                r.staff_id, r.name, r.team, r.role, r.supervisor_name)))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from supervision_audit.services.backups import TargetExistsError, backup_to_file

    opened = signed_in(args)
    try:
        out = backup_to_file(opened.store, opened.actor, Path(args.out), force=args.force)
    except TargetExistsError as exc:
        raise TargetExistsError(f"{exc} (--force replaces it.)") from exc
    finally:
        opened.store.close()
    print(f"Backup written to {out} (its keyring beside it).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from supervision_audit.services.backups import restore_as

    user, password = credentials(args)
    kept = restore_as(Path(args.file), db_path(args), user, password)
    print(f"Restored {args.file}. The file it replaced is kept as {kept.name}.")
    return 0


def cmd_verify_log(args: argparse.Namespace) -> int:
    from supervision_audit.services.log_anchor import verify_log

    if getattr(args, "database", None):  # the organisation's server
        from supervision_audit.cli_server import cmd_verify_server_log

        return cmd_verify_server_log(args)
    opened = signed_in(args)
    try:
        with opened.store.read() as session:
            report = verify_log(session, opened.store.log_anchor)
    finally:
        opened.store.close()
    return print_log_report(report, "store")


def print_log_report(report: LogReport, holder: str) -> int:
    """What ``verify-log`` found, for the person who ran it; the exit status."""
    if report.intact:
        print(f"The log is intact: {plural(report.entries, 'entry', 'entries')}, each linked "
              "to the one before.")
        if report.anchored_to is not None:
            print(f"Checkpoints signed with the {holder}'s anchor key vouch for it up to "
                  f"entry {report.anchored_to}.")
        elif not report.anchored:
            print(f"This {holder} keeps no anchor for its log (it is not encrypted), so a log "
                  "rewritten whole would not be seen." if holder == "store" else
                  "No log key was found, so a log rewritten whole would not be seen.")
        return 0
    print(f"The log is broken at entry {report.first_break}: {report.reason}.")
    if report.anchored_to is not None:
        print(f"Entries up to {report.anchored_to} are vouched for by a checkpoint.")
    return 1


def cmd_access_log(args: argparse.Namespace) -> int:
    from supervision_audit.services.access_log import access_log, write_access_log

    with signed_session(args) as (session, actor):
        rows = access_log(session, actor, staff_id=args.staff,
                          start=args.start, end=args.end)
        if args.out:
            write_access_log(rows, Path(args.out))
    if args.out:
        print(f"{plural(len(rows), 'entry', 'entries')} written to {args.out}.")
    else:
        for row in rows:
            print("\t".join(str(v) for v in row.values()))
    return 0


def cmd_subject_access(args: argparse.Namespace) -> int:
    from supervision_audit.services.subject_access import export_subject_access

    with signed_session(args) as (session, actor):
        written = export_subject_access(session, actor, args.staff, Path(args.out_dir))
    for path in written:
        print(f"Written {path}")
    return 0


def cmd_list_records(args: argparse.Namespace) -> int:
    from supervision_audit.services.record_status import record_listing
    from supervision_audit.services.records import records_of
    from supervision_audit.services.staff import get_by_staff_id

    with signed_session(args, write=False) as (session, actor):
        person = get_by_staff_id(session, args.staff)
        rows = record_listing(session, actor, records_of(session, actor, person.id))
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for row in rows:
            waiting = ", ".join(f"{s['name']} ({s['role']})" for s in row["to_sign"])
            print(f"{row['id']}\t{row['held_on']}\t{row['form']}\t{row['status']}"
                  + (f"\tawaiting {waiting}" if waiting else ""))
    return 0


def cmd_export_record(args: argparse.Namespace) -> int:
    import uuid

    from supervision_audit.services.record_export import export_record_pdf

    try:
        record_id = uuid.UUID(args.id)
    except ValueError as exc:
        raise SupervisionAuditError(f"'{args.id}' is not a record id (see list-records).") \
            from exc
    with signed_session(args) as (session, actor):
        out = export_record_pdf(session, actor, record_id, Path(args.out))
    print(f"Record written to {out}{_sealed_note(out)}.")
    return 0


def cmd_export_monitoring(args: argparse.Namespace) -> int:
    from supervision_audit.services.monitoring_xlsx import export_monitoring
    from supervision_audit.services.staff import get_by_staff_id, list_staff

    with signed_session(args) as (session, actor):
        if args.staff:
            people = [get_by_staff_id(session, args.staff).id]
        else:
            people = [r.id for r in list_staff(session, actor)
                      if r.supervisor_id == actor.staff_id]
        out = export_monitoring(session, actor, people, Path(args.out))
    print(f"Monitoring sheets for {plural(len(people), 'person', 'people')} written to {out}.")
    return 0


def cmd_import_monitoring(args: argparse.Namespace) -> int:
    from supervision_audit.services.monitoring_xlsx import import_monitoring

    with signed_session(args) as (session, actor):
        result = import_monitoring(session, actor, Path(args.file), migration=args.migration)
    print(f"Imported {plural(result.sheets, 'sheet')}: "
          f"{plural(result.created, 'session')} added, {result.updated} updated.")
    return 0


def cmd_export_schedule(args: argparse.Namespace) -> int:
    from supervision_audit.services.record_export import export_schedule_ics
    from supervision_audit.services.staff import get_by_staff_id

    with signed_session(args) as (session, actor):
        person = get_by_staff_id(session, args.staff)
        out = export_schedule_ics(session, actor, person.id, Path(args.out))
    print(f"Schedule written to {out}.")
    return 0


def _as_of(text: str | None) -> date:
    from supervision_audit.dates import parse_date

    if not text:
        return date.today()
    try:
        day = parse_date(text)
    except ValueError as exc:
        raise SupervisionAuditError(f"--as-of: {exc}") from exc
    assert day is not None
    return day


def cmd_compliance(args: argparse.Namespace) -> int:
    from supervision_audit.services.compliance import compliance_for

    as_of = _as_of(args.as_of)
    with signed_session(args, write=False) as (session, actor):
        rows = compliance_for(session, actor, as_of)
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
    else:
        for r in rows:
            state = f"overdue {r.days_overdue} days" if r.overdue else f"next due {r.next_due}"
            print(f"{r.staff_id}\t{r.name}\t{r.cadence}\t{state}")
    return 0


def cmd_monthly_return(args: argparse.Namespace) -> int:
    from supervision_audit.services.monthly_return import build_monthly_return, parse_month

    parse_month(args.month)  # a bad month is refused before anything opens
    with signed_session(args) as (session, actor):
        out = build_monthly_return(session, actor, args.month, Path(args.out))
    print(f"Monthly return for {args.month} written to {out}.")
    return 0


def _sealed_note(path: Path) -> str:
    from supervision_audit.sealing.seal import verify_pdf

    return " (sealed)" if verify_pdf(path).sealed else " (not sealed: no certificate set up)"


def cmd_audit_summary(args: argparse.Namespace) -> int:
    from supervision_audit.services.audit_outputs import audit_summary

    with signed_session(args) as (session, actor):
        out = audit_summary(session, actor, args.start, args.end, Path(args.out))
    print(f"Audit summary written to {out}.")
    return 0


def cmd_export_file(args: argparse.Namespace) -> int:
    from supervision_audit.services.audit_outputs import export_whole_file
    from supervision_audit.services.staff import get_by_staff_id

    with signed_session(args) as (session, actor):
        person = get_by_staff_id(session, args.staff)
        out = export_whole_file(session, actor, person.id, Path(args.out))
    print(f"Supervision file written to {out}{_sealed_note(out)}.")
    return 0


def _add(sub: Any, name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=handler)
    return parser


def add_commands(sub: Any) -> None:
    p = _add(sub, "init", cmd_init, "create a new, encrypted store with its first administrator "
             f"(password from ${ENV_PASSWORD})")
    p.add_argument("--organisation", default="", help="the organisation's name")
    p.add_argument("--admin-name", default="Administrator")
    p.add_argument("--admin-staff-id", default="ADMIN")
    p.add_argument("--no-encryption", action="store_true", help="a plain, unencrypted store")

    p = _add(sub, "demo", cmd_demo, "create the demo organisation (into --db, else a demo file) "
             "and print its accounts")
    p.add_argument("--open", action="store_true", help="open the window on it afterwards")
    p.add_argument("--reset", action="store_true", help="start again from a fresh demo")
    p.add_argument("--no-encryption", action="store_true", help=argparse.SUPPRESS)

    p = _add(sub, "import-staff", cmd_import_staff, "import staff from .xlsx or .csv "
             "(all or nothing)")
    p.add_argument("file")

    p = _add(sub, "export-contract", cmd_export_contract, "a person's current contract as PDF")
    p.add_argument("--staff", required=True, metavar="ID", help="the person's staff id")
    p.add_argument("--out", required=True, metavar="FILE.pdf")

    p = _add(sub, "list-staff", cmd_list_staff, "list the staff you can see")
    p.add_argument("--json", action="store_true")
    p.add_argument("--all", action="store_true", help="include people who have left")

    p = _add(sub, "backup", cmd_backup, "write a backup of the store (administrators)")
    p.add_argument("--out", required=True, metavar="FILE",
                   help="the backup's file (a folder: a new name inside it); an earlier "
                        "backup of this store there is replaced, anything else refused")
    p.add_argument("--force", action="store_true",
                   help="replace FILE even if it is not a backup of this store")

    p = _add(sub, "restore", cmd_restore, "replace the store with a checked backup "
             "(administrators; the replaced file is kept)")
    p.add_argument("file")

    p = _add(sub, "verify-log", cmd_verify_log, "walk the event log's hash chain and its "
             "checkpoints; report the first break")
    p.add_argument("--database", metavar="URL",
                   help="the organisation's server database instead of a store")
    p.add_argument("--log-key", type=Path, metavar="FILE",
                   help="with --database: the server's log key file (default: "
                        "$SUPERVISION_AUDIT_LOG_KEY, else the one serve uses)")

    p = _add(sub, "access-log", cmd_access_log, "who opened, exported or printed what "
             "(administrators and senior managers)")
    p.add_argument("--staff", metavar="ID", help="entries about this person")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD")
    p.add_argument("--out", metavar="FILE.csv|FILE.xlsx")

    p = _add(sub, "list-records", cmd_list_records, "the records on a person's file")
    p.add_argument("--staff", required=True, metavar="ID")
    p.add_argument("--json", action="store_true")

    p = _add(sub, "export-record", cmd_export_record, "a record as PDF, laid out as its form")
    p.add_argument("--id", required=True, help="the record id (see list-records)")
    p.add_argument("--out", required=True, metavar="FILE.pdf")

    p = _add(sub, "export-monitoring", cmd_export_monitoring, "monitoring sheets as a workbook "
             "(your supervisees, or one person)")
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.add_argument("--staff", metavar="ID")

    p = _add(sub, "import-monitoring", cmd_import_monitoring, "bring in monitoring sheets "
             "(the paper layout; all or nothing)")
    p.add_argument("file")
    p.add_argument("--migration", action="store_true",
                   help="an administrator bringing in historical sheets for any team; every "
                        "line is logged as brought in under the migration role")

    p = _add(sub, "export-schedule", cmd_export_schedule, "a person's planned sessions as an "
             "iCalendar (.ics) file")
    p.add_argument("--staff", required=True, metavar="ID")
    p.add_argument("--out", required=True, metavar="FILE.ics")

    p = _add(sub, "compliance", cmd_compliance, "the policy's rules for everyone you can see")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day to judge (default: today)")
    p.add_argument("--json", action="store_true")

    p = _add(sub, "monthly-return", cmd_monthly_return, "the monthly supervision return "
             "workbook for everyone you can see")
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("--out", required=True, metavar="FILE.xlsx")

    add_seal_commands(sub, _add)

    p = _add(sub, "audit-summary", cmd_audit_summary, "judgements by team and month, subjects "
             "most often answered no, open audit actions")
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM")
    p.add_argument("--out", required=True, metavar="FILE.xlsx")

    p = _add(sub, "export-file", cmd_export_file, "a person's whole supervision file as one "
             "PDF in the Appendix 8 order, with an index")
    p.add_argument("--staff", required=True, metavar="ID")
    p.add_argument("--out", required=True, metavar="FILE.pdf")

    p = _add(sub, "subject-access", cmd_subject_access, "everything held about one person, as "
             "PDF and JSON")
    p.add_argument("--staff", required=True, metavar="ID")
    p.add_argument("--out-dir", required=True, metavar="DIR")
