"""compliance --json: each row as JSON takes it, without deep copies."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

from supervision_audit.services.compliance import Compliance


def _row() -> Compliance:
    return Compliance(
        staff_id="P1", name="Łucja Żak", supervisor_id="T1", team="Assessment",
        cadence="monthly", last_completed="2026-10-01", next_due="2026-11-01", overdue=True,
        days_overdue=3, escalations=[{"planned": "2026-09-01", "state": "late"}],
        asye_milestones_overdue=["3 months"], uuid="abc")


def test_as_json_is_the_row_without_its_uuid_and_team() -> None:
    row = _row()
    expected = asdict(row)
    del expected["uuid"], expected["team"]
    data = row.as_json()
    assert data == expected
    assert list(data) == list(expected), "the fields in their order"
    assert json.loads(json.dumps(data, ensure_ascii=False)) == expected


def test_as_json_copies_the_lists_but_not_what_is_inside_them() -> None:
    row = _row()
    data = row.as_json()
    assert data["escalations"] is not row.escalations
    assert data["escalations"][0] is row.escalations[0], "no deep copy of each escalation"
    data["asye_milestones_overdue"].append("6 months")
    assert row.asye_milestones_overdue == ["3 months"]
    assert date.fromisoformat(data["next_due"]) == date(2026, 11, 1)
