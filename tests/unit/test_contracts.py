"""The supervision contract: prefilled parties, validation, versions and review (R4)."""

from __future__ import annotations

from datetime import date

import pytest

from supervision_audit.errors import ValidationError
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.contracts import (
    contract_status,
    contracts_of,
    draft_values,
    review_due,
    save_contract,
)
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff, staff_input_of

START = date(2024, 1, 1)


@pytest.fixture
def org(unit_store):
    with unit_store.write() as session:
        save_staff(session, SYS, StaffInput("S1", "Sam Head", "Head of Service", team="Leadership",
                                       role="senior_manager"), today=START)
        save_staff(session, SYS, StaffInput("M1", "Mia Manager", "Team Manager", team="Assessment",
                                       location="Riverside House", role="team_manager",
                                       supervisor_staff_id="S1", phone="0121 555 0100"),
                   today=START)
        save_staff(session, SYS, StaffInput("M2", "Noor Manager", "Team Manager",
                                            role="team_manager", supervisor_staff_id="S1"),
                   today=START)
        save_staff(session, SYS, StaffInput("P1", "Łucja Żak", "Social Worker", team="Assessment",
                                       supervisor_staff_id="M1"), today=START)
        save_staff(session, SYS, StaffInput("A1", "Priya Raman", "NQSW", role="asye",
                                       asye_start=date(2026, 9, 1), supervisor_staff_id="M1"),
                   today=START)
    return unit_store


def _values(session, staff_id: str, **extra):
    values = draft_values(session, SYS, get_by_staff_id(session, staff_id).id)
    values.update({"venue": "Meeting Room 2", "date_agreed": "2024-02-29", **extra})
    return values


def test_draft_is_prefilled_from_the_people_records(org) -> None:
    with org.read() as session:
        values = draft_values(session, SYS, get_by_staff_id(session, "P1").id)
        asye = draft_values(session, SYS, get_by_staff_id(session, "A1").id)
    assert values["supervisee_name"] == "Łucja Żak"
    assert values["supervisor_name"] == "Mia Manager"
    assert values["supervisor_team_location"] == "Assessment / Riverside House"
    assert values["supervisor_manager"] == "Sam Head"
    assert values["intermediary"] == "Sam Head"
    assert values["supervisor_contact_number"] == "0121 555 0100"
    assert values["frequency"] == "monthly" and values["duration_minutes"] == 90
    assert asye["frequency"] == "asye"


def test_review_is_due_twelve_months_after_signing_clamped_at_month_end(org) -> None:
    from datetime import datetime

    from supervision_audit.demo import acting_as
    from supervision_audit.services.signatures import sign

    with org.write() as session:
        person = get_by_staff_id(session, "P1")
        contract = save_contract(session, SYS, person.id, _values(session, "P1",
                                                                  date_agreed="2024-02-01"))
        at = datetime(2024, 2, 29, 11, 0).astimezone()
        sign(session, acting_as(session, person.supervisor_id), "contract", contract.id,
             password=None, at=at)
        # signed by one party: not final, so not in force and with no review date yet
        assert review_due(session, contract) is None
        assert contract_status(session, person.id, date(2024, 3, 1)) == "draft"
        sign(session, acting_as(session, person.id), "contract", contract.id, password=None,
             at=at)
        assert contract.locked_at is not None
        assert review_due(session, contract) == date(2025, 2, 28)
        assert contract_status(session, person.id, date(2025, 2, 27)) == "current"
        assert contract_status(session, person.id, date(2025, 2, 28)) == "review_due"


def test_an_unsigned_contract_is_a_draft_with_no_review_date(org) -> None:
    with org.write() as session:
        person = get_by_staff_id(session, "P1")
        contract = save_contract(session, SYS, person.id,
                                 _values(session, "P1", date_agreed="2025-01-31"))
        assert review_due(session, contract) is None
        assert "review_due" not in contract.values  # worked out when shown, never kept
        assert contract_status(session, person.id, date(2025, 3, 1)) == "draft"


def _sign_both(session, person, contract, at):
    from supervision_audit.demo import acting_as
    from supervision_audit.services.signatures import sign

    for who in (person.supervisor_id, person.id):
        sign(session, acting_as(session, who), "contract", contract.id, password=None, at=at)


def test_change_of_supervisor_makes_review_due_at_once(org) -> None:
    from datetime import datetime

    with org.write() as session:
        person = get_by_staff_id(session, "P1")
        contract = save_contract(session, SYS, person.id,
                                 _values(session, "P1", date_agreed="2026-10-01"))
        _sign_both(session, person, contract, datetime(2026, 10, 1, 12).astimezone())
        assert contract_status(session, person.id, date(2026, 10, 2)) == "current"
        data = staff_input_of(session, person)
        save_staff(session, SYS, StaffInput(**{**data.__dict__, "supervisor_staff_id": "M2"}),
                   person.id, today=date(2026, 11, 2))
        assert review_due(session, contract) == date(2026, 11, 2)
        assert contract_status(session, person.id, date(2026, 11, 2)) == "review_due"
        # as of a day before the change, the supervisor in post was still the contract's
        assert review_due(session, contract, date(2026, 10, 20)) == date(2027, 10, 1)
        assert contract_status(session, person.id, date(2026, 10, 20)) == "current"


def test_new_version_keeps_the_old_on_file(org) -> None:
    with org.write() as session:
        person = get_by_staff_id(session, "P1")
        first = save_contract(session, SYS, person.id, _values(session, "P1", additions="Original"))
        values = draft_values(session, SYS, person.id)
        assert values["additions"] == "Original" and "date_agreed" not in values
        values.update(date_agreed="2025-03-01", additions="Revised")
        second = save_contract(session, SYS, person.id, values)
        versions = contracts_of(session, SYS, person.id)
    assert [c.version for c in versions] == [2, 1]
    assert first.superseded_by_id == second.id
    assert versions[1].values["additions"] == "Original"


def test_missing_contract_status(org) -> None:
    with org.read() as session:
        assert contract_status(session, get_by_staff_id(session, "P1").id, START) == "missing"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"venue": ""}, "venue", "is required"),
    ({"date_agreed": "2024-02-30"}, "date_agreed", "is not a real date"),
    ({"frequency": "agreed"}, "agreed_interval_days", "is required when an agreed interval"),
    ({"frequency": "agreed", "agreed_interval_days": 27, "intermediary": ""}, "intermediary",
     "is required"),
])
def test_invalid_contract_is_refused_with_field_messages(org, changes, field, message) -> None:
    with pytest.raises(ValidationError) as caught:
        with org.write() as session:
            save_contract(session, SYS, get_by_staff_id(session, "P1").id,
                          _values(session, "P1", **changes))
    assert any(message in m for m in caught.value.for_field(field)), caught.value.problems
    with org.read() as session:
        assert contracts_of(session, SYS, get_by_staff_id(session, "P1").id) == []


def test_agreed_interval_is_stored(org) -> None:
    with org.write() as session:
        contract = save_contract(session, SYS, get_by_staff_id(session, "P1").id, _values(
            session, "P1", frequency="agreed", agreed_interval_days=14))
    assert contract.agreed_interval_days == 14
