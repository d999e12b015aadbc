"""Signing through the window: supervisor then supervisee, the password asked again, a drawn
signature, signing in person, addenda, the supervisee's copy and the task list."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QApplication

from supervision_audit.services.access import Actor, actor_for
from supervision_audit.services.accounts import Vault, add_account
from supervision_audit.services.records import complete_record, get_record, start_record
from supervision_audit.services.signatures import (
    DISAGREE_MEANING,
    SUPERVISEE_MEANING,
    SUPERVISOR_MEANING,
    addenda_of,
    sign,
    signatures_of,
)
from supervision_audit.ui.common.style import PROBLEM
from supervision_audit.ui.dashboard.tasks_panel import TasksPanel
from supervision_audit.ui.file.file_data import load_file
from supervision_audit.ui.records.addendum_dialog import AddendumDialog
from supervision_audit.ui.records.copy_dialog import CopyDialog
from supervision_audit.ui.records.record_dialog import RecordDialog
from supervision_audit.ui.records.records_panel import RecordsPanel
from supervision_audit.ui.records.sign_dialog import SignDialog
from supervision_audit.ui.widgets.signature_pad import SignaturePad

PW = {"mia": "mia password 1", "pat": "pat password 1"}
HELD = date(2026, 3, 2)  # a Monday: the copy is due Thursday 05/03/2026


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    from supervision_audit.security.keyring import KdfParams
    from supervision_audit.security.passwords import Costs

    monkeypatch.setattr(Costs, "kdf", KdfParams(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def actors(store, people) -> dict[str, Actor]:
    """Mia (supervisor of Pat and Łucja) and Pat with accounts; Łucja has none."""
    with store.write() as session:
        vault = Vault(store.path, None)
        return {name: actor_for(session, add_account(session, vault, people[sid], name, PW[name]))
                for name, sid in (("mia", "M1"), ("pat", "P1"))}


def _completed(store, mia: Actor, supervisee: uuid.UUID) -> uuid.UUID:
    with store.write() as session:
        record = start_record(session, mia, form_key="individual", held_on=HELD,
                              supervisee_uuid=supervisee)
        complete_record(session, mia, record.id, {
            **record.values, "start_time": "10:00", "end_time": "11:30",
            "actions": [{"action": "Update chronology", "due": "2026-03-16", "owner": "Pat"}]})
        return record.id


@pytest.fixture
def record_id(store, people, actors) -> uuid.UUID:
    return _completed(store, actors["mia"], people["P1"])


@pytest.fixture
def final_id(store, actors, record_id) -> uuid.UUID:
    with store.write() as session:
        sign(session, actors["mia"], "record", record_id, password=PW["mia"])
        sign(session, actors["pat"], "record", record_id, password=PW["pat"])
    return record_id


@pytest.fixture
def show_panel(qtbot, store):
    def make(actor: Actor, staff_uuid: uuid.UUID, select: uuid.UUID | None = None
             ) -> RecordsPanel:
        panel = RecordsPanel(store, actor)
        qtbot.addWidget(panel)
        with store.read() as session:
            panel.show_for(load_file(session, actor, staff_uuid))
        panel.show()
        qtbot.waitExposed(panel)
        if select is not None:
            assert panel.select_record(select)
        return panel
    return make


def _click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _draw(qtbot, pad: SignaturePad) -> None:
    points = [QPoint(30, 80), QPoint(60, 50), QPoint(90, 95), QPoint(130, 60), QPoint(170, 85)]
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=points[0])
    for point in points[1:]:
        qtbot.mouseMove(pad, point)
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=points[-1])


def _sign_dialog(qtbot, panel: RecordsPanel) -> SignDialog:
    assert panel.sign_button.isEnabled()
    _click(qtbot, panel.sign_button)
    dialog = panel.dialog
    assert isinstance(dialog, SignDialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_the_signature_pad_keeps_a_drawing_as_png(qtbot) -> None:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.show()
    qtbot.waitExposed(pad)
    assert pad.is_empty() and pad.png_bytes() is None
    with qtbot.waitSignal(pad.changed):
        _draw(qtbot, pad)
    assert not pad.is_empty()
    png = pad.png_bytes()
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 200
    pad.clear()
    assert pad.is_empty() and pad.png_bytes() is None


def test_the_signature_pad_takes_a_pen_with_its_pressure(qtbot) -> None:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pen = QPointingDevice("pen", 1, QInputDevice.DeviceType.Stylus,
                          QPointingDevice.PointerType.Pen,
                          QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
                          1, 3)
    for kind, x, pressure in ((QEvent.Type.TabletPress, 20, 0.3),
                              (QEvent.Type.TabletMove, 80, 0.9),
                              (QEvent.Type.TabletRelease, 120, 0.5)):
        event = QTabletEvent(kind, pen, QPointF(x, 50), QPointF(x, 50), pressure, 0, 0, 0, 0,
                             0, Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton,
                             Qt.MouseButton.LeftButton)
        QApplication.sendEvent(pad, event)
    assert [p for _point, p in pad.strokes[0]] == [0.3, 0.9, 0.5]
    assert pad.png_bytes().startswith(b"\x89PNG")


def test_supervisor_then_supervisee_sign_and_the_record_is_final_and_read_only(
        qtbot, store, people, actors, record_id, show_panel) -> None:
    pat_panel = show_panel(actors["pat"], people["P1"], record_id)
    assert not pat_panel.sign_button.isEnabled()  # the supervisor signs first
    assert "Waiting for Mia Manager" in pat_panel.sign_button.toolTip()

    panel = show_panel(actors["mia"], people["P1"], record_id)
    dialog = _sign_dialog(qtbot, panel)
    assert dialog.meaning.text() == f"“{SUPERVISOR_MEANING}”"
    assert dialog.findChild(type(dialog.meaning), "signer_role").text() == "Supervisor"
    _draw(qtbot, dialog.pad)
    qtbot.keyClicks(dialog.password, PW["mia"])
    _click(qtbot, dialog.sign_button)
    assert dialog.signed_as == "Mia Manager (supervisor)"
    assert panel.notice.text() == ("Signed by Mia Manager (supervisor). Still to sign: "
                                   "Pat Worker (supervisee).")
    assert panel.row_texts()[0][2] == "Awaiting signature"
    assert not panel.sign_button.isEnabled()

    pat_panel.reload()
    assert pat_panel.select_record(record_id)
    second = _sign_dialog(qtbot, pat_panel)
    assert second.agree.isChecked() and second.agree.text() == SUPERVISEE_MEANING
    qtbot.keyClicks(second.password, PW["pat"])
    _click(qtbot, second.sign_button)
    assert pat_panel.row_texts()[0][2] == "Final"
    assert pat_panel.notice.text().endswith("Everyone has signed: the record is final.")
    with store.read() as session:
        first, last = signatures_of(session, "record", record_id)
        assert first.meaning == SUPERVISOR_MEANING and first.image_png.startswith(b"\x89PNG")
        assert last.meaning == SUPERVISEE_MEANING and last.image_png is None
        assert get_record(session, record_id).locked_at is not None

    viewer = pat_panel.open_record(record_id)
    assert isinstance(viewer, RecordDialog)
    assert not viewer.editable and viewer.complete_button is None
    assert viewer.status_chip.text() == "Final"
    assert viewer.editor.widget_for("welcome").isReadOnly()
    texts = [w.text() for w in viewer.trail.findChildren(type(viewer.intro), "signature_text")]
    assert len(texts) == 2 and "Mia Manager" in texts[0] and "Pat Worker" in texts[1]


def test_a_wrong_password_is_said_plainly_and_signs_nothing(
        qtbot, store, people, actors, record_id, show_panel) -> None:
    panel = show_panel(actors["mia"], people["P1"], record_id)
    dialog = _sign_dialog(qtbot, panel)
    _click(qtbot, dialog.sign_button)
    assert dialog.password_problem.text() == "Type your password to sign."
    qtbot.keyClicks(dialog.password, "not the password")
    _click(qtbot, dialog.sign_button)
    assert dialog.isVisible()
    assert dialog.password_problem.text() == "The password is not right: nothing was signed."
    assert dialog.password.text() == ""
    with store.read() as session:
        assert signatures_of(session, "record", record_id) == []


def test_a_supervisee_who_disagrees_says_why(qtbot, store, people, actors, record_id,
                                             show_panel) -> None:
    with store.write() as session:
        sign(session, actors["mia"], "record", record_id, password=PW["mia"])
    panel = show_panel(actors["pat"], people["P1"], record_id)
    dialog = _sign_dialog(qtbot, panel)
    _click(qtbot, dialog.disagree)
    qtbot.keyClicks(dialog.password, PW["pat"])
    _click(qtbot, dialog.sign_button)
    assert dialog.disagreement_problem.text() == "Say what you disagree with."
    qtbot.keyClicks(dialog.disagreement, "The caseload figure is wrong")
    _click(qtbot, dialog.sign_button)
    with store.read() as session:
        last = signatures_of(session, "record", record_id)[-1]
        assert last.meaning == DISAGREE_MEANING.format(text="The caseload figure is wrong")


def test_a_supervisee_without_an_account_signs_in_person(qtbot, store, people, actors,
                                                         show_panel) -> None:
    record_id = _completed(store, actors["mia"], people["P2"])  # Łucja has no account
    panel = show_panel(actors["mia"], people["P2"], record_id)
    dialog = _sign_dialog(qtbot, panel)
    assert not dialog.in_person  # Mia signs for herself first
    qtbot.keyClicks(dialog.password, PW["mia"])
    _click(qtbot, dialog.sign_button)

    assert panel.select_record(record_id) and panel.sign_button.isEnabled()
    witness = _sign_dialog(qtbot, panel)
    assert witness.in_person and witness.signer().name == "Łucja Żak"
    qtbot.keyClicks(witness.password, PW["mia"])
    _click(qtbot, witness.sign_button)
    assert witness.typed_name_problem.text() == "The signer types their full name."
    assert witness.pad_problem.text() == "The signer draws their signature."
    witness.typed_name.setText("Łucja Żak")  # QTest types ASCII only
    _draw(qtbot, witness.pad)
    _click(qtbot, witness.sign_button)
    with store.read() as session:
        last = signatures_of(session, "record", record_id)[-1]
        assert last.in_person and last.witnessed_by == people["M1"]
        assert last.signer_staff_id == people["P2"] and last.typed_name == "Łucja Żak"
        assert get_record(session, record_id).locked_at is not None


def test_an_addendum_to_a_final_record_is_shown_with_it(qtbot, store, people, actors,
                                                        record_id, show_panel) -> None:
    panel = show_panel(actors["mia"], people["P1"], record_id)
    assert not panel.addendum_button.isEnabled()  # not final yet
    with store.write() as session:
        sign(session, actors["mia"], "record", record_id, password=PW["mia"])
        sign(session, actors["pat"], "record", record_id, password=PW["pat"])
    panel.reload()
    assert panel.addendum_button.isEnabled()
    _click(qtbot, panel.addendum_button)
    dialog = panel.dialog
    assert isinstance(dialog, AddendumDialog)
    qtbot.keyClicks(dialog.password, PW["mia"])
    _click(qtbot, dialog.add_button)
    assert dialog.problem_text("reason") == "The reason is required."
    assert dialog.problem_text("text") == "The text is required."
    qtbot.keyClicks(dialog.reason, "Wrong due date")
    qtbot.keyClicks(dialog.text, "The chronology is due on 23/03/2026.")
    _click(qtbot, dialog.add_button)
    with store.read() as session:
        (addendum,) = addenda_of(session, "record", record_id)
        assert addendum.reason == "Wrong due date"
    viewer = panel.open_record(record_id)
    assert viewer.trail.addendum_texts() == ["The chronology is due on 23/03/2026."]
    assert viewer.trail.addenda_box.title() == "Addenda (1)"


def test_the_copy_given_is_recorded(qtbot, store, people, actors, final_id,
                                    show_panel) -> None:
    panel = show_panel(actors["mia"], people["P1"], final_id)
    assert panel.row_texts()[0][4] == "Late: due 05/03/2026"
    _click(qtbot, panel.copy_button)
    dialog = panel.dialog
    assert isinstance(dialog, CopyDialog)
    dialog.given_on.set_date(date(2026, 3, 4))
    _click(qtbot, dialog.save_button)
    assert dialog.problems["copy_method"].text().startswith("Choose how the copy was given")
    _click(qtbot, dialog.method_buttons["emailed"])
    _click(qtbot, dialog.save_button)
    with store.read() as session:
        record = get_record(session, final_id)
        assert (record.copy_given_on, record.copy_method) == (date(2026, 3, 4), "emailed")
    assert panel.row_texts()[0][4] == "04/03/2026 · E-mailed PDF"


def test_the_task_list_shows_signatures_and_copies_due(qtbot, store, people, actors,
                                                       record_id) -> None:
    tasks = TasksPanel(store, actors["mia"])
    qtbot.addWidget(tasks)
    tasks.refresh(today=date(2026, 3, 4))
    assert tasks.rows() == [
        ("Awaiting your signature", "Pat Worker", "02/03/2026 · Individual", ""),
        ("Copy due", "Pat Worker", "02/03/2026 · Individual", "05/03/2026")]
    tasks.refresh(today=date(2026, 3, 9))
    late = tasks.tree.topLevelItem(1)
    assert late.text(0) == "Late: copy due" and late.text(3) == "05/03/2026"
    assert late.foreground(0).color() == QColor(PROBLEM)
    assert tasks.count.text() == "2 open, 1 late"
    tasks.tree.setCurrentItem(late)
    with qtbot.waitSignal(tasks.open_record) as opened:
        _click(qtbot, tasks.open_button)
    assert opened.args == [record_id]
