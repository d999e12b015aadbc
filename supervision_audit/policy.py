"""The supervision policy's rules as pure functions of dates (POLICY-RULES.md R1-R9).

No database, no Qt, no clock: every function takes the dates it needs. Months are calendar
months clamped to the month's end (and all arithmetic to the calendar's ends, so a mistyped
year on file never stops a computation); working days exclude weekends and the bank holidays of
England and Wales (the ``holidays`` package).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache

from supervision_audit.bank_holidays import england_bank_holidays
from supervision_audit.dates import add_days, add_months

SESSION_MINUTES = 90
SHORT_SESSION_MINUTES = 90
COPY_WORKING_DAYS = 3
RESCHEDULE_WINDOW_DAYS = 14
CASE_FILE_HOURS = 24
CONTRACT_REVIEW_MONTHS = 12
ASYE_WEEKLY_DAYS = 42
ASYE_MONTHS = 6


class Cadence(StrEnum):
    ASYE_WEEKLY = "asye-weekly"
    ASYE_FORTNIGHTLY = "asye-fortnightly"
    CONTRACT = "contract"
    SIX_WEEKLY = "six-weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class Supervisee:
    """What the cadence rules need to know of a person."""

    role: str  # staff role: "asye", "foster_carer", ...
    asye_start: date | None = None
    employment_start: date | None = None
    contract_start: date | None = None
    contract_interval_days: int | None = None  # an agreed, more frequent interval
    # the cadence the signed contract agrees (MONTHLY, SIX_WEEKLY, or CONTRACT with
    # ``contract_interval_days``); None: the role's own
    contract_cadence: Cadence | None = None


# --- working days (R3) -------------------------------------------------------------------


def is_bank_holiday(day: date) -> bool:
    return day in england_bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count)."""
    current = start
    counted = 0
    while counted < days and current < date.max:
        current = add_days(current, 1)
        if is_working_day(current):
            counted += 1
    return current


# --- R1 cadence and next due ---------------------------------------------------------------


def in_asye(person: Supervisee, on: date) -> bool:
    return (person.role == "asye" and person.asye_start is not None
            and person.asye_start <= on < add_months(person.asye_start, ASYE_MONTHS))


# the longest each cadence may leave between sessions, to compare how frequent they are
_LONGEST_DAYS = {Cadence.ASYE_WEEKLY: 7, Cadence.ASYE_FORTNIGHTLY: 14, Cadence.MONTHLY: 31,
                 Cadence.SIX_WEEKLY: 42}


def role_cadence(role: str) -> Cadence:
    """R1: a role's own cadence outside the ASYE (the policy's minimum frequency)."""
    return Cadence.SIX_WEEKLY if role == "foster_carer" else Cadence.MONTHLY


def agreed_cadence(person: Supervisee) -> Cadence | None:
    """The cadence the signed contract agrees, if any."""
    if person.contract_cadence is not None and person.contract_cadence is not Cadence.CONTRACT:
        return person.contract_cadence
    return Cadence.CONTRACT if person.contract_interval_days else None


def longest_gap(cadence: Cadence, contract_days: int | None = None) -> int:
    """The most days ``cadence`` leaves between two sessions."""
    if cadence is Cadence.CONTRACT:
        return int(contract_days or 0)
    return _LONGEST_DAYS[cadence]


def agreement_too_infrequent(role: str, cadence: Cadence, contract_days: int | None = None
                             ) -> bool:
    """R1: the policy's frequencies are minimums; a contract may agree a more frequent
    cadence than the role's own (a foster carer monthly), never a less frequent one."""
    own = role_cadence(role)
    return longest_gap(cadence, contract_days) > longest_gap(own)


def cadence_on(person: Supervisee, on: date) -> Cadence:
    """R1: the first cadence that applies on ``on``: the ASYE's while it lasts, then what
    the signed contract agrees when more frequent than the role's own, else the role's."""
    if person.role == "asye" and person.asye_start is not None and on >= person.asye_start:
        if on < add_days(person.asye_start, ASYE_WEEKLY_DAYS):
            return Cadence.ASYE_WEEKLY
        if on < add_months(person.asye_start, ASYE_MONTHS):
            return Cadence.ASYE_FORTNIGHTLY
    own = role_cadence(person.role)
    agreed = agreed_cadence(person)
    if agreed is not None and agreed is not own and not agreement_too_infrequent(
            person.role, agreed, person.contract_interval_days):
        return agreed
    return own


