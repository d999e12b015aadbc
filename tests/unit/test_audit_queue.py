"""The senior manager's audit queue (R6): one file for each supervisor below them whose
supervision is not yet audited this month, as many as the month's cap leaves, the most
overdue first, with the file's last audit and judgement; an audit already started stays
listed until it is complete."""

from __future__ import annotations

from datetime import date

import pytest

from supervision_audit.demo import acting_as
from supervision_audit.forms.audit import JUDGEMENTS
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.audit_queue import audit_queue
from supervision_audit.services.audits import save_audit, start_audit
from supervision_audit.services.dashboard import build
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff

D = date
ON = D(2026, 6, 26)
KEYS = {label: key for key, label in JUDGEMENTS}


@pytest.fixture
def org(unit_store):
    """Hana (Head of Service) manages four team managers, each with workers."""
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("H1", "Hana Head", "Head of Service",
                                      role="senior_manager"))
        for n, manager in enumerate(("Mia Manager", "Max Manager", "Nell Manager",
                                     "Olu Manager"), start=1):
            save_staff(s, SYS, StaffInput(f"M{n}", manager, "Team Manager",
                                          role="team_manager", supervisor_staff_id="H1"))
        for staff_id, name, boss in (("W1", "Wendy Worker", "M1"), ("W2", "Abe Worker", "M1"),
                                     ("W3", "Will Worker", "M2"), ("W4", "Zed Worker", "M3"),
                                     ("W5", "Yan Worker", "M4")):
            save_staff(s, SYS, StaffInput(staff_id, name, supervisor_staff_id=boss,
                                          employment_start=D(2024, 1, 1)))
    return unit_store


def _complete(s, auditor_sid: str, staff_id: str, on: date) -> None:
    auditor = acting_as(s, get_by_staff_id(s, auditor_sid).id)
    audit = start_audit(s, auditor, get_by_staff_id(s, staff_id).id, on)
    values = {**audit.values, "judgement": KEYS[audit.values["suggested_judgement"]],
              "actions": [{"action": "Record welfare monthly", "owner": "Them",
                           "due": "2026-12-31"}]}
    save_audit(s, auditor, audit.id, values, complete=True)


def _hana(s):
    return acting_as(s, get_by_staff_id(s, "H1").id)


def test_one_file_per_supervisor_up_to_the_cap_most_overdue_first(org) -> None:
    with org.write() as s:
        _complete(s, "H1", "W4", D(2025, 12, 1))  # Nell's audited six months ago
        queue = audit_queue(s, _hana(s), ON)
    assert (queue.cap, queue.done, queue.remaining) == (3, 0, 3)  # a Head of Service: 3
    # never audited first (by name), then the longest since; Nell, audited lately, waits
    assert [(line.supervisor, line.supervisee, line.last_audit_text, line.judgement)
            for line in queue.lines] == [
        ("Max Manager", "Will Worker", "never", ""),
        ("Mia Manager", "Abe Worker", "never", ""),  # of two never audited: by name
        ("Olu Manager", "Yan Worker", "never", ""),
    ]
    assert all(line.overdue for line in queue.lines)


def test_a_completed_audit_this_month_takes_its_supervisor_off_and_counts(org) -> None:
    with org.write() as s:
        _complete(s, "H1", "W2", D(2025, 1, 10))  # Abe: long ago
        _complete(s, "H1", "W3", ON)  # Max's supervision: audited this month
        queue = audit_queue(s, _hana(s), ON)
    assert (queue.done, queue.remaining) == (1, 2)
    # Max is off; of the rest, the two never audited come before Mia (audited in 2025)
    assert [line.supervisor for line in queue.lines] == ["Nell Manager", "Olu Manager"]


def test_the_files_last_audit_and_judgement_are_shown(org) -> None:
    with org.write() as s:
        for staff_id, day in (("W2", D(2025, 1, 10)), ("W1", D(2025, 2, 10)),
                              ("W3", D(2025, 3, 1)), ("W4", D(2025, 4, 1)),
                              ("W5", D(2025, 5, 1))):
            _complete(s, "H1", staff_id, day)
        lines = audit_queue(s, _hana(s), ON).lines
    # every supervisor over 12 months: the longest since an audit first
    assert [line.supervisor for line in lines] == ["Mia Manager", "Max Manager",
                                                   "Nell Manager"]
    mia = lines[0]  # of Mia's two files, the one audited longer ago
    assert (mia.supervisee, mia.last_audit) == ("Abe Worker", D(2025, 1, 10))
    assert mia.judgement in dict(JUDGEMENTS).values()
    assert mia.detail() == (f"supervised by Mia Manager; last audited 10/01/2025 "
                            f"({mia.judgement}); no audit of this supervisor in 12 months")


def test_an_audit_started_is_listed_to_continue(org) -> None:
    with org.write() as s:
        hana = _hana(s)
        draft = start_audit(s, hana, get_by_staff_id(s, "W4").id, ON)  # Nell's Zed
        _complete(s, "H1", "W1", ON)
        _complete(s, "H1", "W3", ON)
        _complete(s, "H1", "W5", ON)  # the cap of 3 is reached
        queue = audit_queue(s, hana, ON)
    assert queue.remaining == 0
    assert [(line.supervisee, line.draft_id) for line in queue.lines] == [
        ("Zed Worker", draft.id)]
    assert "your audit is started" in queue.lines[0].detail()


def test_the_dashboard_counts_the_same_lines(org) -> None:
    with org.write() as s:
        hana = _hana(s)
        lines = audit_queue(s, hana, ON).lines
        board = build(s, hana, ON)
    assert [(i.title, i.staff_uuid, i.action) for i in board.audits_due] == [
        (line.supervisee, line.supervisee_id, "audit") for line in lines]


def test_only_senior_managers_have_a_queue(org) -> None:
    with org.read() as s:
        mia = acting_as(s, get_by_staff_id(s, "M1").id)
        assert audit_queue(s, mia, ON).lines == []
        assert build(s, mia, ON).audits_due == []
