"""The policy's rules pinned with exact dates (POLICY-RULES.md R1-R9)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from supervision_audit.dates import add_months
from supervision_audit.policy import (
    Cadence,
    CaseType,
    Milestone,
    Supervisee,
    add_working_days,
    cadence_on,
    case_discussion_due,
    case_file_is_late,
    contract_review_due,
    copy_due,
    copy_is_late,
    days_overdue,
    escalation,
    is_short,
    milestone_due,
    milestones_overdue,
    monthly_audit_cap,
    next_due,
    schedule_dates,
)

D = date


def test_month_arithmetic_clamps_to_month_end() -> None:
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)  # leap year
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)


ASYE = Supervisee(role="asye", asye_start=D(2026, 1, 5), employment_start=D(2026, 1, 5))


@pytest.mark.parametrize(("on", "cadence"), [
    (D(2026, 1, 5), Cadence.ASYE_WEEKLY),
    (D(2026, 2, 15), Cadence.ASYE_WEEKLY),  # day 41
    (D(2026, 2, 16), Cadence.ASYE_FORTNIGHTLY),  # start + 42 days: week 7
    (D(2026, 7, 4), Cadence.ASYE_FORTNIGHTLY),
    (D(2026, 7, 5), Cadence.MONTHLY),  # start + 6 months
])
def test_asye_cadence_boundaries(on, cadence) -> None:
    assert cadence_on(ASYE, on) is cadence


def test_cadence_order_and_intervals() -> None:
    foster = Supervisee(role="foster_carer", employment_start=D(2025, 3, 1))
    assert cadence_on(foster, D(2026, 1, 1)) is Cadence.SIX_WEEKLY
    assert next_due(foster, D(2026, 1, 1)) == D(2026, 2, 12)
    support = Supervisee(role="practitioner", contract_interval_days=14)
    assert cadence_on(support, D(2026, 1, 1)) is Cadence.CONTRACT
    assert next_due(support, D(2026, 1, 30)) == D(2026, 2, 13)
    # ASYE terms come before an agreed interval while they apply
    asye_support = Supervisee(role="asye", asye_start=D(2026, 1, 5), contract_interval_days=10)
    assert cadence_on(asye_support, D(2026, 1, 6)) is Cadence.ASYE_WEEKLY
    assert cadence_on(asye_support, D(2026, 8, 1)) is Cadence.CONTRACT
    worker = Supervisee(role="practitioner", employment_start=D(2025, 1, 1))
    assert next_due(worker, D(2026, 1, 31)) == D(2026, 2, 28)


def test_next_due_uses_the_cadence_on_the_last_sessions_date() -> None:
    assert next_due(ASYE, D(2026, 2, 15)) == D(2026, 2, 22)  # weekly still on day 41
    assert next_due(ASYE, D(2026, 2, 16)) == D(2026, 3, 2)  # fortnightly from day 42
    assert next_due(ASYE, D(2026, 7, 5)) == D(2026, 8, 5)  # monthly after 6 months


def test_next_due_with_no_session_yet_counts_from_the_latest_start() -> None:
    person = Supervisee(role="practitioner", employment_start=D(2026, 1, 12),
                        contract_start=D(2026, 2, 2))
    assert next_due(person, None) == D(2026, 3, 2)
    assert next_due(ASYE, None) == D(2026, 1, 12)
    assert next_due(Supervisee(role="practitioner"), None) is None


def test_overdue_days_and_short_sessions() -> None:
    assert days_overdue(D(2026, 3, 2), D(2026, 3, 2)) == 0
    assert days_overdue(D(2026, 3, 2), D(2026, 3, 5)) == 3
    assert is_short(89) and not is_short(90) and not is_short(None)


def test_copy_window_skips_weekends_and_bank_holidays() -> None:
    # Thursday 2 April 2026: Good Friday 3rd and Easter Monday 6th are bank holidays
    assert copy_due(D(2026, 4, 2)) == D(2026, 4, 9)
    assert copy_due(D(2026, 11, 23)) == D(2026, 11, 26)  # Monday: plain week
    assert copy_due(D(2026, 12, 23)) == D(2026, 12, 30)  # 24th, then 25th-28th off, 29th, 30th
    assert add_working_days(D(2026, 11, 27), 1) == D(2026, 11, 30)  # Friday to Monday
    assert not copy_is_late(D(2026, 4, 2), D(2026, 4, 9), D(2026, 5, 1))
    assert copy_is_late(D(2026, 4, 2), D(2026, 4, 10), D(2026, 5, 1))
    assert copy_is_late(D(2026, 4, 2), None, D(2026, 4, 10))
    assert not copy_is_late(D(2026, 4, 2), None, D(2026, 4, 9))


def test_case_file_within_24_hours() -> None:
    held = datetime(2026, 3, 2, 10, 0)
    assert not case_file_is_late(held, datetime(2026, 3, 3, 10, 0))
    assert case_file_is_late(held, datetime(2026, 3, 3, 10, 1))


@pytest.mark.parametrize(("kwargs", "expected"), [
    # rescheduled within 14 days and held: no escalation
    ({"rescheduled_for": D(2026, 3, 10), "rescheduled_recorded_on": D(2026, 3, 3),
      "rescheduled_held": True, "reported_on": None, "on": D(2026, 4, 1)}, None),
    # rescheduled in time, not yet happened: none
    ({"rescheduled_for": D(2026, 3, 20), "rescheduled_recorded_on": D(2026, 3, 3),
      "rescheduled_held": None, "reported_on": None, "on": D(2026, 3, 10)}, None),
    # no new date, still inside the window: shows, not overdue
    ({"rescheduled_for": None, "rescheduled_recorded_on": None, "rescheduled_held": None,
      "reported_on": None, "on": D(2026, 3, 16)}, (D(2026, 3, 16), False)),
    # no new date, past the window: overdue
    ({"rescheduled_for": None, "rescheduled_recorded_on": None, "rescheduled_held": None,
      "reported_on": None, "on": D(2026, 3, 17)}, (D(2026, 3, 16), True)),
    # new date recorded too late (day 15): escalation
    ({"rescheduled_for": D(2026, 3, 20), "rescheduled_recorded_on": D(2026, 3, 17),
      "rescheduled_held": None, "reported_on": None, "on": D(2026, 3, 18)},
     (D(2026, 3, 16), True)),
    # rescheduled session missed too
    ({"rescheduled_for": D(2026, 3, 9), "rescheduled_recorded_on": D(2026, 3, 3),
      "rescheduled_held": False, "reported_on": None, "on": D(2026, 3, 10)},
     (D(2026, 3, 16), False)),
    # reported: shown with its date, never overdue
    ({"rescheduled_for": None, "rescheduled_recorded_on": None, "rescheduled_held": None,
      "reported_on": D(2026, 3, 20), "on": D(2026, 4, 1)}, (D(2026, 3, 16), False)),
])
def test_postponement_escalations(kwargs, expected) -> None:
    result = escalation(D(2026, 3, 2), **kwargs)
    if expected is None:
        assert result is None
    else:
        assert (result.report_due, result.overdue) == expected
        assert result.reported_on == kwargs["reported_on"]


def test_contract_review() -> None:
    assert contract_review_due(D(2024, 2, 29)) == D(2025, 2, 28)
    assert contract_review_due(D(2026, 1, 5), supervisor_changed_on=D(2026, 6, 1)) == \
        D(2026, 6, 1)


def test_asye_milestones() -> None:
    start = D(2025, 11, 30)
    assert milestone_due(start, Milestone.REVIEW_3) == D(2026, 2, 28)
    assert milestone_due(start, Milestone.FINAL) == D(2026, 11, 30)
    assert milestones_overdue(start, {}, D(2026, 2, 28)) == []
    assert milestones_overdue(start, {}, D(2026, 3, 1)) == [Milestone.REVIEW_3]
    assert milestones_overdue(start, {Milestone.REVIEW_3: D(2026, 2, 20)}, D(2026, 6, 1)) == [
        Milestone.REVIEW_6]


def test_case_discussion_intervals() -> None:
    assert case_discussion_due(CaseType.CHILD_PROTECTION, D(2026, 1, 1), D(2026, 3, 1)) == \
        D(2026, 3, 29)
    # looked after: 28 days for the first six months the case is open, then 56
    assert case_discussion_due(CaseType.LOOKED_AFTER, D(2026, 1, 1), D(2026, 6, 30)) == \
        D(2026, 7, 28)
    assert case_discussion_due(CaseType.LOOKED_AFTER, D(2026, 1, 1), D(2026, 7, 1)) == \
        D(2026, 8, 26)
    assert case_discussion_due(CaseType.FOSTER_CARER, D(2026, 1, 31), None) == D(2026, 2, 28)


def test_audit_cap() -> None:
    assert monthly_audit_cap("Head of Service", 5) == 3
    assert monthly_audit_cap("Operations Manager", 2) == 2
    assert monthly_audit_cap("Service Manager", 5) == 5


def test_annual_schedule_monthly_is_twelve_sessions_off_bank_holidays() -> None:
    worker = Supervisee(role="practitioner", employment_start=D(2025, 1, 1))
    dates = schedule_dates(worker, D(2026, 1, 5), weekday=0)
    assert len(dates) == 12
    assert dates[0] == D(2026, 1, 5)
    assert [d.month for d in dates] == list(range(1, 13))  # one a month
    # the first Monday on or after the 5th; Easter Monday 6 April moves to the Tuesday
    assert dates[1:5] == [D(2026, 2, 9), D(2026, 3, 9), D(2026, 4, 7), D(2026, 5, 11)]
    assert all(d.weekday() == 0 for d in dates if d != D(2026, 4, 7))


def test_annual_schedule_for_asye_is_weekly_then_fortnightly_then_monthly() -> None:
    dates = schedule_dates(ASYE, D(2026, 1, 5), weekday=0)
    weekly = [d for d in dates if d < D(2026, 2, 16)]
    fortnightly = [d for d in dates if D(2026, 2, 16) <= d < D(2026, 7, 5)]
    monthly = [d for d in dates if d >= D(2026, 7, 5)]
    assert weekly == [D(2026, 1, 5), D(2026, 1, 12), D(2026, 1, 19), D(2026, 1, 26),
                      D(2026, 2, 2), D(2026, 2, 9)]
    assert fortnightly[:3] == [D(2026, 2, 16), D(2026, 3, 2), D(2026, 3, 16)]
    assert D(2026, 3, 30) in fortnightly and D(2026, 4, 13) in fortnightly
    assert len(monthly) == 6
    assert len(dates) == 6 + len(fortnightly) + 6
