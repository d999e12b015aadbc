"""A team manager's compliance, dashboard and monthly return are worked out for their own
people, named in the queries (``services.scope``), not for the organisation and filtered:
the answers are the organisation's filtered to the scope, and what SQLite does for them
stays the same when the organisation around them grows."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, text
from sqlmodel import Session, select

from supervision_audit.db import Store
from supervision_audit.models import Staff, SupervisionRecord
from supervision_audit.read_cache import memo, reading_only
from supervision_audit.services import scope as scope_module
from supervision_audit.services.access import Actor, visible_staff
from supervision_audit.services.compliance import compute, overdue_on
from supervision_audit.services.dashboard import build, in_timescale_trends
from supervision_audit.services.monthly_return import build_monthly_return
from supervision_audit.services.staff import get_by_staff_id
from tests.record_helpers import completed_record
from tests.unit.test_compliance_trend import _every, _sessions, _staff
from tests.unit.test_compliance_trend import organisation as organisation  # noqa: F401

D = date
DAY = timedelta(days=1)
DAYS = (D(2026, 3, 31), D(2026, 8, 15), D(2026, 11, 23))


def _actor(s: Session, staff_id: str) -> Actor:
    person = get_by_staff_id(s, staff_id)
    return Actor(username=staff_id.lower(), staff_id=person.id, name=person.name,
                 staff_role=person.role)


@pytest.fixture
def crowded(organisation: Store) -> Store:  # noqa: F811
    """The trend's organisation (joiners, leavers, changes of supervisor, every cadence)
    with someone who lost their supervisor and now supervises (Q1 over K1), and around
    them six more teams of twenty with two years of supervision each."""
    rng = random.Random(17)
    with organisation.write() as s:
        _staff(s, "K1", "Kit Kept", "Q1", team="Assessment", today=D(2026, 8, 2))
        _crowd(s, rng, teams=6, size=20)
    return organisation


def _crowd(s: Session, rng: random.Random, *, teams: int, size: int, tag: str = "") -> None:
    for t in range(teams):
        team = f"Crowd {tag}{t}"
        boss = _staff(s, f"CM{tag}{t}", f"Crowd Manager {tag}{t}", "H1", team=team,
                      service="Crowd service", role="team_manager")
        for n in range(size):
            who = _staff(s, f"CW{tag}{t}-{n}", f"Crowd Worker {tag}{t}-{n}", f"CM{tag}{t}",
                         team=team)
            _sessions(s, who, boss, _every(D(2025, 1, 10), None, D(2026, 11, 20), rng), rng)
            for day in _every(D(2025, 1, 10), None, D(2026, 11, 20), rng, skip=0.1):
                # written up: some short, some unsigned, copies on time, late or not given
                s.add(SupervisionRecord(
                    form_key="individual", supervisee_id=who, supervisor_id=boss,
                    held_on=day, start_time=time(10), end_time=time(11, rng.choice((0, 30))),
                    status="complete", copy_given_on=rng.choice((None, day, day + DAY * 9))))
            if n % 4 == 0:
                completed_record(s, s.get(Staff, who), D(2026, 10, 12))


def _scopes(s: Session) -> dict[str, frozenset[uuid.UUID]]:
    ids = {p.staff_id: p.id for p in s.exec(select(Staff))}
    out = {who: frozenset(visible_staff(s, _actor(s, who)) - {ids[who]})
           for who in ("M1", "M2", "M3", "M4", "Q1", "CM0")}
    out.update({"Q1 alone": frozenset({ids["Q1"]}), "J1 alone": frozenset({ids["J1"]}),
                "a mixture": frozenset({ids[x] for x in ("A1", "L1", "Q1", "H1", "CW3-7")}),
                "nobody": frozenset()})
    return out


def test_a_scope_is_named_in_the_queries_and_gives_the_organisations_answer_filtered(
        crowded: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scope_module, "NAMED_SHARE", 1.0)  # every scope is named
    with crowded.read() as s:
        scopes = _scopes(s)
        assert len(scopes["M1"]) >= 4 and scopes["Q1"] == {get_by_staff_id(s, "K1").id}
        everyone = {day: compute(s, day) for day in DAYS}
        assert len(everyone[DAYS[-1]]) > 140
        for name, people in scopes.items():
            assert scope_module.narrow(s, people) == people
            for day in DAYS:
                named = compute(s, day, people)
                assert named == [r for r in everyone[day] if uuid.UUID(r.uuid) in people], \
                    (name, day)
            flags = overdue_on(s, list(DAYS), people)
            assert [(p.staff_id, f) for p, f in flags] == [
                (p.staff_id, f) for p, f in overdue_on(s, list(DAYS)) if p.id in people]
        # worth comparing: people counted and not, overdue and not, with reasons
        rows = [r for day in DAYS for r in compute(s, day, scopes["M1"])]
        assert {r.staff_id for r in rows} == {"W1", "W2", "A1", "U1"}
        mixed = {day: [r.staff_id for r in compute(s, day, scopes["a mixture"])]
                 for day in DAYS}  # by name; the leaver until she left; Q1 (below)
        assert mixed == {DAYS[0]: ["CW3-7", "L1", "A1", "Q1"], DAYS[1]: ["CW3-7", "L1", "A1"],
                         DAYS[2]: ["CW3-7", "A1"]}
        assert any(r.overdue for r in rows) and not all(r.overdue for r in rows)
        assert any(r.reasons for r in rows)
        # Q1 lost their supervisor on 1 August and supervises K1: heading the line, not
        # counted once K1 came (and counted with M1 before)
        assert [r.staff_id for r in compute(s, D(2026, 3, 31), scopes["Q1 alone"])] == ["Q1"]
        assert compute(s, D(2026, 8, 15), scopes["Q1 alone"]) == []


@pytest.mark.slow
def test_the_dashboard_and_the_return_are_the_same_whether_named_or_read_whole(
        crowded: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for who in ("M1", "M2", "H1", "CM1"):
        results = []
        for share in (1.0, 0.0):  # every scope named; every scope read for the organisation
            monkeypatch.setattr(scope_module, "NAMED_SHARE", share)
            with crowded.read() as s:
                actor = _actor(s, who)
                people = visible_staff(s, actor) - {actor.staff_id}
                assert (scope_module.narrow(s, people) is None) == (share == 0.0)
                board = build(s, actor, D(2026, 11, 23))
                trends = in_timescale_trends(s, people, D(2026, 11, 23),
                                             groups=("team", "service", "all"))
            out = tmp_path / f"{who}-{share}.xlsx"
            with crowded.write() as s:
                build_monthly_return(s, _actor(s, who), "2026-10", out, today=D(2026, 11, 23))
            sheets = {ws.title: [[c.value for c in row] for row in ws.iter_rows()]
                      for ws in load_workbook(out).worksheets}
            results.append((board, trends, sheets))
        assert results[0] == results[1], who
        board, _trends, sheets = results[0]
        assert board.people > 0 and len(sheets) >= 3
        assert any(items for _title, items in board.sections())


def test_a_loop_in_the_line_ends_the_scope(crowded: Store) -> None:
    """``visible_staff`` reads down the line in SQL; a loop (refused by the app, possible in a
    store changed by hand) ends where it began."""
    with crowded.write() as s:
        w1, m1 = get_by_staff_id(s, "W1").id, get_by_staff_id(s, "M1").id
        s.connection().execute(text("UPDATE staff SET supervisor_id = :p WHERE id = :s"),
                               {"p": w1.hex, "s": m1.hex})
    with crowded.read() as s:
        mia = _actor(s, "M1")
        seen = visible_staff(s, mia)
        assert w1 in seen and m1 in seen
        assert {get_by_staff_id(s, x).id for x in ("W2", "A1", "U1")} <= seen
        assert get_by_staff_id(s, "W3").id not in seen


@dataclass
class Tally:
    statements: int = 0
    steps: int = 0  # SQLite's virtual machine instructions, in hundreds
    each: list[tuple[int, str]] = field(default_factory=list)  # steps before each statement


@contextmanager
def counting(s: Session) -> Iterator[Tally]:
    """What SQLite does for the work done inside: statements run and the instructions of
    its virtual machine (every row visited, every index step), counted by SQLite itself."""
    tally = Tally()
    connection = s.connection()

    def step() -> int:
        tally.steps += 1
        return 0

    def statement(*args: Any) -> None:
        tally.statements += 1
        tally.each.append((tally.steps, " ".join(args[2].split())[:300]))

    raw = connection.connection.dbapi_connection
    raw.set_progress_handler(step, 100)
    event.listen(connection, "before_cursor_execute", statement)
    try:
        yield tally
    finally:
        event.remove(connection, "before_cursor_execute", statement)
        raw.set_progress_handler(None, 0)


def _costliest(was: Tally, now: Tally) -> list[tuple[int, int, str]]:
    """The statements whose work grew, most first: (steps before, steps now, statement)."""
    def spent(tally: Tally) -> list[int]:
        marks = [at for at, _ in tally.each] + [tally.steps]
        return [b - a for a, b in zip(marks, marks[1:], strict=False)]
    grew = [(a, b, what) for a, b, (_, what) in zip(spent(was), spent(now), now.each,
                                                   strict=True) if b > a]
    return sorted(grew, key=lambda g: g[0] - g[1])[:3]


def _cost(store: Store, who: str, work: Callable[[Session, Actor], object], *,
          write: bool = False) -> Tally:
    with (store.write() if write else store.read()) as s:
        actor = _actor(s, who)
        with counting(s) as tally:
            work(s, actor)
    return tally


def _measures(tmp_path: Path) -> dict[str, tuple[Callable[[Session, Actor], object], bool]]:
    return {
        "compliance": (lambda s, actor: compute(
            s, DAYS[-1], visible_staff(s, actor) - {actor.staff_id}), False),
        "dashboard": (lambda s, actor: build(s, actor, DAYS[-1]), False),
        "trend": (lambda s, actor: in_timescale_trends(
            s, visible_staff(s, actor) - {actor.staff_id}, DAYS[-1]), False),
        "monthly return": (lambda s, actor: build_monthly_return(
            s, actor, "2026-10", tmp_path / "r.xlsx", today=DAYS[-1]), True)}


@pytest.mark.slow
def test_a_team_managers_figures_cost_the_same_when_the_organisation_grows(
        crowded: Store, tmp_path: Path) -> None:
    measures = _measures(tmp_path)
    before = {(who, what): _cost(crowded, who, work, write=write)
              for who in ("M1", "H1") for what, (work, write) in measures.items()}
    with crowded.write() as s:
        size = len(s.exec(select(Staff.id)).all())
        _crowd(s, random.Random(18), teams=12, size=20, tag="x")
        grown = len(s.exec(select(Staff.id)).all())
    assert grown > 2.5 * size
    for what, (work, write) in measures.items():
        manager = _cost(crowded, "M1", work, write=write)
        was = before["M1", what]
        # the same statements, and no more work than the odd index level: nothing read
        # for the people around them
        assert manager.statements == was.statements, what
        assert manager.steps <= 1.15 * was.steps + 5, (what, _costliest(was, manager))
        # while the same for the head of service (everyone) grows with the organisation
        head = _cost(crowded, "H1", work, write=write)
        assert head.steps > 2 * before["H1", what].steps, (what, before["H1", what], head)


def test_a_return_built_in_a_write_session_reads_the_organisation_once(
        organisation: Store, tmp_path: Path) -> None:  # noqa: F811
    """The return is built in a write session (it logs that it was made): what it reads
    before then is shared as in a read session (``read_cache.reading_only``), so the twelve
    month ends do not each read everyone's history again; and forgotten before the log
    entry is written."""
    with organisation.write() as s:
        statements: list[str] = []
        event.listen(s.connection(), "before_cursor_execute",
                     lambda *args: statements.append(args[2]))
        head = _actor(s, "H1")
        build_monthly_return(s, head, "2026-10", tmp_path / "r.xlsx", today=D(2026, 11, 23))
        assert sum("FROM supervisor_change" in q for q in statements) == 1
        assert sum("FROM staff LEFT OUTER JOIN staff" in q for q in statements) == 1
        assert "memo" not in s.info and "reading" not in s.info
        calls = []
        with reading_only(s):
            for _ in range(3):
                memo(s, "k", lambda: calls.append(1) or len(calls))
            with reading_only(s):  # nested: the same stretch
                assert memo(s, "k", lambda: 99) == 1
        assert memo(s, "k", lambda: 7) == 7 and calls == [1]
    assert load_workbook(tmp_path / "r.xlsx")["Summary"]["A1"].value.startswith("Monthly")
