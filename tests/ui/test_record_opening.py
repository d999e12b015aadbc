"""The record dialog and the group dialog do not import each other: one module opens
either, by the record's form."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QWidget

from supervision_audit.demo import acting_as
from supervision_audit.services.records import save_draft, start_record
from supervision_audit.ui.records import record_dialog
from supervision_audit.ui.records.group_dialog import GroupRecordDialog
from supervision_audit.ui.records.record_dialog import RecordDialog
from supervision_audit.ui.records.record_opening import open_record_dialog


def _imports(module: object) -> set[str]:
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    return {node.module for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module}


def test_the_record_dialog_does_not_import_the_group_dialog() -> None:
    assert "supervision_audit.ui.records.group_dialog" not in _imports(record_dialog)


def test_each_record_opens_in_its_own_dialog(qtbot, store, actor, people) -> None:
    with store.write() as s:
        one = start_record(s, actor, form_key="individual", held_on=date(2025, 3, 3),
                           supervisee_uuid=people["P1"])
        mia = acting_as(s, people["M1"])  # a group record is its supervisor's
        group = start_record(s, mia, form_key="group", held_on=date(2025, 3, 4))
        save_draft(s, mia, group.id, {**group.values, "attendees": [str(people["P1"])]})
    parent = QWidget()
    qtbot.addWidget(parent)
    single = open_record_dialog(store, actor, one.id, parent)
    several = open_record_dialog(store, actor, group.id, parent)
    assert type(single) is RecordDialog and isinstance(several, GroupRecordDialog)
