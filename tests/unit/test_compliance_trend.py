"""The twelve-month trend (dashboard and monthly return) against its definition: the whole
compliance computation at each month end, shared out per team (or service)."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from supervision_audit.dates import add_months
from supervision_audit.demo import acting_as
from supervision_audit.models import Staff, SupervisionSession, Team
from supervision_audit.services import dashboard
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.compliance import compute, overdue_on
from supervision_audit.services.contracts import draft_values, save_contract
from supervision_audit.services.dashboard import (
    _month_end,
    in_timescale_by_month,
    in_timescale_trends,
    share,
)
from supervision_audit.services.signatures import sign
from supervision_audit.services.staff import StaffInput, get_by_staff_id, mark_left, save_staff

D = date
UNTILS = (D(2026, 11, 23), D(2026, 9, 30), D(2026, 4, 1))


def _staff(s: Session, staff_id: str, name: str, boss: str = "", *, team: str = "",
           service: str = "", role: str = "practitioner", start: date | None = D(2023, 1, 9),
           asye: date | None = None, today: date = D(2025, 1, 6)) -> uuid.UUID:
    return save_staff(s, SYS, StaffInput(staff_id, name, team=team, service=service, role=role,
                                         supervisor_staff_id=boss, employment_start=start,
                                         asye_start=asye), today=today).id


def _sessions(s: Session, who: uuid.UUID, boss: uuid.UUID, days: list[date],
              rng: random.Random) -> None:
    """Sessions on ``days``: most completed, some postponed or cancelled, the future planned."""
    for day in days:
        status = "planned" if day > D(2026, 11, 23) else rng.choices(
            ("completed", "postponed", "cancelled"), (6, 2, 1))[0]
        s.add(SupervisionSession(supervisee_id=who, supervisor_id=boss, planned_date=day,
                                 status=status, reason="" if status == "completed" else
                                 rng.choice(("Sickness", "Annual leave", "Court"))))


def _every(start: date, step: timedelta | None, until: date, rng: random.Random,
           skip: float = 0.25) -> list[date]:
    """Dates from ``start`` at ``step`` (a month when None), some left out, some a few days
    late."""
    out, day, n = [], start, 0
    while day <= until:
        if rng.random() > skip:
            out.append(day + timedelta(days=rng.choice((0, 0, 1, 3, 9))))
        n += 1
        day = add_months(start, n) if step is None else start + n * step
    return out


@pytest.fixture
def organisation(unit_store):
    """Two services, four teams and a leadership without one; every cadence; people who
    joined, left or changed supervisor within the twelve months."""
    rng = random.Random(20261123)
    with unit_store.write() as s:
        head = _staff(s, "H1", "Hana Head", role="senior_manager", team="Leadership")
        managers = {}
        for n, (team, service) in enumerate((("Assessment", "Safeguarding"),
                                             ("Child Protection", "Safeguarding"),
                                             ("Fostering", "Children in Care"),
                                             ("Leaving Care", "Children in Care")), 1):
            managers[team] = _staff(s, f"M{n}", f"Manager {team}", "H1", team=team,
                                    service=service, role="team_manager")
            _sessions(s, managers[team], head, _every(D(2025, 1, 20), None, D(2027, 1, 1),
                                                      rng), rng)
        plan = [  # staff id, team, role, start, asye start, contract interval, step (days)
            ("W1", "Assessment", "practitioner", D(2020, 5, 1), None, None, None),
            ("W2", "Assessment", "practitioner", D(2024, 2, 1), None, None, None),
            ("W3", "Child Protection", "practitioner", D(2019, 1, 1), None, None, None),
            ("A1", "Assessment", "asye", D(2026, 3, 2), D(2026, 3, 2), None, 7),
            ("A2", "Child Protection", "asye", D(2025, 12, 1), D(2025, 12, 1), None, 14),
            ("F1", "Fostering", "foster_carer", D(2022, 6, 1), None, None, 42),
            ("F2", "Fostering", "foster_carer", D(2021, 6, 1), None, None, 45),
            ("C1", "Leaving Care", "practitioner", D(2021, 1, 4), None, 14, 14),
            ("C2", "Leaving Care", "practitioner", D(2022, 1, 4), None, 21, 20),
            ("N1", "Fostering", "practitioner", D(2026, 7, 15), None, None, None),
            ("X1", "", "practitioner", D(2018, 1, 1), None, None, None),
            ("U1", "Assessment", "practitioner", None, None, None, None),
        ]
        boss_of = {"X1": "H1", "U1": "M1"}
        for staff_id, team, role, start, asye, interval, step in plan:
            boss = boss_of.get(staff_id) or f"M{1 + [*managers].index(team)}"
            who = _staff(s, staff_id, f"Person {staff_id}", boss, team=team, role=role,
                         start=start, asye=asye,
                         service=dict(Assessment="Safeguarding").get(team, ""))
            if interval:
                values = draft_values(s, SYS, who)
                values.update({"venue": "Room 1", "date_agreed": "2025-09-01",
                               "intermediary": "Head", "frequency": "agreed",
                               "agreed_interval_days": interval})
                contract = save_contract(s, SYS, who, values)
                for signer in (get_by_staff_id(s, boss).id, who):  # in force from 1 Sept
                    sign(s, acting_as(s, signer), "contract", contract.id, password=None,
                         at=datetime(2025, 9, 1, 12).astimezone())
            if staff_id in ("N1", "U1"):
                continue
            first = max(start or D(2025, 1, 1), D(2025, 1, 6))
            _sessions(s, who, get_by_staff_id(s, boss).id,
                      _every(first, None if step is None else timedelta(days=step),
                             D(2027, 2, 1), rng), rng)
        # completed sessions on the very days the trend looks at (month ends, the first and
        # last of each period), each long after the one before
        b1 = _staff(s, "B1", "Bea Boundary", "M2", team="Child Protection")
        for day in (D(2025, 3, 15), D(2025, 5, 31), D(2025, 7, 10), D(2025, 10, 31),
                    D(2025, 12, 31), D(2026, 2, 10), D(2026, 4, 1), D(2026, 6, 20),
                    D(2026, 9, 30), D(2026, 11, 23)):
            s.add(SupervisionSession(supervisee_id=b1, supervisor_id=managers["Child Protection"],
                                     planned_date=day, status="completed"))
        # joined a supervisor in May, moved to another in September
        j1 = _staff(s, "J1", "Jo Joiner", team="Assessment", start=D(2024, 4, 1))
        save_staff(s, SYS, StaffInput("J1", "Jo Joiner", team="Assessment",
                                      supervisor_staff_id="M1",
                                      employment_start=D(2024, 4, 1)), j1, today=D(2026, 5, 1))
        save_staff(s, SYS, StaffInput("J1", "Jo Joiner", team="Child Protection",
                                      supervisor_staff_id="M2",
                                      employment_start=D(2024, 4, 1)), j1, today=D(2026, 9, 1))
        _sessions(s, j1, managers["Assessment"], _every(D(2026, 5, 20), None, D(2026, 12, 1),
                                                        rng), rng)
        # no supervisor any more since August; a leaver in October
        q1 = _staff(s, "Q1", "Quinn Quit", "M1", team="Assessment")
        _sessions(s, q1, managers["Assessment"], _every(D(2025, 1, 8), None, D(2026, 7, 30),
                                                        rng), rng)
        save_staff(s, SYS, StaffInput("Q1", "Quinn Quit", team="Assessment",
                                      employment_start=D(2023, 1, 9)), q1, today=D(2026, 8, 1))
        l1 = _staff(s, "L1", "Lee Leaver", "M3", team="Fostering")
        _sessions(s, l1, managers["Fostering"], _every(D(2025, 1, 8), None, D(2026, 10, 1), rng),
                  rng)
        mark_left(s, SYS, l1, D(2026, 10, 15))
    return unit_store


def _by_definition(s: Session, people: set[uuid.UUID] | None, until: date, by: str = "team",
                   months: int = 12) -> dict[str, list[tuple[date, float | None]]]:
    """What the trend is: ``compute`` at each month end, ``share`` per group."""
    services = dict(s.exec(select(Team.name, Team.service)).all())
    key = (lambda r: r.team or "No team") if by == "team" else \
        (lambda r: services.get(r.team) or "No service")
    by_day: dict[date, dict[str, list]] = {}
    for i in range(months - 1, -1, -1):
        day = min(_month_end(add_months(until, -i)), until)
        groups: dict[str, list] = defaultdict(list)
        for row in compute(s, day, people):
            groups[key(row)].append(row)
        by_day[day] = groups
    # a group with nobody counted on a day (joined later, or gone) has no share that day
    names = sorted({name for groups in by_day.values() for name in groups})
    return {name: [(day, share(groups.get(name, []))) for day, groups in by_day.items()]
            for name in names}


def _scopes(s: Session) -> list[set[uuid.UUID] | None]:
    ids = {p.staff_id: p.id for p in s.exec(select(Staff))}
    m1 = {p.id for p in s.exec(select(Staff).where(Staff.supervisor_id == ids["M1"]))}
    return [None, set(ids.values()) - {ids["H1"]}, m1,
            {ids["A1"], ids["L1"], ids["Q1"], ids["H1"]}, {ids["L1"]}, set()]


def test_the_scenario_is_worth_comparing(organisation) -> None:
    with organisation.read() as s:
        days = (D(2026, 1, 31), D(2026, 3, 31), D(2026, 4, 30), D(2026, 11, 23))
        rows = [r for day in days for r in compute(s, day)]
        trend = in_timescale_by_month(s, None, UNTILS[0])
    assert {r.cadence for r in rows} == {"monthly", "asye-weekly", "asye-fortnightly",
                                         "six-weekly", "contract"}
    assert any(r.overdue for r in rows) and not all(r.overdue for r in rows)
    shares = {v for series in trend.values() for _, v in series}
    assert len(shares) > 8 and {"No team", "Assessment", "Leaving Care"} <= set(trend)


@pytest.mark.parametrize("until", UNTILS)
def test_the_trend_equals_compute_at_each_month_end(organisation, until, monkeypatch) -> None:
    with organisation.read() as s:
        scopes = _scopes(s)
        expected = [(_by_definition(s, people, until), _by_definition(s, people, until,
                                                                      "service"))
                    for people in scopes]
        # the fast path never runs the whole computation
        monkeypatch.setattr(dashboard, "compute", None)
        for people, (by_team, by_service) in zip(scopes, expected, strict=True):
            assert in_timescale_by_month(s, people, until) == by_team
            assert list(in_timescale_by_month(s, people, until)) == list(by_team)  # order
            assert in_timescale_by_month(s, people, until, by="service") == by_service
            both = in_timescale_trends(s, people, until, 5)
            assert both["team"] == {k: v[-5:] for k, v in by_team.items()}
            assert both["service"] == {k: v[-5:] for k, v in by_service.items()}


def test_overdue_on_each_day_is_what_compute_says(organisation) -> None:
    days = [D(2025, 12, 31), D(2026, 2, 28), D(2026, 3, 9), D(2026, 3, 10), D(2026, 4, 13),
            D(2026, 6, 1), D(2026, 8, 31), D(2026, 11, 23), D(2026, 1, 1)]  # in any order
    with organisation.read() as s:
        for people in _scopes(s):
            fast = overdue_on(s, days, people)
            for i, day in enumerate(days):
                rows = compute(s, day, people)
                # None: not counted that day (not yet employed, or gone)
                assert [p.staff_id for p, f in fast if f[i] is not None] == [
                    r.staff_id for r in rows]
                assert [f[i] for _, f in fast if f[i] is not None] == [
                    r.overdue for r in rows], day
        assert all(flags == [] for _, flags in overdue_on(s, [], None))
        assert in_timescale_by_month(s, None, D(2026, 11, 23), 0) == {}


def test_escalations_are_what_the_rule_says_of_every_miss(unit_store) -> None:
    """Misses rebooked in time or late, with the new date recorded or not, the new session
    held, missed again or still to come, reported or not: ``compute`` reads only those
    that can need reporting, and must find what R2 says of all of them."""
    from itertools import product

    from supervision_audit.policy import escalation, rescheduled_outcome

    as_of = D(2026, 11, 23)
    with unit_store.write() as s:
        _staff(s, "M1", "Mia Manager", role="team_manager")
        boss = get_by_staff_id(s, "M1").id
        people = [_staff(s, f"E{n}", f"Person {n}", "M1") for n in range(4)]
        combos = list(product((None, 3), (None, 0, 14, 15), (None, "planned", "completed",
                                                               "postponed", "cancelled"),
                              (None, 20), ("postponed", "cancelled")))
        for n, (again, recorded, follow, reported, status) in enumerate(combos):
            # one a person per day, from more than a year before ``as_of``
            missed = D(2025, 6, 1) + timedelta(days=3 * n)
            who = people[n % len(people)]
            rebooked = None
            if follow is not None:
                rebooked = SupervisionSession(supervisee_id=who, supervisor_id=boss,
                                              planned_date=missed + timedelta(days=5),
                                              status=follow)
                s.add(rebooked)
                s.flush()
            s.add(SupervisionSession(
                supervisee_id=who, supervisor_id=boss, planned_date=missed, status=status,
                reason="Sickness",
                rescheduled_for=None if again is None else missed + timedelta(days=again),
                rescheduled_recorded_on=None if recorded is None
                else missed + timedelta(days=recorded),
                rescheduled_session_id=rebooked.id if rebooked else None,
                reported_to_manager_on=None if reported is None
                else missed + timedelta(days=reported)))
    with unit_store.read() as s:
        expected: dict[str, list] = defaultdict(list)

        def reported(miss):  # as of ``as_of``: a report made later was not made yet
            day = miss.reported_to_manager_on
            return day if day is not None and day <= as_of else None

        # a miss not reported stays however old; a reported one for a year
        misses = sorted((m for m in s.exec(select(SupervisionSession)) if m.status in (
            "postponed", "cancelled") and m.planned_date <= as_of and (
                reported(m) is None or add_months(as_of, -12) < m.planned_date)),
            key=lambda m: m.planned_date)
        for miss in misses:
            rebooked = s.get(SupervisionSession, miss.rescheduled_session_id) \
                if miss.rescheduled_session_id else None
            found = escalation(
                miss.planned_date, rescheduled_for=miss.rescheduled_for,
                rescheduled_recorded_on=miss.rescheduled_recorded_on,
                rescheduled_held=rescheduled_outcome(
                    rebooked.status if rebooked else None,
                    rebooked.planned_date if rebooked else miss.rescheduled_for, as_of),
                reported_on=reported(miss), on=as_of)
            if found is not None:
                expected[str(miss.supervisee_id)].append({
                    "missed_date": found.missed_date.isoformat(),
                    "report_due": found.report_due.isoformat(),
                    "reported_on": found.reported_on.isoformat() if found.reported_on
                    else None, "overdue": found.overdue})
        rows = {r.uuid: r.escalations for r in compute(s, as_of)}
    assert len(misses) > 150 and 40 < sum(map(len, expected.values())) < len(misses)
    assert rows == {str(p): expected[str(p)] for p in people} | {
        r: [] for r in rows if r not in {str(p) for p in people}}


def test_an_organisation_wide_return_charts_services(unit_store, tmp_path) -> None:
    """More teams than a chart can tell apart: a line per service, and each team's twelve
    months on a sheet of their own; the figures are the trend's."""
    from openpyxl import load_workbook

    from supervision_audit.errors import SupervisionAuditError
    from supervision_audit.services.monthly_return import CHART_TEAMS, build_monthly_return

    rng = random.Random(7)
    services = ("Safeguarding", "Children in Care", "Early Help")
    with unit_store.write() as s:
        _staff(s, "H", "Head", role="senior_manager", team="Leadership")
        for n in range(CHART_TEAMS + 3):
            team = f"Locality Team {n:02d}"
            _staff(s, f"M{n}", f"Manager {n}", "H", team=team, service=services[n % 3],
                   role="team_manager")
            for k in range(2):
                who = _staff(s, f"W{n}-{k}", f"Worker {n}-{k}", f"M{n}", team=team)
                _sessions(s, who, get_by_staff_id(s, f"M{n}").id,
                          _every(D(2025, 1, 10 + k), None, D(2026, 12, 1), rng), rng)
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "r.xlsx"
    with unit_store.write() as s:
        steps: list[int] = []
        build_monthly_return(s, SYS, "2026-10", out, today=D(2026, 11, 23),
                             progress=lambda done, total, what: steps.append(done))
        by_team = in_timescale_by_month(s, None, D(2026, 10, 31))
        by_service = in_timescale_by_month(s, None, D(2026, 10, 31), by="service")
    assert steps == list(range(17))
    wb = load_workbook(out)
    chart_ws, teams_ws = wb["In timescale"], wb["In timescale by team"]
    assert [c.value for c in chart_ws[1]] == ["Month end", *sorted(by_service)]
    assert sorted(by_service) == sorted(services) and len(by_team) == CHART_TEAMS + 3
    assert [c.value for c in teams_ws[1]] == ["Month end", *sorted(by_team)]
    assert len(chart_ws._charts) == 1 and len(chart_ws._charts[0].series) == len(services)
    for ws, trend in ((chart_ws, by_service), (teams_ws, by_team)):
        names = [c.value for c in ws[1]][1:]
        months = zip(*(trend[name] for name in names), strict=True)
        for row, month in zip(ws.iter_rows(min_row=2, values_only=True), months, strict=True):
            assert row[0].date() == month[0][0]
            assert list(row[1:]) == [round(100 * v, 1) for _, v in month]
    # cancelled part-way (after the trend): nothing written, the earlier file kept
    out.write_bytes(b"an earlier return")
    with pytest.raises(SupervisionAuditError, match="cancelled"):
        with unit_store.write() as s:
            seen: list[int] = []
            build_monthly_return(s, SYS, "2026-10", out, today=D(2026, 11, 23),
                                 progress=lambda done, total, what: seen.append(done),
                                 cancelled=lambda: len(seen) > 5)
    assert out.read_bytes() == b"an earlier return" and seen == list(range(6))
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["r.xlsx"]  # no temporary
