"""The demo organisation's year and more of supervision: sessions completed, postponed and
rescheduled, some short, group sessions per team, open and done actions, caseloads."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from supervision_audit.dates import add_months
from supervision_audit.demo.acting import acting_as
from supervision_audit.models import Staff, SupervisionRecord, SupervisionSession
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import Actor
from supervision_audit.services.cases import add_case, caseload
from supervision_audit.services.records import complete_record, start_record
from supervision_audit.services.sessions import miss_session, plan_year, sessions_of
from supervision_audit.services.signatures import record_copy_given, sign

WELCOME = ("Checked in on wellbeing; {name} said the week had been busy but manageable. "
           "Agenda agreed.")
WORKLOAD = "{n} cases allocated. Discussed priorities for the coming month and two new referrals."
REFLECTIVE = ("Reflected on a home visit where the child's voice was hard to hear; explored "
              "how to use direct work tools and what the family's history tells us.")
PERFORMANCE = "Reviewed appraisal objectives; training on {course} booked."
WELFARE = "Annual leave planned; no concerns raised. Reminded of the staff counselling service."
COURSES = ("court skills", "Signs of Safety mapping", "chronologies", "trauma-informed practice",
           "neglect toolkit")
ACTIONS = ("Update the chronology on {case}", "Book the {course} course",
           "Arrange a joint visit for {case}", "Complete the case summary for {case}",
           "Share the safety plan for {case} with the family")
POSTPONE_REASONS = ("Supervisor on annual leave", "Supervisee in court", "Sickness",
                    "Urgent child protection enquiry", "Training day")
CASE_TYPES = ("child_protection", "child_in_need", "looked_after", "targeted", "care_leaver")
GROUP_DISCUSSION = {  # what a demo group supervision discussed (Appendix 6's items)
    "agreed_agenda": "Themes from recent audits; a case for group reflection.",
    "worried": "Drift in plans for children waiting for assessments.",
    "working_well": "Direct work with children is strong and well recorded.",
    "needs_to_happen": "Earlier review of plans; consistent use of chronologies.",
    "reflections": "Good energy; the team asked for more case-mapping sessions.",
    "learning_1": "Use the three columns with families, not only about them.",
    "learning_2": "Chronologies show patterns single visits miss.",
    "learning_3": "Name the worry in plain words.",
}
SHORT_EVERY = 9  # about one session in nine runs short


def _case_refs(rng: random.Random, person: Staff) -> list[tuple[str, str]]:
    if person.role == "foster_carer":
        return []
    if person.role == "team_manager" or person.role == "senior_manager":
        return []
    count = rng.randint(3, 5) if person.role != "asye" else rng.randint(2, 3)
    return [(f"{rng.choice(('CP', 'CIN', 'LAC', 'TS'))}-{rng.randint(10000, 99999)}",
             rng.choice(CASE_TYPES)) for _ in range(count)]


def _values(rng: random.Random, person: Staff, record_values: dict, held_on: date,
            short: bool, cases: list) -> dict:
    course = rng.choice(COURSES)
    start = rng.choice((time(9, 30), time(10, 0), time(14, 0)))
    minutes = 60 if short else rng.choice((90, 90, 95, 100))
    end_minutes = start.hour * 60 + start.minute + minutes
    values = {**record_values,
              "start_time": start.isoformat(timespec="minutes"),
              "end_time": time(end_minutes // 60, end_minutes % 60).isoformat(timespec="minutes"),
              "welcome": WELCOME.format(name=person.name.split()[0]),
              "workload": WORKLOAD.format(n=len(cases) or rng.randint(8, 14)),
              "welfare": WELFARE, "performance": PERFORMANCE.format(course=course),
              "aob": "None."}
    if record_values.get("actions_reviewed") is not None and cases:
        values["reflective"] = REFLECTIVE
        values["kss"] = rng.sample([f"KSS{i}" for i in range(1, 11)], 2)
        values["pcf"] = rng.sample([f"PCF{i}" for i in range(1, 10)], 1)
        discussed = rng.sample(cases, min(2, len(cases)))
        values["cases_discussed"] = [{
            "case": c.reference, "note": "Plan reviewed; next steps agreed.",
            "recorded_on": (held_on + timedelta(days=rng.choice((0, 1, 1, 3)))).isoformat()}
            for c in discussed]
    case = rng.choice(cases).reference if cases else "the team plan"
    values["actions"] = [{
        "action": rng.choice(ACTIONS).format(case=case, course=course),
        "due": (held_on + timedelta(days=rng.choice((7, 14, 21)))).isoformat(),
        "owner": rng.choice((person.name, record_values.get("supervisor_name", "")))}
        for _ in range(rng.randint(1, 2))]
    values["next_date"] = add_months(held_on, 1).isoformat()
    return values


def _complete(session: Session, rng: random.Random, person: Staff, planned: SupervisionSession,
              cases: list, count: int) -> None:
    record = start_record(session, SYS, form_key=planned.kind, held_on=planned.planned_date,
                          session_id=planned.id)
    reviews = {row["id"]: ("done" if rng.random() < 0.8 else "carried_forward")
               for row in record.values.get("actions_reviewed", [])}
    values = _values(rng, person, record.values, planned.planned_date,
                     count % SHORT_EVERY == SHORT_EVERY - 1, cases)
    complete_record(session, SYS, record.id, values, reviews=reviews)
    _sign_and_copy(session, rng, record, planned.planned_date, person.supervisor_id, person.id)


def _sign_and_copy(session: Session, rng: random.Random, record: SupervisionRecord,
                   held_on: date, supervisor: uuid.UUID | None, supervisee: uuid.UUID) -> None:
    """Most records signed by both within days and a copy given; some left waiting."""
    at = datetime.combine(held_on, time(16)).astimezone()
    if supervisor is None or rng.random() < 0.08:
        return
    sign(session, acting_as(session, supervisor), "record", record.id, password=None, at=at)
    if rng.random() < 0.06:
        return
    disagree = "I do not agree the caseload is manageable." if rng.random() < 0.03 else ""
    sign(session, acting_as(session, supervisee), "record", record.id, password=None,
         disagreement=disagree, at=at + timedelta(days=rng.randint(0, 3)))
    if rng.random() < 0.9:
        given = held_on + timedelta(days=rng.choice((0, 1, 2, 2, 3, 6)))
        record_copy_given(session, acting_as(session, supervisor), record.id, given,
                          rng.choice(("printed", "emailed", "handed")))


def seed_person(session: Session, person: Staff, today: date) -> None:
    rng = random.Random(person.staff_id)
    start = max(add_months(today, -14), person.employment_start or today)
    for reference, case_type in _case_refs(rng, person):
        add_case(session, SYS, person.id, reference, case_type,
                 start - timedelta(days=rng.randint(0, 200)))
    cases = caseload(session, person.id)
    plan_year(session, SYS, person.id, start, rng.randint(0, 4), time(10),
              venue="Meeting Room 2", months=16)
    count = 0
    for planned in sessions_of(session, person.id):
        if planned.planned_date >= today or planned.status != "planned":
            continue
        roll = rng.random()
        if roll < 0.10:
            again = planned.planned_date + timedelta(days=rng.randint(2, 9))
            miss_session(session, SYS, planned.id, status="postponed",
                         reason=rng.choice(POSTPONE_REASONS), rescheduled_for=again,
                         today=planned.planned_date)
            follow = session.get(SupervisionSession, planned.rescheduled_session_id)
            if follow is not None and follow.planned_date < today:
                _complete(session, rng, person, follow, cases, count)
                count += 1
        elif roll < 0.15:
            miss_session(session, SYS, planned.id, status="cancelled",
                         reason=rng.choice(POSTPONE_REASONS))
        else:
            _complete(session, rng, person, planned, cases, count)
            count += 1


def seed_groups(session: Session, manager: Staff, members: list[Staff], today: date,
                actor: Actor) -> None:
    rng = random.Random(f"group-{manager.staff_id}")
    for months_back in range(12, 0, -1):
        if rng.random() < 0.2:
            continue  # some months the team had no group supervision
        held_on = add_months(today, -months_back).replace(day=15)
        record = start_record(session, actor, form_key="group", held_on=held_on)
        values = {**record.values, "start_time": "13:00", "end_time": "14:30",
                  **GROUP_DISCUSSION,
                  "actions": [{"action": "Circulate the mapping template", "owner":
                               manager.name, "due": (held_on + timedelta(days=7)).isoformat()}]}
        complete_record(session, actor, record.id, values,
                        attendee_ids=[m.id for m in members])
        at = datetime.combine(held_on, time(17)).astimezone()
        sign(session, actor, "record", record.id, password=None, at=at)
        for member in members:
            sign(session, acting_as(session, member.id), "record", record.id, password=None,
                 at=at + timedelta(days=1))


def seed_sessions(session: Session, today: date, manager_actors: dict[uuid.UUID, Actor]) -> None:
    """Sessions for everyone who has a supervisor; group sessions for each team manager."""
    people = list(session.exec(select(Staff).where(Staff.supervisor_id != None)))  # noqa: E711
    for person in sorted(people, key=lambda p: p.staff_id):
        seed_person(session, person, today)
    for manager_id, actor in manager_actors.items():
        members = [p for p in people if p.supervisor_id == manager_id]
        manager = session.get(Staff, manager_id)
        if members and manager is not None:
            seed_groups(session, manager, members, today, actor)