@lru_cache(maxsize=8192)  # pure; next_due asks it for every supervisee's last session
def after_interval(start: date, cadence: Cadence, contract_days: int | None = None) -> date:
    """``start`` plus the interval of ``cadence``."""
    if cadence is Cadence.ASYE_WEEKLY:
        return add_days(start, 7)
    if cadence is Cadence.ASYE_FORTNIGHTLY:
        return add_days(start, 14)
    if cadence is Cadence.CONTRACT:
        return add_days(start, int(contract_days or 0))
    if cadence is Cadence.SIX_WEEKLY:
        return add_days(start, 42)
    return add_months(start, 1)


def supervision_start(person: Supervisee) -> date | None:
    """When supervision is first owed: the latest of ASYE, employment and contract starts."""
    starts = [d for d in (person.asye_start, person.employment_start, person.contract_start) if d]
    return max(starts) if starts else None


def next_due(person: Supervisee, last_completed: date | None) -> date | None:
    """R1: the last completed formal session plus the interval in force on its date; with
    none yet, the start of supervision plus the interval in force then."""
    basis = last_completed or supervision_start(person)
    if basis is None:
        return None
    return after_interval(basis, cadence_on(person, basis), person.contract_interval_days)


def days_overdue(due: date | None, on: date) -> int:
    """R1: overdue when ``on`` is after the due date; 0 otherwise."""
    return max((on - due).days, 0) if due else 0


def is_short(minutes: int | None) -> bool:
    return minutes is not None and minutes < SHORT_SESSION_MINUTES


# --- R2 postponements ----------------------------------------------------------------------


@dataclass(frozen=True)
class Escalation:
    missed_date: date
    report_due: date
    reported_on: date | None
    overdue: bool


def escalation(
    missed: date,
    *,
    rescheduled_for: date | None,
    rescheduled_recorded_on: date | None,
    rescheduled_held: bool | None,
    reported_on: date | None,
    on: date,
) -> Escalation | None:
    """R2: a missed session needs reporting to the supervisor's line manager when no new
    date was recorded within 14 days of the miss, or the rescheduled session did not take
    place. It shows until a report date is recorded, however old; after missed + 14 days
    it is overdue.

    ``rescheduled_held`` is True when the rescheduled session was completed, False when it
    did not take place, None when its date is still ahead (see ``rescheduled_outcome``).
    """
    report_due = add_days(missed, RESCHEDULE_WINDOW_DAYS)
    rescheduled_in_time = (rescheduled_for is not None and rescheduled_recorded_on is not None
                           and rescheduled_recorded_on <= report_due)
    if rescheduled_in_time and rescheduled_held is not False:
        return None
    if reported_on is not None:
        return Escalation(missed, report_due, reported_on, overdue=False)
    return Escalation(missed, report_due, None, overdue=on > report_due)


def rescheduled_outcome(status: str | None, day: date | None, on: date) -> bool | None:
    """R2: what became of a rescheduled session by ``on``: True when it was completed,
    False when it did not take place (missed too, or its date has passed with no completed
    session), None while its date is still ahead (or is ``on`` itself, with nothing
    recorded yet).

    ``status`` is the rescheduled session's status (None when no session was booked for the
    new date); ``day`` its date (the rescheduled date when no session was booked).
    """
    if day is not None and day > on:
        return None  # as of ``on`` it had not happened yet, whatever became of it later
    if status == "completed":
        return True
    if status in ("postponed", "cancelled"):
        return False
    return False if day is not None and day < on else None


# --- R3 records and copies -------------------------------------------------------------------


@lru_cache(maxsize=8192)  # pure; the compliance computation asks for thousands of sessions
def copy_due(session_date: date) -> date:
    """R3: the supervisee's copy is due within 3 working days of the session."""
    return add_working_days(session_date, COPY_WORKING_DAYS)


def copy_is_late(session_date: date, given_on: date | None, on: date) -> bool:
    due = copy_due(session_date)
    return given_on > due if given_on is not None else on > due


def case_file_is_late(session_at: datetime, recorded_at: datetime) -> bool:
    """R3: a decision about a child is recorded on the child's file within 24 hours."""
    return recorded_at - session_at > timedelta(hours=CASE_FILE_HOURS)


# --- R4 contracts -----------------------------------------------------------------------------


