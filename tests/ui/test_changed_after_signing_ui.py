"""A signed record edited behind the app's back (a lock dropped with raw SQL) shows loudly
in the window: in the records table, in the record itself, and its export is refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from supervision_audit.db import connect_raw
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.ui.common.style import PROBLEM
from supervision_audit.ui.file.file_data import load_file
from supervision_audit.ui.records import records_panel
from supervision_audit.ui.records.record_dialog import RecordDialog
from supervision_audit.ui.records.records_panel import RecordsPanel
from tests.record_helpers import signed_record


@pytest.fixture
def altered(store, people):
    """Two final records of Pat Worker's; the older one edited around the app."""
    with store.write() as s:
        old = signed_record(s, "P1", date(2025, 1, 6), welcome="All well.")
        signed_record(s, "P1", date(2025, 2, 3), welcome="Fine.")
    conn = connect_raw(store.path, None)
    try:
        conn.execute("DROP TRIGGER record_final_no_update")
        conn.execute("UPDATE supervision_record SET \"values\" = json_set(\"values\", "
                     f"'$.welcome', 'Rewritten.') WHERE id = '{old.id.hex}'")
    finally:
        conn.close()
    return old.id


@pytest.fixture
def panel(qtbot, store, people, altered):
    shown = RecordsPanel(store, SYSTEM_ACTOR)
    qtbot.addWidget(shown)
    with store.read() as session:
        shown.show_for(load_file(session, SYSTEM_ACTOR, people["P1"]))
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def test_the_records_table_marks_the_altered_record(panel) -> None:
    assert [row[:3] for row in panel.table.texts()] == [
        ("03/02/2025", "Individual", "Final"),
        ("06/01/2025", "Individual", "Changed after signing")]
    status = panel.table.item(1, 2)
    assert status.foreground().color() == QColor(PROBLEM)
    assert "Mia Manager (supervisor) signed different content" in status.toolTip()


def test_the_record_opens_with_the_warning_and_will_not_export(
        qtbot, panel, altered, monkeypatch, message_log, tmp_path) -> None:
    panel.table.selectRow(1)
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert isinstance(dialog, RecordDialog)
    qtbot.waitExposed(dialog)
    assert dialog.status_chip.text() == "Changed after signing"
    banner = dialog.findChild(type(dialog.status_chip), "changed_banner")
    assert banner is not None and banner.isVisible()
    assert banner.text().startswith("CHANGED AFTER SIGNING: Mia Manager (supervisor) signed "
                                    "different content; Pat Worker (supervisee) signed "
                                    "different content.")
    dialog.reject()
    chosen = tmp_path / "record.pdf"
    monkeypatch.setattr(records_panel, "choose_record_pdf_path", lambda *_a: chosen)
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert not Path(chosen).exists()
    assert message_log.kinds() == ["show_error"]
    assert "changed after signing" in message_log.texts()[0]


def test_the_file_header_marks_a_contract_changed_after_signing(qtbot, store, people) -> None:
    from supervision_audit.ui.file.contract_panel import ContractPanel
    from tests.record_helpers import signed_contract

    with store.write() as s:
        contract = signed_contract(s, people["P1"], "2025-01-06", "Sam Head")
    conn = connect_raw(store.path, None)
    try:
        conn.execute("DROP TRIGGER contract_final_no_update")
        conn.execute("UPDATE contract SET \"values\" = json_set(\"values\", '$.venue', "
                     f"'Somewhere else') WHERE id = '{contract.id.hex}'")
    finally:
        conn.close()
    panel = ContractPanel()
    qtbot.addWidget(panel)
    with store.read() as session:
        panel.show_summary(load_file(session, SYSTEM_ACTOR, people["P1"]).contract)
    assert panel.status.text() == "Changed after signing"
    assert "Mia Manager (supervisor) signed different content" in panel.status.toolTip()
