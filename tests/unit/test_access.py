"""The line of management as ``access`` reads it: ``is_above`` walks up from the person, one
query per step, stops at a loop, and agrees with the scope lists give (``visible_staff``)."""

from __future__ import annotations

import random
import uuid

from sqlalchemy import event, text

from supervision_audit.models import Staff
from supervision_audit.services.access import (
    SYSTEM_ACTOR,
    Action,
    Actor,
    is_above,
    permitted,
    visible_staff,
)
from supervision_audit.services.staff import StaffInput, save_staff


def _actor(session, staff_uuid: uuid.UUID) -> Actor:
    person = session.get(Staff, staff_uuid)
    return Actor(username=person.staff_id.lower(), staff_id=person.id, name=person.name,
                 staff_role=person.role)


def test_is_above_follows_the_whole_line_and_only_it(store, people) -> None:
    with store.read() as s:
        assert is_above(s, people["S1"], people["P1"])  # two steps up
        assert is_above(s, people["M1"], people["P1"])  # the supervisor
        assert not is_above(s, people["M2"], people["P1"])  # a manager beside
        assert not is_above(s, people["P1"], people["M1"])  # below is not above
        assert not is_above(s, people["P1"], people["P1"])  # nobody is above themself
        assert not is_above(s, people["S1"], people["S1"])  # the top of the line
        assert not is_above(s, people["S1"], uuid.uuid4())  # someone not on file


def test_a_loop_in_the_line_ends_the_walk(store, people) -> None:
    # the app refuses loops when saving; a store changed by hand may still hold one
    with store.write() as s:
        s.connection().execute(text("UPDATE staff SET supervisor_id = :p WHERE id = :s"),
                               {"p": people["P1"].hex, "s": people["S1"].hex})
    with store.read() as s:
        assert is_above(s, people["P1"], people["M1"])  # P1 -> S1 -> M1, round the loop
        assert is_above(s, people["M1"], people["P1"])
        assert not is_above(s, people["M2"], people["P1"])  # finishes: M2 is not in the loop
        assert not is_above(s, uuid.uuid4(), people["P2"])


def test_is_above_reads_only_the_people_on_the_way(store, people) -> None:
    with store.read() as s:
        head = _actor(s, people["S1"])
        statements: list[str] = []
        event.listen(s.connection(), "before_cursor_execute",
                     lambda *args: statements.append(args[2]))
        assert is_above(s, people["S1"], people["P1"])
        assert len(statements) == 2  # P1 and M1 (whose supervisor is S1): not everyone
        assert all(q.rstrip().endswith("WHERE staff.id = ?") for q in statements)
        for _ in range(8):  # a file's many checks in one session: no further query
            assert permitted(s, head, Action.READ_FILE, people["P1"])
        assert len(statements) == 2


def test_is_above_agrees_with_the_scope_of_lists(store) -> None:
    """A random organisation five deep: above(a, b) exactly when b is in a's list."""
    rng = random.Random(9)
    with store.write() as s:
        ids: list[str] = []
        for n in range(60):
            boss = rng.choice(ids[-12:]) if ids and rng.random() < 0.9 else ""
            save_staff(s, SYSTEM_ACTOR, StaffInput(f"R{n}", f"Person {n}",
                                                   supervisor_staff_id=boss))
            ids.append(f"R{n}")
        everyone = list(s.exec(text("SELECT id FROM staff")).scalars())
    with store.read() as s:
        people = [uuid.UUID(hex=h) if isinstance(h, str) else h for h in everyone]
        checked = 0
        for a in people:
            actor = _actor(s, a)
            below = visible_staff(s, actor) - {a}
            for b in people:
                assert is_above(s, a, b) == (b in below)
                assert permitted(s, actor, Action.READ_FILE, b) == (b == a or b in below)
                checked += 1
        assert checked == len(people) ** 2
