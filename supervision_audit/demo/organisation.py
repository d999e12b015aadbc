"""The demo organisation: its people, teams, contracts and accounts, and the store that holds
them with five years of files (the `demo` command)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from supervision_audit.dates import add_months
from supervision_audit.demo.acting import acting_as
from supervision_audit.demo.asye import seed_asye
from supervision_audit.demo.audits import seed_audits
from supervision_audit.demo.sessions import seed_sessions
from supervision_audit.errors import ValidationError
from supervision_audit.models import Staff
from supervision_audit.services.access import SYSTEM_ACTOR, Actor
from supervision_audit.services.accounts import Vault, add_account, grant_inspector
from supervision_audit.services.contracts import draft_values, save_contract
from supervision_audit.services.settings import set_setting
from supervision_audit.services.signatures import sign
from supervision_audit.services.signin import FirstRun, OpenStore, first_run
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff

DEMO_ORGANISATION = "Riverside Children's Trust"

SAFEGUARDING = "Safeguarding and Family Support"
CHILDREN_IN_CARE = "Children in Care and Fostering"

# staff id, name, job title, team, role, supervisor staff id, months employed, ASYE months in
PEOPLE: tuple[tuple[str, str, str, str, str, str, int, int | None], ...] = (
    ("D001", "Margaret Ellison", "Director of Children's Services", "Leadership", "senior_manager",
     "", 120, None),
    ("H010", "Adebayo Okonkwo", "Head of Service", "Leadership", "senior_manager", "D001", 96,
     None),
    ("H020", "Siobhán Ní Bhriain", "Head of Service", "Leadership", "senior_manager", "D001", 80,
     None),
    ("O011", "Catherine Dunmore", "Operations Manager", "Leadership", "senior_manager", "H010", 70,
     None),
    ("T100", "Rachel Whitcombe", "Team Manager", "Assessment Team", "team_manager", "O011", 60,
     None),
    ("T200", "Imran Qureshi", "Team Manager", "Child Protection Team", "team_manager", "O011", 54,
     None),
    ("T300", "Helen Marsh", "Team Manager", "Children in Care Team", "team_manager", "H020", 48,
     None),
    ("T400", "Gareth Pryce", "Team Manager", "Fostering Team", "team_manager", "H020", 44, None),
    ("P101", "Łucja Żak", "Senior Social Worker", "Assessment Team", "practitioner", "T100", 40,
     None),
    ("P102", "Daniel Osei", "Social Worker", "Assessment Team", "practitioner", "T100", 30, None),
    ("P103", "Amy Kettering", "Social Worker", "Assessment Team", "practitioner", "T100", 22, None),
    ("A104", "Priya Raman", "Newly Qualified Social Worker", "Assessment Team", "asye", "T100", 1,
     1),
    ("P201", "Olena Kovalenko", "Advanced Practitioner", "Child Protection Team", "practitioner",
     "T200", 50, None),
    ("P202", "Tom Beresford", "Social Worker", "Child Protection Team", "practitioner", "T200",
     18, None),
    ("A203", "Chloe Adeyemi", "Newly Qualified Social Worker", "Child Protection Team", "asye",
     "T200", 4, 4),
    ("A204", "Jack Morrow", "Newly Qualified Social Worker", "Child Protection Team", "asye",
     "T200", 8, 8),
    ("P301", "Zoë Brontë-Hughes", "Social Worker", "Children in Care Team", "practitioner", "T300",
     26, None),
    ("P302", "Mohammed Iqbal", "Senior Social Worker", "Children in Care Team", "practitioner",
     "T300", 64, None),
    ("A303", "Ellie Vaughan", "Newly Qualified Social Worker", "Children in Care Team", "asye",
     "T300", 13, 13),
    ("P401", "Grace Okafor", "Supervising Social Worker", "Fostering Team", "practitioner", "T400",
     36, None),
    ("F402", "Susan and Peter Lyle", "Foster Carers", "Fostering Team", "foster_carer", "P401",
     72, None),
    ("F403", "Bronwen Pryderi", "Foster Carer", "Fostering Team", "foster_carer", "P401", 20, None),
)

TEAM_SERVICE = {
    "Leadership": "Directorate",
    "Assessment Team": SAFEGUARDING,
    "Child Protection Team": SAFEGUARDING,
    "Children in Care Team": CHILDREN_IN_CARE,
    "Fostering Team": CHILDREN_IN_CARE,
}

VENUES = {
    SAFEGUARDING: "Meeting Room 2, Riverside House",
    CHILDREN_IN_CARE: "The Quiet Room, Canal Street Office",
    "Directorate": "Boardroom, Riverside House",
}

# staff ids with no contract yet, and those whose contract is more than a year old
NO_CONTRACT = ("P103",)
OLD_CONTRACT = ("P202", "P302")


def _email(name: str) -> str:
    first, *rest = name.lower().replace("'", "").split()
    last = rest[-1] if rest else "staff"
    return f"{first}.{last}@riverside-trust.example"


def seed_demo(session: Session, today: date | None = None) -> int:
    """Fill an empty store with the demo organisation; returns the number of people added."""
    today = today or date.today()
    ids = [p[0] for p in PEOPLE]
    if session.exec(select(Staff).where(col(Staff.staff_id).in_(ids))).first() is not None:
        raise ValidationError([], summary="The database already holds the demo organisation.")
    set_setting(session, SYSTEM_ACTOR, "organisation_name", DEMO_ORGANISATION)
    for sid, name, title, team, role, boss, months, asye_months in PEOPLE:
        started = add_months(today, -months)
        service = TEAM_SERVICE[team]
        save_staff(session, SYSTEM_ACTOR, StaffInput(
            staff_id=sid, name=name, job_title=title, team=team,
            location="Riverside House" if service != CHILDREN_IN_CARE else "Canal Street Office",
            role=role, supervisor_staff_id=boss, employment_start=started,
            asye_start=add_months(today, -asye_months) if asye_months is not None else None,
            email=_email(name), phone=f"0121 555 {sid[1:]}", service=service,
        ), today=started)
    for sid, _name, _title, team, _role, boss, months, _asye in PEOPLE:
        if not boss or sid in NO_CONTRACT:
            continue
        person = get_by_staff_id(session, sid)
        agreed = add_months(today, -14) if sid in OLD_CONTRACT else \
            max(add_months(today, -min(months, 6)), person.employment_start or today)
        values = draft_values(session, SYSTEM_ACTOR, person.id)
        values.update(venue=VENUES[TEAM_SERVICE[team]], date_agreed=agreed.isoformat(),
                      additions=_additions(sid))
        if not values.get("intermediary"):
            values["intermediary"] = "Chief Executive, Riverside Children's Trust"
        if sid == "P202":
            values.update(frequency="agreed", agreed_interval_days=14)
        contract = save_contract(session, SYSTEM_ACTOR, person.id, values)
        signed = datetime.combine(agreed, time(11)).astimezone()
        sign(session, acting_as(session, person.supervisor_id), "contract", contract.id,
             password=None, at=signed)
        sign(session, acting_as(session, person.id), "contract", contract.id, password=None,
             at=signed + timedelta(days=1))
    return len(PEOPLE)


def _additions(staff_id: str) -> str:
    if staff_id == "P202":
        return ("Fortnightly supervision while the performance support plan is in place "
                "(review at three months).")
    if staff_id.startswith("A"):
        return ("ASYE: the learning agreement and critical reflection log are discussed at every "
                "session; the ASYE assessor joins the 3-, 6- and 9-month reviews.")
    if staff_id.startswith("F"):
        return "Supervision takes place in the carers' home every six weeks."
    return ""


DEMO_PASSWORD = "supervision-demo"
ADMIN = ("X001", "Alex Morgan", "Systems Administrator")
INSPECTOR = ("I001", "Jane Holloway", "Inspector (external)")
# username, staff id, what they show
DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("admin", ADMIN[0], "administrator: accounts, staff, settings, backups; reads no records"),
    ("catherine", "O011", "operations manager (senior): reads and audits the files below her"),
    ("rachel", "T100", "team manager: supervises the Assessment Team"),
    ("lucja", "P101", "social worker: sees her own file"),
    ("inspector", INSPECTOR[0], "inspector: reads every file, until 90 days from the demo's day"),
)


def create_demo(db_path: Path, today: date | None = None, *, encrypted: bool = True
                ) -> tuple[OpenStore, str | None]:
    """A new store holding the demo organisation and its demo accounts (signed in as admin)."""
    today = today or date.today()
    opened, recovery = first_run(db_path, FirstRun(
        organisation=DEMO_ORGANISATION, admin_name=ADMIN[1], admin_staff_id=ADMIN[0],
        admin_job_title=ADMIN[2], username="admin", password=DEMO_PASSWORD,
        encrypted=encrypted))
    try:
        with opened.store.write() as session:
            seed_demo_files(session, opened.actor, opened.vault, today)
    except Exception:
        opened.store.close()
        raise
    return opened, recovery


def seed_demo_files(session: Session, admin: Actor, vault: Vault, today: date) -> None:
    """The demo organisation, its demo accounts (but the administrator's, made by whoever set
    the store up as ``admin``) and five years of files, into a store of either engine."""
    seed_demo(session, today)
    save_staff(session, SYSTEM_ACTOR, StaffInput(INSPECTOR[0], INSPECTOR[1], INSPECTOR[2],
                                                 role="other"), today=today)
    for username, staff_id, _what in DEMO_ACCOUNTS:
        person = get_by_staff_id(session, staff_id)
        if username == "admin":
            continue
        if username == "inspector":
            grant_inspector(session, admin, vault, person.id, username, DEMO_PASSWORD,
                            until=today + timedelta(days=90), today=today)
        else:
            add_account(session, vault, person.id, username, DEMO_PASSWORD)
    managers = {staff.id: acting_as(session, staff.id) for staff in session.exec(
        select(Staff).where(Staff.role == "team_manager"))}
    seed_sessions(session, today, managers)
    seed_asye(session, today)
    seed_audits(session, today)
