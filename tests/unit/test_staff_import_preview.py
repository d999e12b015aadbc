"""What a staff import would do, before it is done: added, changed field by field, or left."""

from __future__ import annotations

from pathlib import Path

import pytest

from supervision_audit.errors import ValidationError
from supervision_audit.services.staff import get_by_staff_id
from supervision_audit.services.staff_import_preview import preview_staff_import

HEADER = ("staff_id,name,job_title,team,location,role,supervisor_id,employment_start,"
          "asye_start,email,phone\n")


def test_changes_are_named_field_by_field_and_nothing_is_written(store, actor, people,
                                                                tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_text(HEADER
                    + "P1,Pat Worker,Social Worker,Children in Care,Oldbury,practitioner,M2,"
                      "02/03/2024,,p1@example.org,0121 000 0000\n"
                    + "P10,Ben Carter,Social Worker,Children in Care,Oldbury,practitioner,M2,"
                      "09/05/2022,,p10@example.org,0121 000 0000\n", encoding="utf-8")
    with store.read() as s:
        preview = preview_staff_import(s, actor, path)
    assert preview.added == [] and preview.unchanged == 1
    [pat] = preview.changed
    assert (pat.row, pat.staff_id) == (2, "P1")
    assert pat.changes == ("Team: Assessment → Children in Care",
                           "Supervisor's id: M1 → M2",
                           "Employment start: 01/03/2024 → 02/03/2024")
    with store.read() as s:
        assert get_by_staff_id(s, "P1").employment_start.day == 1  # nothing written


def test_a_bad_file_raises_every_problem(store, actor, people, tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_text(HEADER + "P77,,Social Worker,,,,,,,,\n"
                    + "P78,Ola Ade,Social Worker,,,,NOBODY,,,,\n", encoding="utf-8")
    with store.read() as s, pytest.raises(ValidationError) as caught:
        preview_staff_import(s, actor, path)
    assert [(p.row, p.field) for p in caught.value.problems] == [(2, "name"),
                                                                  (3, "supervisor_id")]