@lru_cache(maxsize=8192)  # pure; the compliance computation asks for every contract
def contract_review_due(signed_on: date, supervisor_changed_on: date | None = None) -> date:
    """R4: 12 months after it was last signed, at once when the supervisor changes."""
    if supervisor_changed_on is not None:
        return supervisor_changed_on
    return add_months(signed_on, CONTRACT_REVIEW_MONTHS)


# --- R6 audits --------------------------------------------------------------------------------


def audit_period(audit_date: date) -> tuple[date, date]:
    """R6: an audit covers the 12 months before its date."""
    return add_months(audit_date, -12), audit_date


def monthly_audit_cap(job_title: str, supervisors_managed: int) -> int:
    """R6: one file per supervisor managed a month, up to 3 for a Head of Service or
    Operations Manager."""
    title = job_title.lower()
    if "head of service" in title or "operations manager" in title:
        return min(supervisors_managed, 3)
    return supervisors_managed


# --- R7 ASYE milestones -----------------------------------------------------------------------


class Milestone(StrEnum):
    REVIEW_3 = "3-month review"
    REVIEW_6 = "6-month review"
    REVIEW_9 = "9-month review"
    FINAL = "final evidence meeting"


MILESTONE_MONTHS = {Milestone.REVIEW_3: 3, Milestone.REVIEW_6: 6, Milestone.REVIEW_9: 9,
                    Milestone.FINAL: 12}


def milestone_due(asye_start: date, milestone: Milestone) -> date:
    return add_months(asye_start, MILESTONE_MONTHS[milestone])


def milestones_overdue(asye_start: date, done: dict[Milestone, date | None], on: date
                       ) -> list[Milestone]:
    """R7: a milestone not recorded by its due date is overdue."""
    return [m for m in Milestone
            if done.get(m) is None and on > milestone_due(asye_start, m)]


# --- R8 case discussion -----------------------------------------------------------------------


class CaseType(StrEnum):
    TARGETED = "targeted"
    CHILD_PROTECTION = "child_protection"
    CHILD_IN_NEED = "child_in_need"
    SAAT = "saat"
    LOOKED_AFTER = "looked_after"
    CARE_LEAVER = "care_leaver"
    FOSTER_CARER = "foster_carer"


CASE_TYPE_LABELS = {
    CaseType.TARGETED: "Targeted services",
    CaseType.CHILD_PROTECTION: "Child Protection",
    CaseType.CHILD_IN_NEED: "Child in Need",
    CaseType.SAAT: "SAAT single assessment",
    CaseType.LOOKED_AFTER: "Looked After Child",
    CaseType.CARE_LEAVER: "Care Leaver",
    CaseType.FOSTER_CARER: "Foster carer casework",
}


def case_discussion_due(case_type: str, opened_on: date, last_discussed: date | None) -> date:
    """R8: when a case must next be discussed in formal supervision."""
    basis = last_discussed or opened_on
    if case_type == CaseType.FOSTER_CARER:
        return add_months(basis, 1)
    if case_type in (CaseType.LOOKED_AFTER, CaseType.CARE_LEAVER):
        days = 28 if basis < add_months(opened_on, 6) else 56
        return add_days(basis, days)
    return add_days(basis, 28)


# --- R10 who is counted ------------------------------------------------------------------------


def employed_on(start: date | None, left_on: date | None, active: bool, day: date) -> bool:
    """R10: whether a person was employed on ``day``: started by then (or with no start date
    known) and not yet gone (a leaver is employed up to and including their leaving date)."""
    if start is not None and start > day:
        return False
    return active or (left_on is not None and left_on >= day)


# --- R9 annual schedule -------------------------------------------------------------------------


def next_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def schedule_dates(person: Supervisee, start: date, weekday: int, months: int = 12
                   ) -> list[date]:
    """R9: a year of session dates from ``start`` on ``weekday`` (0 = Monday), at the cadence
    in force on each date, moved off bank holidays to the next working day."""
    end = add_months(start, months)
    first = start + timedelta(days=(weekday - start.weekday()) % 7)
    dates: list[date] = []
    anchor = first
    step = 0
    current = first
    while current < end:
        booked = next_working_day(current)
        if booked < end and (not dates or booked > dates[-1]):
            dates.append(booked)
        cadence = cadence_on(person, current)
        if cadence is Cadence.MONTHLY:
            step += 1
            nominal = add_months(anchor, step)
            # keep the weekday: the first such weekday on or after the nominal date
            current = nominal + timedelta(days=(weekday - nominal.weekday()) % 7)
        else:
            current = after_interval(current, cadence, person.contract_interval_days)
            anchor, step = current, 0
    return dates
