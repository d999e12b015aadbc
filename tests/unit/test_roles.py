"""The role matrix: every permitted action works, every other raises PermissionDenied.

Each action is exercised through the real service a window or the command line calls.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import Actor, PermissionDenied, actor_for
from supervision_audit.services.access_log import access_log
from supervision_audit.services.accounts import account_named, add_account, create_account
from supervision_audit.services.backups import backup_to_file
from supervision_audit.services.contract_export import export_contract_pdf
from supervision_audit.services.contracts import contracts_of, draft_values, save_contract
from supervision_audit.services.settings import set_setting
from supervision_audit.services.signin import FirstRun, first_run
from supervision_audit.services.staff import (
    StaffInput,
    get_by_staff_id,
    list_staff,
    mark_left,
    save_staff,
)
from supervision_audit.services.staff_import import import_staff
from supervision_audit.services.subject_access import gather

TODAY = date.today()
PASSWORD = "correct horse battery"

# who: (staff id, name, role, supervisor, team)
PEOPLE = [
    ("SM", "Sam Senior", "senior_manager", "", "Leadership"),
    ("TM", "Tia Teamlead", "team_manager", "SM", "Team A"),
    ("P", "Pat Practitioner", "practitioner", "TM", "Team A"),
    ("T2", "Tom Otherteam", "team_manager", "", "Team B"),
    ("Q", "Quinn Elsewhere", "practitioner", "T2", "Team B"),
    ("IA", "Ina Inspector", "other", "", ""),
    ("IB", "Ian Inspector", "other", "", ""),
    ("IX", "Ivy Expired", "other", "", ""),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from supervision_audit.security.keyring import KdfParams
    from supervision_audit.security.passwords import Costs

    saved, Costs.kdf = Costs.kdf, KdfParams(time_cost=1, memory_cost=8, parallelism=1)
    folder = tmp_path_factory.mktemp("roles")
    opened, _ = first_run(folder / "roles.sqlite",
                          FirstRun("Org", "Ada Admin", "AD", "admin", PASSWORD))
    actors: dict[str, Actor] = {"admin": opened.actor}
    with opened.store.write() as session:
        for sid, name, role, boss, team in PEOPLE:
            save_staff(session, SYS, StaffInput(sid, name, role=role, supervisor_staff_id=boss,
                                                 team=team))
        p = get_by_staff_id(session, "P")
        values = draft_values(session, SYS, p.id)
        values.update(venue="Room 1", date_agreed="2026-01-05")
        save_contract(session, SYS, p.id, values)
        for sid in ("SM", "TM", "P", "Q"):
            add_account(session, opened.vault, get_by_staff_id(session, sid).id, sid.lower(),
                        PASSWORD)
        from supervision_audit.services.accounts import grant_inspector

        grant_inspector(session, opened.actor, opened.vault, get_by_staff_id(session, "IA").id,
                        "ia", PASSWORD, until=TODAY + timedelta(days=30), team_names=["Team A"])
        grant_inspector(session, opened.actor, opened.vault, get_by_staff_id(session, "IB").id,
                        "ib", PASSWORD, until=TODAY + timedelta(days=30), team_names=["Team B"])
        expired = grant_inspector(session, opened.actor, opened.vault,
                                  get_by_staff_id(session, "IX").id, "ix", PASSWORD,
                                  until=TODAY + timedelta(days=1))
        expired.inspector_until = TODAY - timedelta(days=1)
        session.flush()
        for username in ("sm", "tm", "p", "q", "ia", "ib", "ix"):
            actors[username] = actor_for(session, account_named(session, username))
    yield opened, actors, folder
    opened.store.close()
    Costs.kdf = saved


def _contract_id(session):
    return contracts_of(session, SYS, get_by_staff_id(session, "P").id)[0].id


def _csv(folder: Path) -> Path:
    path = folder / "import.csv"
    path.write_text("staff_id,name,job_title,team,location,role,supervisor_id,employment_start,"
                    "asye_start,email,phone\nNEW1,New Person,,Team A,,practitioner,TM,,,,\n")
    return path


# action name -> function(session, actor, folder, store) doing it through the real service
ACTIONS = {
    "read P's file": lambda s, a, f, st: contracts_of(s, a, get_by_staff_id(s, "P").id),
    "export P's contract": lambda s, a, f, st: export_contract_pdf(s, a, _contract_id(s),
                                                                    f / f"{a.username}.pdf"),
    "write P's contract": lambda s, a, f, st: save_contract(
        s, a, get_by_staff_id(s, "P").id, {**draft_values(s, SYS, get_by_staff_id(s, "P").id),
                                           "venue": "Room 2", "date_agreed": "2026-02-01"}),
    "read Q's file": lambda s, a, f, st: contracts_of(s, a, get_by_staff_id(s, "Q").id),
    "add staff": lambda s, a, f, st: save_staff(s, a, StaffInput(f"N-{a.username}", "New")),
    "mark P left": lambda s, a, f, st: mark_left(s, a, get_by_staff_id(s, "P").id, TODAY),
    "import staff": lambda s, a, f, st: import_staff(s, a, _csv(f)),
    "create account": lambda s, a, f, st: create_account(
        s, a, st.vault, get_by_staff_id(s, "T2").id, f"t2-{a.username}", PASSWORD),
    "change settings": lambda s, a, f, st: set_setting(s, a, "organisation_name", "Renamed"),
    "view P's access log": lambda s, a, f, st: access_log(s, a, staff_id="P"),
    "subject access for P": lambda s, a, f, st: gather(s, a, "P"),
}

ALLOWED = {
    "admin": {"add staff", "mark P left", "import staff", "create account", "change settings",
              "view P's access log", "subject access for P"},
    "sm": {"read P's file", "export P's contract", "view P's access log"},
    "tm": {"read P's file", "export P's contract", "write P's contract"},
    "p": {"read P's file", "export P's contract"},
    "q": {"read Q's file"},
    "ia": {"read P's file", "export P's contract"},
    "ib": {"read Q's file"},
    "ix": set(),
}


class _Undo(Exception):
    pass


@pytest.mark.parametrize("username", list(ALLOWED))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_matrix(world, username: str, action: str) -> None:
    opened, actors, folder = world
    actor = actors[username]
    try:
        with opened.store.write() as session:
            try:
                ACTIONS[action](session, actor, folder, opened)
            except PermissionDenied as exc:
                assert action not in ALLOWED[username], f"{username} refused {action}: {exc}"
                assert actor.name in str(exc)
                raise _Undo from exc
            assert action in ALLOWED[username], f"{username} was allowed to {action}"
            raise _Undo  # leave the world as it was for the next case
    except _Undo:
        pass


@pytest.mark.parametrize(("username", "expected"), [
    ("admin", {"AD", "SM", "TM", "P", "T2", "Q", "IA", "IB", "IX"}),
    ("sm", {"SM", "TM", "P"}),
    ("tm", {"TM", "P"}),
    ("p", {"P"}),
    ("ia", {"TM", "P"}),
    ("ix", set()),
])
def test_lists_show_only_the_scope(world, username: str, expected: set[str]) -> None:
    opened, actors, _ = world
    with opened.store.read() as session:
        assert {r.staff_id for r in list_staff(session, actors[username])} == expected


def test_backups_are_for_administrators_only(world) -> None:
    opened, actors, folder = world
    assert backup_to_file(opened.store, actors["admin"], folder / "b.sqlite").exists()
    with pytest.raises(PermissionDenied):
        backup_to_file(opened.store, actors["sm"], folder / "c.sqlite")
    assert not (folder / "c.sqlite").exists()
