"""Accounts at the organisation's scale: one-time passwords, and accounts for many people at
once from a staff file.

An account made here has a one-time password, to be handed out, and must choose its own at
first sign-in (``must_change_password``). The staff file is the staff import's layout, read
for two columns: ``staff_id`` and ``username`` (rows without a user name are passed over). The
whole file is checked first; on any problem nothing is made and every problem is listed.
"""

from __future__ import annotations

import csv
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from supervision_audit.errors import Problem, ValidationError
from supervision_audit.models import UserAccount
from supervision_audit.server.auth import NO_VAULT
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.accounts import account_named, create_account
from supervision_audit.services.staff import find_by_staff_id
from supervision_audit.services.tabular import cell_text, is_blank, read_table

# no 0/O, 1/l/I: read off paper without doubt; 14 of 31 letters ~ 69 bits
_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def one_time_password(length: int = 14) -> str:
    """A random password to hand out, in groups of a few letters for reading aloud."""
    letters = "".join(secrets.choice(_ALPHABET) for _ in range(length))
    return "-".join(letters[i:i + 5] for i in range(0, length, 5))


@dataclass(frozen=True)
class Issued:
    username: str
    staff_id: str
    name: str
    password: str


def issue_account(session: Session, actor: Actor, staff_id: str, username: str, *,
                  is_admin: bool = False) -> Issued:
    """An account for the member of staff ``staff_id``, with a one-time password."""
    require(session, actor, Action.MANAGE_ACCOUNTS)
    person = find_by_staff_id(session, staff_id)
    if person is None:
        raise ValidationError(Problem("staff_id", f"No member of staff has staff id "
                                                  f"'{staff_id}'"))
    password = one_time_password()
    account = create_account(session, actor, NO_VAULT, person.id, username, password,
                             is_admin=is_admin)
    account.must_change_password = True
    session.flush()
    return Issued(account.username, person.staff_id, person.name, password)


def accounts_from_file(session: Session, actor: Actor, path: Path) -> list[Issued]:
    """An account with a one-time password for each row of a staff file with a user name."""
    require(session, actor, Action.MANAGE_ACCOUNTS)
    rows = read_table(path)
    if not rows:
        raise ValidationError(Problem("file", "The file is empty"))
    header = [cell_text(h).lower().replace(" ", "_") for h in rows[0]]
    missing = [c for c in ("staff_id", "username") if c not in header]
    if missing:
        raise ValidationError(Problem("header", "The first row needs the column(s) "
                                      + ", ".join(missing)))
    at_id, at_name = header.index("staff_id"), header.index("username")
    wanted: list[tuple[int, str, str]] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if is_blank(row):
            continue
        cells = list(row) + [None] * (len(header) - len(row))
        staff_id, username = cell_text(cells[at_id]), cell_text(cells[at_name])
        if not username:
            continue
        if find_by_staff_id(session, staff_id) is None:
            problems.append(Problem("staff_id", f"No member of staff has staff id "
                                                f"'{staff_id}'", number))
        if account_named(session, username) is not None:
            problems.append(Problem("username", f"The user name '{username}' is taken",
                                    number))
        elif username in seen:
            problems.append(Problem("username", f"'{username}' is also on row {seen[username]}",
                                    number))
        seen.setdefault(username, number)
        wanted.append((number, staff_id, username))
    if problems:
        raise ValidationError(problems)
    return [issue_account(session, actor, staff_id, username)
            for _number, staff_id, username in wanted]


def write_hand_out(issued: list[Issued], out: Path) -> Path:
    """The one-time passwords as CSV for hand-out, readable by its owner only."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["username", "staff_id", "name", "one_time_password"])
        for item in issued:
            writer.writerow([item.username, item.staff_id, item.name, item.password])
    return out


def describe(account: UserAccount, staff_id: str, name: str) -> str:
    """One line of ``accounts list``."""
    flags = [f for f, on in (("admin", account.is_admin), ("inspector", account.is_inspector),
                             ("closed", not account.active),
                             ("one-time password", account.must_change_password)) if on]
    last = account.last_signed_in_at.isoformat(timespec="minutes") \
        if account.last_signed_in_at else "never signed in"
    return f"{account.username}\t{staff_id}\t{name}\t{', '.join(flags) or '-'}\t{last}"
