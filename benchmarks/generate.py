"""A large organisation for the benchmarks, written fast.

    python -m benchmarks.generate --out big.sqlite [--staff 2000] [--years 5] [--encrypted]

The store is created the way the app creates one (``services.signin.first_run``, so the
schema comes from the real migrations and the accounts can sign in), then filled with
SQLAlchemy Core: ``insert(table)`` with lists of dicts, never one ORM object at a time, a
transaction per chunk of 20,000 rows (parents before children), so that the write-ahead
log stays small at any size. At the default size that is 2,000 staff in 150 teams across
five services, 150 team managers under 21 senior managers, five years of sessions (about
150,000), their records with actions, reviews, case discussions and both signatures, group
supervision, contracts (a version a year), file audits, direct observations, caseloads
and ASYE trackers. ``--staff 6000`` and ``--staff 20000`` (a regional consortium, about
1.5 million sessions) scale all of it: teams, managers and files grow with the staff.

Sign-in accounts (password ``benchmark-password``): ``admin`` (administrator),
``director`` (the top senior manager: sees the whole organisation), ``head`` (a head of
service), ``manager`` (a team manager) and ``worker`` (one of that manager's supervisees).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from benchmarks.generate_data import (
    AREAS,
    BUDGETS,
    CASEWORK,
    COMPLAINTS,
    COPY_METHODS,
    COURSES,
    FIRST,
    LAST,
    MANAGER_ROLES,
    ORGANISATION,
    PASSWORD,
    PERFORMANCE,
    REFLECTIVE,
    SERVICES,
    STAFFING,
    TEAM_KINDS,
    WELCOME,
    WELFARE,
    WORKLOAD,
    Counts,
    Person,
    Writer,
)
from benchmarks.generate_forms import FormsMixin
from supervision_audit.dates import add_months
from supervision_audit.demo.sessions import ACTIONS, CASE_TYPES
from supervision_audit.demo.sessions import POSTPONE_REASONS as REASONS
from supervision_audit.models import (
    ActionItem,
    ActionReview,
    Case,
    CaseDiscussion,
    Signature,
    Staff,
    SupervisionRecord,
    SupervisionSession,
    SupervisorChange,
    Team,
)
from supervision_audit.policy import is_working_day
from supervision_audit.services import signatures as sig
from supervision_audit.services.signatures import canonical_hash


class Generator(FormsMixin):
    def __init__(self, writer: Writer, staff: int, years: int, today: date, seed: int) -> None:
        self.w = writer
        self.total_staff = staff
        self.years = years
        self.today = today
        self.window_start = add_months(today, -12 * years)
        self.rng = random.Random(seed)
        self._ids = random.Random(seed + 1)
        self.now = datetime.combine(today, clock(12), tzinfo=UTC)
        self.people: list[Person] = []
        self.by_id: dict[uuid.UUID, Person] = {}
        self.teams: dict[uuid.UUID, tuple[str, str]] = {}  # id -> (name, service)
        self.members: dict[uuid.UUID, list[Person]] = {}  # team manager -> supervisees
        self.cases: dict[uuid.UUID, list[tuple[uuid.UUID, str, date, date | None]]] = {}
        self.managers: list[Person] = []

    # -- helpers ---------------------------------------------------------------------------
    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self._ids.getrandbits(128), version=4)

    def stamp(self, day: date, hour: int = 9) -> datetime:
        return min(datetime.combine(day, clock(hour), tzinfo=UTC), self.now)

    def base(self, day: date) -> dict[str, Any]:
        at = self.stamp(day)
        return {"id": self.new_id(), "created_at": at, "updated_at": at}

    def name(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    @staticmethod
    def working(day: date) -> date:
        while not is_working_day(day):
            day += timedelta(days=1)
        return day

    def sign(self, kind: str, record_id: uuid.UUID, signer: Person, role: str, meaning: str,
             at: datetime, content_hash: str) -> None:
        row = self.base(at.date())
        row.update(record_kind=kind, record_id=record_id, signer_staff_id=signer.id, role=role,
                   typed_name=signer.name, meaning=meaning, signed_at=at,
                   content_hash=content_hash, image_png=None,
                   account_username=signer.username or f"u{signer.staff_id.lower()}",
                   in_person=False, witnessed_by=None, created_at=at, updated_at=at)
        self.w.add(Signature, row)

    # -- the organisation ------------------------------------------------------------------
    def organisation(self) -> None:
        team_count = max(1, round(self.total_staff * 150 / 2000))
        service_managers = max(1, round(team_count / 10))
        leadership = self.team("Leadership", "Directorate")
        director = self.person("D0001", "Director of Children's Services", "senior_manager",
                               leadership, None, years_ago=12)
        heads = [self.person(f"H{i + 1:03d}", f"Head of Service, {service}", "senior_manager",
                             leadership, director, years_ago=10)
                 for i, service in enumerate(SERVICES)]
        seniors = [self.person(f"S{i + 1:03d}", "Service Manager", "senior_manager", leadership,
                               heads[i % len(heads)], years_ago=9)
                   for i in range(service_managers)]
        managers: list[Person] = []
        for i in range(team_count):
            senior = seniors[i % len(seniors)]
            service = SERVICES[seniors.index(senior) % len(SERVICES)]
            kind = TEAM_KINDS[service][i % len(TEAM_KINDS[service])]
            team = self.team(f"{AREAS[i % len(AREAS)]} {kind} Team {i // len(AREAS) + 1}",
                             service)
            managers.append(self.person(f"T{i + 1:03d}", "Team Manager", "team_manager", team,
                                        senior, years_ago=self.rng.uniform(6, 14)))
        self.managers = managers
        left = self.total_staff - len(self.people)
        for n in range(left):
            manager = managers[n % len(managers)]
            service = self.teams[manager.team][1]
            self.member(n, manager, service)
        for person in self.people:
            self.w.add(Staff, self.staff_row(person))
            self.supervisor_history(person)
            if person.supervisor is not None:
                self.members.setdefault(person.supervisor, []).append(person)

    def team(self, name: str, service: str) -> uuid.UUID:
        row = self.base(self.window_start)
        row.update(name=name, service=service)
        self.w.add(Team, row)
        self.teams[row["id"]] = (name, service)
        return row["id"]

    def person(self, staff_id: str, title: str, role: str, team: uuid.UUID,
               boss: Person | None, *, years_ago: float, asye: bool = False) -> Person:
        started = self.today - timedelta(days=int(years_ago * 365.25))
        person = Person(self.new_id(), staff_id, self.name(), role, title, team,
                        boss.id if boss else None, started, started if asye else None)
        self.people.append(person)
        self.by_id[person.id] = person
        return person

    def member(self, n: int, manager: Person, service: str) -> None:
        rng = self.rng
        if service == "Fostering" and rng.random() < 0.4:
            self.person(f"F{n + 1:04d}", "Foster Carer", "foster_carer", manager.team, manager,
                        years_ago=rng.uniform(0.5, 12))
            return
        if rng.random() < 0.07:  # in the ASYE year now
            self.person(f"A{n + 1:04d}", "Newly Qualified Social Worker", "asye", manager.team,
                        manager, years_ago=rng.uniform(0.05, 0.95), asye=True)
            return
        recent = rng.random() < 0.1
        years = rng.uniform(1.05, self.years) if recent else rng.uniform(self.years + 0.2, 20)
        title = rng.choice(("Social Worker", "Social Worker", "Senior Social Worker",
                            "Advanced Practitioner"))
        self.person(f"P{n + 1:04d}", title, "practitioner", manager.team, manager,
                    years_ago=years, asye=recent and rng.random() < 0.4)

    def staff_row(self, p: Person) -> dict[str, Any]:
        row = self.base(p.employment_start)
        first, *_rest = p.name.split()
        row.update(id=p.id, staff_id=p.staff_id, name=p.name, job_title=p.job_title, team_id=p.team,
                   location=f"{self.teams[p.team][1]} Office", phone=f"0121 555 {p.staff_id[1:]}",
                   email=f"{first.lower()}.{p.staff_id.lower()}@northfield.example",
                   role=p.role, supervisor_id=p.supervisor, employment_start=p.employment_start,
                   asye_start=p.asye_start, active=True, left_on=None)
        return row

    def supervisor_history(self, p: Person) -> None:
        start = p.employment_start
        if p.role not in MANAGER_ROLES and p.employment_start < self.window_start and \
                self.rng.random() < 0.1:
            others = [q for q in self.managers if q.id != p.supervisor]
            if others:
                p.earlier_supervisor = self.rng.choice(others).id
                p.changed_on = self.working(self.window_start + timedelta(
                    days=self.rng.randint(60, 365 * self.years - 60)))
                row = self.base(start)
                row.update(supervisee_id=p.id, supervisor_id=p.earlier_supervisor,
                           started_on=start, ended_on=p.changed_on, changed_by="system")
                self.w.add(SupervisorChange, row)
                start = p.changed_on
        row = self.base(start)
        row.update(supervisee_id=p.id, supervisor_id=p.supervisor, started_on=start,
                   ended_on=None, changed_by="system")
        self.w.add(SupervisorChange, row)

    # -- sessions and records --------------------------------------------------------------
    def schedule(self, p: Person) -> list[date]:
        start = max(p.employment_start + timedelta(days=7), self.window_start)
        end = add_months(self.today, 12)  # a year booked ahead (R9)
        anchor = start
        out: list[date] = []
        months = 0
        day = start
        while day < end:
            out.append(self.working(day))
            if p.asye_start is not None and day < p.asye_start + timedelta(days=42):
                day += timedelta(days=7)
            elif p.asye_start is not None and day < add_months(p.asye_start, 6):
                day += timedelta(days=14)
                anchor, months = day, 0
            elif p.role == "foster_carer":
                day += timedelta(days=42)
            else:
                months += 1
                day = add_months(anchor, months)
        return out

    def caseload(self, p: Person) -> None:
        if p.role not in ("practitioner", "asye"):
            return
        rng = self.rng
        day = max(p.employment_start, self.window_start) - timedelta(days=rng.randint(0, 120))
        cases = []
        while day < self.today:
            for _ in range(rng.randint(1, 2)):
                closed = day + timedelta(days=rng.randint(90, 400))
                ref = f"{rng.choice(('CP', 'CIN', 'LAC', 'TS'))}-{rng.randint(10000, 99999)}"
                row = self.base(day)
                row.update(supervisee_id=p.id, reference=ref, case_type=rng.choice(CASE_TYPES),
                           opened_on=day, closed_on=closed if closed < self.today else None)
                self.w.add(Case, row)
                cases.append((row["id"], ref, day, row["closed_on"]))
            day += timedelta(days=rng.randint(60, 120))
        self.cases[p.id] = cases

    def sessions(self, p: Person) -> None:
        rng = self.rng
        weekday_time = clock(rng.choice((9, 10, 11, 14)), rng.choice((0, 30)))
        venue = f"Meeting Room {rng.randint(1, 6)}, {self.teams[p.team][1]} Office"
        open_actions: list[dict[str, Any]] = []
        count = 0
        for day in self.schedule(p):
            row = self.session_row(p, day, weekday_time, venue)
            if day >= self.today:
                continue
            age = (self.today - day).days
            if age <= 21 and rng.random() < 0.25:
                if rng.random() < 0.5:  # a record started, not yet finished
                    self.record(p, row, open_actions, count, draft=True)
                continue  # not written up yet: planned, its date passed
            roll = rng.random()
            if roll < 0.10:
                again = day + timedelta(days=rng.randint(2, 9))
                follow = self.session_row(p, self.working(again), weekday_time, venue)
                row.update(status="postponed", reason=rng.choice(REASONS),
                           rescheduled_for=follow["planned_date"], rescheduled_recorded_on=day,
                           rescheduled_session_id=follow["id"])
                if follow["planned_date"] < self.today:
                    if rng.random() < 0.9:
                        self.record(p, follow, open_actions, count)
                        count += 1
                    else:
                        follow.update(status="cancelled", reason=rng.choice(REASONS),
                                      reported_to_manager_on=follow["planned_date"]
                                      + timedelta(days=2))
            elif roll < 0.15:
                row.update(status="cancelled", reason=rng.choice(REASONS))
                if rng.random() < 0.7:
                    row["reported_to_manager_on"] = day + timedelta(days=rng.randint(1, 5))
            else:
                self.record(p, row, open_actions, count)
                count += 1

    def session_row(self, p: Person, day: date, at: clock, venue: str) -> dict[str, Any]:
        row = self.base(min(day, self.today))
        row.update(supervisee_id=p.id, supervisor_id=p.supervisor_on(day),
                   kind="manager" if p.role in MANAGER_ROLES else "individual",
                   planned_date=day, planned_time=at, duration_minutes=90, venue=venue,
                   status="planned", reason="", comments="", rescheduled_for=None,
                   rescheduled_recorded_on=None, rescheduled_session_id=None,
                   reported_to_manager_on=None)
        self.w.add(SupervisionSession, row)
        return row

    def record(self, p: Person, planned: dict[str, Any], open_actions: list[dict[str, Any]],
               count: int, *, draft: bool = False) -> None:
        rng = self.rng
        held_on: date = planned["planned_date"]
        boss = self.by_id.get(planned["supervisor_id"]) if planned["supervisor_id"] else None
        if boss is None:
            return
        record_id = self.new_id()
        start: clock = planned["planned_time"]
        minutes = 60 if count % 9 == 8 else rng.choice((90, 90, 95, 100))
        end_minutes = start.hour * 60 + start.minute + minutes
        end = clock(end_minutes // 60, end_minutes % 60)
        course = rng.choice(COURSES)
        manager_form = p.role in MANAGER_ROLES
        values: dict[str, Any] = {
            "held_on": held_on.isoformat(), "supervisee_name": p.name,
            "supervisor_name": boss.name, "venue": planned["venue"],
            "start_time": start.isoformat(timespec="minutes"),
            "end_time": end.isoformat(timespec="minutes"),
            "welcome": WELCOME.format(name=p.name.split()[0]),
            "review": "The previous record was read and agreed.",
        }
        if draft:
            values["workload"] = WORKLOAD.format(n=rng.randint(8, 16))
            row = self.base(held_on)
            row.update(form_key="manager" if manager_form else "individual",
                       session_id=planned["id"], supervisee_id=p.id, supervisor_id=boss.id,
                       held_on=held_on, start_time=start, end_time=None, status="draft",
                       values=values, draft_saved_at=self.stamp(held_on, 17), locked_at=None,
                       copy_given_on=None, copy_method="", id=record_id)
            self.w.add(SupervisionRecord, row)
            return
        reviewed = []
        for action in list(open_actions):
            outcome = "done" if rng.random() < 0.8 else "carried_forward"
            reviewed.append({"id": str(action["id"]), "action": action["description"],
                             "owner": action["owner"], "due": action["due_date"].isoformat(),
                             "outcome": "Done" if outcome == "done" else "Carried forward"})
            self.w.add(ActionReview, {"action_id": action["id"], "record_id": record_id,
                                      "outcome": outcome, "note": ""})
            if outcome == "done":
                action.update(status="done", done_on=held_on)
                open_actions.remove(action)
        values["actions_reviewed"] = reviewed
        cases = [c for c in self.cases.get(p.id, ())
                 if c[2] <= held_on and (c[3] is None or c[3] > held_on)]
        if manager_form:
            values.update(staffing=STAFFING, workload=WORKLOAD.format(n=rng.randint(60, 180)),
                          cases="Three cases escalated to the service manager this month.",
                          budgets=BUDGETS, complaints=COMPLAINTS, audit_actions=[])
        else:
            values.update(workload=WORKLOAD.format(n=len(cases) or rng.randint(8, 14)),
                          casework=CASEWORK, reflective=REFLECTIVE,
                          kss=rng.sample([f"KSS{i}" for i in range(1, 11)], 2),
                          pcf=rng.sample([f"PCF{i}" for i in range(1, 10)], 1))
            discussed = rng.sample(cases, min(2, len(cases)))
            values["cases_discussed"] = []
            for case_id, ref, _opened, _closed in discussed:
                recorded_on = held_on + timedelta(days=rng.choice((0, 1, 1, 3)))
                values["cases_discussed"].append({
                    "case": ref, "note": "Plan reviewed; next steps agreed.",
                    "recorded_on": recorded_on.isoformat()})
                row = self.base(held_on)
                row.update(record_id=record_id, case_id=case_id,
                           decision_recorded_at=datetime.combine(recorded_on, end, tzinfo=UTC),
                           summary="Plan reviewed; next steps agreed.")
                self.w.add(CaseDiscussion, row)
        values.update(performance=PERFORMANCE.format(course=course), welfare=WELFARE,
                      aob="None.")
        case_ref = rng.choice(cases)[1] if cases else "the team plan"
        new_actions = []
        for number in range(1, rng.randint(1, 2) + 1):
            due = held_on + timedelta(days=rng.choice((7, 14, 21)))
            action = self.base(held_on)
            action.update(record_id=record_id, supervisee_id=p.id, number=number,
                          description=rng.choice(ACTIONS).format(case=case_ref, course=course),
                          owner=rng.choice((p.name, boss.name)), due_date=due, status="open",
                          done_on=None)
            self.w.add(ActionItem, action)
            new_actions.append(action)
        values["actions"] = [{"action": a["description"], "owner": a["owner"],
                              "due": a["due_date"].isoformat()} for a in new_actions]
        open_actions.extend(new_actions)
        values["next_date"] = add_months(held_on, 1).isoformat()
        form = "manager" if manager_form else "individual"
        content = {"kind": "record", "id": str(record_id), "form": form,
                   "supervisee": str(p.id), "supervisor": str(boss.id),
                   "held_on": held_on.isoformat(), "start": start.isoformat(),
                   "end": end.isoformat(), "values": values}
        locked_at, copy_on, method = self.sign_both(
            "record", record_id, boss, p, held_on, canonical_hash(content),
            sig.SUPERVISOR_MEANING, sig.SUPERVISEE_MEANING)
        row = self.base(held_on)
        row.update(id=record_id, form_key=form, session_id=planned["id"], supervisee_id=p.id,
                   supervisor_id=boss.id, held_on=held_on, start_time=start, end_time=end,
                   status="complete", values=values, draft_saved_at=self.stamp(held_on, 17),
                   locked_at=None, copy_given_on=copy_on, copy_method=method)
        self.w.add(SupervisionRecord, row)
        if locked_at is not None:
            self.w.lock(record_id, locked_at)
        planned["status"] = "completed"

    def sign_both(self, kind: str, record_id: uuid.UUID, boss: Person, p: Person, on: date,
                  content_hash: str, boss_meaning: str, own_meaning: str
                  ) -> tuple[datetime | None, date | None, str]:
        """Most signed by both within days, a copy given; some left waiting (recent most)."""
        rng = self.rng
        at = datetime.combine(on, clock(16), tzinfo=UTC)
        recent = (self.today - on).days < 30
        if at > self.now or rng.random() < (0.3 if recent else 0.02):
            return None, None, ""
        self.sign(kind, record_id, boss, "supervisor", boss_meaning, at, content_hash)
        then = at + timedelta(days=rng.randint(0, 3), hours=rng.randint(0, 2))
        if then > self.now or rng.random() < (0.3 if recent else 0.02):
            return None, None, ""
        self.sign(kind, record_id, p, "supervisee", own_meaning, then, content_hash)
        if kind != "record" or rng.random() > 0.9:
            return then, None, ""
        given = on + timedelta(days=rng.choice((0, 1, 2, 2, 3, 6)))
        return then, min(given, self.today), rng.choice(COPY_METHODS)

    def accounts(self) -> dict[str, Person]:
        """Who the named sign-in accounts (besides admin) belong to."""
        first = {p.staff_id: p for p in self.people}
        manager = first["T001"]
        worker = next(p for p in self.members[manager.id] if p.role == "practitioner")
        return {"director": first["D0001"], "head": first["H001"], "manager": manager,
                "worker": worker}

    # -- all of it -------------------------------------------------------------------------
    def run(self, progress: Callable[[str], None]) -> None:
        self.organisation()
        for username, person in self.accounts().items():
            person.username = username  # their signatures name the account
        self.w.flush()
        progress(f"{len(self.people)} staff in {len(self.teams)} teams")
        for n, person in enumerate(self.people, start=1):
            if person.supervisor is None:
                continue
            self.caseload(person)
            self.sessions(person)
            self.contracts(person)
            self.asye(person)
            self.w.maybe_flush()
            if n % 500 == 0:
                progress(f"{n} files")
        for person in self.people:
            if person.role == "team_manager":
                self.groups(person)
                self.audits(person)
                self.w.maybe_flush()
        self.w.flush()


def generate(out: Path, *, staff: int = 2000, years: int = 5, encrypted: bool = False,
             today: date | None = None, seed: int = 2026,
             progress: Callable[[str], None] | None = None) -> Counts:
    """Write the organisation to a new store at ``out``; the row counts per table."""
    from supervision_audit.services.accounts import add_account
    from supervision_audit.services.signin import FirstRun, first_run

    say = progress or (lambda _text: None)
    out = Path(out)
    if out.exists():
        raise FileExistsError(f"{out} exists: choose a new file")
    opened, _recovery = first_run(out, FirstRun(
        organisation=ORGANISATION, admin_name="Alex Morgan", admin_staff_id="X0001",
        username="admin", password=PASSWORD, admin_job_title="Systems Administrator",
        encrypted=encrypted))
    counts = Counts()
    try:
        with opened.store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA cache_size = -262144")  # 256 MiB for the load
            gen = Generator(Writer(conn, counts), staff, years, today or date.today(), seed)
            gen.run(say)  # committed chunk by chunk: the log stays small at any size
        with opened.store.write() as session:
            for username, person in gen.accounts().items():
                add_account(session, opened.vault, person.id, username, PASSWORD)
        say("accounts: admin, " + ", ".join(f"{u} ({p.staff_id})"
                                            for u, p in gen.accounts().items()))
    finally:
        opened.store.close()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="the new store to write")
    parser.add_argument("--staff", type=int, default=2000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--encrypted", action="store_true",
                        help="an encrypted store (SQLCipher), its key unlocked by the "
                             "accounts' password as in the app")
    parser.add_argument("--small", action="store_true",
                        help="a small organisation for a smoke test (120 staff, 2 years)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    staff, years = (120, 2) if args.small else (args.staff, args.years)
    started = time.perf_counter()

    def say(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {text}", flush=True)

    counts = generate(args.out, staff=staff, years=years, encrypted=args.encrypted,
                      seed=args.seed, progress=say)
    for table, n in sorted(counts.rows.items()):
        print(f"    {table:<22} {n:>9,}")
    size = args.out.stat().st_size / 2**20
    say(f"done: {args.out} ({size:.0f} MiB); every account's password is {PASSWORD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
