"""What each kind of person can ever do, which decides the menus and pages they are shown."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from supervision_audit.services.access import Action, Actor
from supervision_audit.services.capabilities import capabilities
from supervision_audit.services.staff import StaffInput, get_by_staff_id, mark_left, save_staff

ALL_TOOLS = {Action.MANAGE_ACCOUNTS, Action.VIEW_LOG, Action.SUBJECT_ACCESS,
             Action.MANAGE_BACKUPS, Action.MANAGE_CERTIFICATE}


def _actor(s, staff_id: str, **extra) -> Actor:
    person = get_by_staff_id(s, staff_id)
    return Actor(username=staff_id.lower(), staff_id=person.id, name=person.name,
                 staff_role=person.role, **extra)


@pytest.fixture
def org(store, people):
    with store.write() as s:
        save_staff(s, _actor(s, "S1", is_admin=True), StaffInput(
            "X1", "Alex Admin", "Systems Administrator", role="other"))
    return store


def _caps(store, staff_id: str, **extra):
    with store.read() as s:
        return capabilities(s, _actor(s, staff_id, **extra))


def test_a_social_worker_has_her_own_file_and_nothing_else(org) -> None:
    caps = _caps(org, "P2")
    assert caps.has_file and caps.supervisee_only
    assert not (caps.supervises or caps.reads_others or caps.sees_others or caps.audits
                or caps.manages_staff or caps.monthly_return)
    assert caps.tools == frozenset()


def test_a_team_manager_supervises_and_reads_below_but_does_not_audit(org) -> None:
    caps = _caps(org, "M1")
    assert caps.supervises and caps.reads_others and caps.sees_others and caps.has_file
    assert caps.monthly_return
    assert not (caps.audits or caps.manages_staff or caps.supervisee_only)
    assert caps.tools == frozenset()


def test_a_senior_manager_audits_and_sees_the_log(org) -> None:
    caps = _caps(org, "S1")
    assert caps.audits and caps.supervises and caps.reads_others
    assert not caps.has_file  # nobody supervises the head of service here
    assert caps.tools == {Action.VIEW_LOG}


def test_an_administrator_out_of_the_line_manages_staff_and_reads_no_file(org) -> None:
    caps = _caps(org, "X1", is_admin=True)
    assert caps.manages_staff and caps.sees_others and caps.tools == ALL_TOOLS
    assert not (caps.reads_others or caps.supervises or caps.audits or caps.has_file)


def test_an_inspector_reads_and_writes_nothing(org) -> None:
    caps = _caps(org, "X1", is_inspector=True, inspector_scope=("*",),
                 inspector_until=date.today() + timedelta(days=30))
    assert caps.reads_others and caps.sees_others
    assert not (caps.supervises or caps.audits or caps.manages_staff)


def test_a_manager_whose_people_all_left_still_reads_but_no_longer_supervises(org) -> None:
    with org.write() as s:
        for staff_id in ("P1", "P2"):
            mark_left(s, _actor(s, "S1", is_admin=True), get_by_staff_id(s, staff_id).id,
                      date(2025, 3, 1))
    caps = _caps(org, "M1")
    assert caps.reads_others and not caps.supervises
