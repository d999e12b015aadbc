"""A senior manager's dashboard: "Audits due" opens the files due for audit this month (who,
whose supervision, last audit and judgement) and one click starts the audit; every tile
opens the list it counts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from supervision_audit.models import FileAudit
from supervision_audit.ui.app import create_main_window
from supervision_audit.ui.audits.audit_dialog import AuditDialog
from tests.ui.signed_in import actor_of


@pytest.fixture
def head(qtbot, store, people):
    window = create_main_window(store, actor_of(store, "S1"))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.dashboard.loading, timeout=10_000)
    return window


def test_audits_due_opens_the_queue_and_one_click_starts_the_audit(qtbot, store,
                                                                    head) -> None:
    page = head.dashboard
    tile = page.tiles["Audits due"]
    assert tile.count == 2  # Mia's and Omar's supervision, neither audited yet
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    queue = page.audit_queue
    assert page.list_stack.currentWidget() is queue and queue.isVisible()
    assert tile.isChecked()
    assert page.list_title.text() == "Audits due this month  ·  2"
    assert queue.row_texts() == [
        ("Pat Worker", "Mia Manager", "never", "—", "Start audit"),
        ("Aisha Rahman", "Omar Hussain", "never", "—", "Start audit")]
    qtbot.mouseClick(queue.button_at(0), Qt.MouseButton.LeftButton)
    dialog = queue.dialog
    assert isinstance(dialog, AuditDialog) and dialog.isVisible()
    with store.read() as s:
        audit = s.get(FileAudit, dialog.audit_id)
        assert audit.status == "draft" and audit.supervisee_id is not None
    dialog.reject()
    qtbot.waitUntil(lambda: queue.row_texts()[0][-1] == "Continue audit", timeout=5000)
    qtbot.mouseClick(queue.button_at(0), Qt.MouseButton.LeftButton)
    assert queue.dialog.audit_id == audit.id  # the same audit, continued
    queue.dialog.reject()


def test_the_reports_menu_opens_the_same_queue(qtbot, head) -> None:
    head.pages.setCurrentWidget(head.splitter)
    head.audits_due_action.trigger()
    assert head.pages.currentWidget() is head.dashboard
    assert head.dashboard.list_stack.currentWidget() is head.dashboard.audit_queue


def test_every_tile_opens_the_list_it_counts(qtbot, head) -> None:
    page = head.dashboard
    for title, tile in page.tiles.items():
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
        assert tile.isChecked() and all(not other.isChecked() for other in page.tiles.values()
                                        if other is not tile)
        if title == "Audits due":
            assert page.list_stack.currentWidget() is page.audit_queue
            assert page.audit_queue.table.rowCount() == tile.count
            continue
        assert page.list_stack.currentWidget() is page.tree
        shown = [page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount())
                 if not page.tree.topLevelItem(i).isHidden()]
        assert [h.data(0, Qt.ItemDataRole.UserRole + 1) for h in shown] == [title]
        assert len(page.items_of(title)) == tile.count
        assert page.list_title.text().endswith(f"·  {tile.count}")
    qtbot.mouseClick(page.every_list_button, Qt.MouseButton.LeftButton)
    assert not any(tile.isChecked() for tile in page.tiles.values())
    assert all(not page.tree.topLevelItem(i).isHidden()
               for i in range(page.tree.topLevelItemCount()))


def test_the_tiles_show_their_number_and_name_whole(head) -> None:
    for tile in head.dashboard.tiles.values():
        assert tile.height() >= tile.layout().minimumSize().height(), tile.section
        for label in (tile.number, tile.label):
            assert tile.rect().contains(label.geometry()), (tile.section, label.text())
            assert label.height() >= label.minimumSizeHint().height(), label.text()
