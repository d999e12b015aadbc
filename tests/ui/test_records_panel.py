"""Section 2 of the file as a supervisor uses it: new records written through the dialog,
earlier actions reviewed, drafts that save themselves, group records, PDFs, actions done."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlmodel import select

from supervision_audit.models import ActionItem, EventLog, SupervisionRecord
from supervision_audit.services.access import SYSTEM_ACTOR, Actor, actor_for
from supervision_audit.services.accounts import Vault, add_account
from supervision_audit.services.records import (
    complete_record,
    get_record,
    open_actions,
    records_of,
    start_record,
)
from supervision_audit.services.sessions import plan_year
from supervision_audit.ui.file.file_data import load_file
from supervision_audit.ui.records import records_panel
from supervision_audit.ui.records.group_dialog import GroupRecordDialog
from supervision_audit.ui.records.record_action_dialog import ActionDoneDialog
from supervision_audit.ui.records.record_dialog import RecordDialog
from supervision_audit.ui.records.records_panel import RecordsPanel
from supervision_audit.ui.records.reopen_dialog import ReopenDialog

MIA_PASSWORD = "mia password 1"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its lowest cost: the tests check behaviour, not the hardness of the hash."""
    from supervision_audit.security.keyring import KdfParams
    from supervision_audit.security.passwords import Costs

    monkeypatch.setattr(Costs, "kdf", KdfParams(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def mia(store, people) -> Actor:
    """Mia Manager, who supervises Pat Worker (P1) and Łucja Żak (P2), signed in."""
    with store.write() as session:
        account = add_account(session, Vault(store.path, None), people["M1"], "mia",
                              MIA_PASSWORD)
        return actor_for(session, account)


@pytest.fixture
def show_panel(qtbot, store):
    def make(actor: Actor, staff_uuid: uuid.UUID) -> RecordsPanel:
        panel = RecordsPanel(store, actor)
        panel.autosave_ms = 60_000  # tests that want the timer shorten it
        qtbot.addWidget(panel)
        with store.read() as session:
            panel.show_for(load_file(session, actor, staff_uuid))
        panel.show()
        qtbot.waitExposed(panel)
        return panel
    return make


@pytest.fixture
def held_on(monkeypatch) -> date:
    """The date every new record is started for (the prompt answered)."""
    day = date(2026, 3, 2)
    monkeypatch.setattr(records_panel, "ask_new_record", lambda *_args: (None, day))
    return day


def _type(qtbot, widget, text: str) -> None:
    widget.clear()
    qtbot.keyClicks(widget, text)


def _times(qtbot, dialog: RecordDialog, start: str = "10:00", end: str = "11:30") -> None:
    _type(qtbot, dialog.editor.widget_for("start_time"), start)
    _type(qtbot, dialog.editor.widget_for("end_time"), end)


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _new_record(qtbot, panel: RecordsPanel) -> RecordDialog:
    _click(qtbot, panel.new_button)
    dialog = panel.dialog
    assert isinstance(dialog, RecordDialog)
    qtbot.waitExposed(dialog)
    return dialog


def _complete_by_service(store, actor, supervisee, held: date, action: str) -> uuid.UUID:
    with store.write() as session:
        record = start_record(session, actor, form_key="individual", held_on=held,
                              supervisee_uuid=supervisee)
        complete_record(session, actor, record.id, {
            **record.values, "start_time": "10:00", "end_time": "11:30",
            "actions": [{"action": action, "due": (held + timedelta(days=14)).isoformat(),
                         "owner": "Pat Worker"}]})
        return record.id


def test_a_new_record_written_in_the_dialog_is_stored_with_its_action(
        qtbot, store, people, mia, show_panel, held_on) -> None:
    panel = show_panel(mia, people["P1"])
    assert panel.empty.isVisible() and panel.new_button.isEnabled()
    assert not panel.sign_button.isEnabled()
    dialog = _new_record(qtbot, panel)
    editor = dialog.editor
    assert editor.values()["supervisee_name"] == "Pat Worker"
    assert editor.values()["supervisor_name"] == "Mia Manager"
    assert dialog.review is not None and dialog.review.actions == []
    _times(qtbot, dialog)
    _type(qtbot, editor.widget_for("welcome"), "Pat is well; agenda agreed.")
    actions = editor.binding_for("actions")
    qtbot.keyClicks(actions.cell(0, "action").widget, "Update the chronology")
    qtbot.keyClicks(actions.cell(0, "due").widget.line, "16/03/2026")
    qtbot.keyClicks(actions.cell(0, "owner").widget, "Pat Worker")
    _click(qtbot, dialog.complete_button)
    assert dialog.completed and dialog.result() == QDialog.DialogCode.Accepted
    with store.read() as session:
        (record,) = records_of(session, mia, people["P1"])
        assert record.status == "complete" and record.held_on == held_on
        assert record.values["welcome"] == "Pat is well; agenda agreed."
        (action,) = open_actions(session, people["P1"])
        assert (action.description, action.owner, action.due_date) == (
            "Update the chronology", "Pat Worker", date(2026, 3, 16))
    assert panel.row_texts() == [("02/03/2026", "Individual", "Awaiting signature", "",
                                  "Late: due 05/03/2026")]
    assert "completed" in panel.notice.text()
    assert panel.selected_id() == record.id and panel.sign_button.isEnabled()  # sign next


def test_earlier_actions_must_be_reviewed_and_carried_forward_stays_open(
        qtbot, store, people, mia, show_panel, monkeypatch) -> None:
    _complete_by_service(store, mia, people["P1"], date(2026, 2, 2), "Book court skills")
    monkeypatch.setattr(records_panel, "ask_new_record", lambda *_a: (None, date(2026, 3, 2)))
    panel = show_panel(mia, people["P1"])
    dialog = _new_record(qtbot, panel)
    review = dialog.review
    assert [a.description for a in review.actions] == ["Book court skills"]
    _times(qtbot, dialog)
    _click(qtbot, dialog.complete_button)
    assert not dialog.completed and dialog.isVisible()
    assert "Mark each earlier action done or carried forward" in \
        dialog.editor.problem_text("actions_reviewed")
    assert "1 of 1 still to mark" in review.remaining.text()
    with store.read() as session:
        assert [r.status for r in records_of(session, mia, people["P1"])] == [
            "draft", "complete"]

    _click(qtbot, review.button(0, "carried_forward"))
    _click(qtbot, dialog.complete_button)
    assert dialog.completed
    with store.read() as session:
        (still_open,) = open_actions(session, people["P1"])
        assert still_open.description == "Book court skills"
        latest = records_of(session, mia, people["P1"])[0]
        assert latest.values["actions_reviewed"][0]["outcome"] == "Carried forward"

    monkeypatch.setattr(records_panel, "ask_new_record", lambda *_a: (None, date(2026, 4, 6)))
    third = _new_record(qtbot, panel)
    assert [a.description for a in third.review.actions] == ["Book court skills"]
    _times(qtbot, third)
    _click(qtbot, third.review.button(0, "done"))
    _click(qtbot, third.complete_button)
    with store.read() as session:
        assert open_actions(session, people["P1"]) == []


def test_the_draft_saves_itself_after_a_pause(qtbot, store, people, mia, show_panel,
                                              held_on) -> None:
    panel = show_panel(mia, people["P1"])
    panel.autosave_ms = 50
    dialog = _new_record(qtbot, panel)
    qtbot.keyClicks(dialog.editor.widget_for("workload"), "Twelve cases")
    assert dialog.has_unsaved_changes()
    qtbot.wait(250)  # past the (shortened) pause after the last key
    with store.read() as session:
        (draft,) = records_of(session, mia, people["P1"])
        assert draft.status == "draft" and draft.values["workload"] == "Twelve cases"
    assert dialog.draft_note.text().startswith("Draft saved ")
    assert not dialog.has_unsaved_changes()


def test_closing_saves_the_draft_and_the_file_offers_it_again(
        qtbot, store, people, mia, show_panel, held_on) -> None:
    panel = show_panel(mia, people["P1"])
    dialog = _new_record(qtbot, panel)
    qtbot.keyClicks(dialog.editor.widget_for("welfare"), "Leave booked")
    dialog.close()  # long before the timer would fire
    with store.read() as session:
        (draft,) = records_of(session, mia, people["P1"])
        assert draft.values["welfare"] == "Leave booked"

    again = show_panel(mia, people["P1"])  # the file opened afresh
    assert again.drafts_frame.isVisible()
    assert "02/03/2026" in again.drafts_frame.findChild(type(again.notice), "draft_line").text()
    (button,) = again.draft_buttons
    assert button.text() == "Continue draft"
    _click(qtbot, button)
    reopened = again.dialog
    assert isinstance(reopened, RecordDialog) and reopened.editable
    assert reopened.editor.values()["welfare"] == "Leave booked"


def test_end_before_start_is_shown_beside_the_field_and_nothing_completes(
        qtbot, store, people, mia, show_panel, held_on) -> None:
    panel = show_panel(mia, people["P1"])
    dialog = _new_record(qtbot, panel)
    _times(qtbot, dialog, "11:00", "10:00")
    _click(qtbot, dialog.complete_button)
    assert dialog.editor.problem_text("end_time") == "The session ends before it starts"
    assert "Not completed" in dialog.draft_note.text()
    with store.read() as session:
        assert records_of(session, mia, people["P1"])[0].status == "draft"


def test_a_short_session_is_marked_as_it_is_typed(qtbot, people, mia, show_panel,
                                                  held_on) -> None:
    dialog = _new_record(qtbot, show_panel(mia, people["P1"]))
    _times(qtbot, dialog, "10:00", "11:00")
    assert dialog.short_chip.text() == "Short session: 60 minutes"
    _times(qtbot, dialog, "10:00", "11:30")
    assert dialog.short_chip.isHidden()


def _fill_group(qtbot, dialog: GroupRecordDialog) -> None:
    editor = dialog.editor
    _times(qtbot, dialog)
    for key, text in (("agreed_agenda", "Neglect cases"), ("worried", "Drift"),
                      ("working_well", "Direct work"), ("needs_to_happen", "Earlier review"),
                      ("learning_1", "One"), ("learning_2", "Two"), ("learning_3", "Three")):
        qtbot.keyClicks(editor.widget_for(key), text)


def test_a_group_record_with_two_attendees_is_on_both_files(
        qtbot, store, people, mia, show_panel, held_on) -> None:
    panel = show_panel(mia, people["P1"])
    _click(qtbot, panel.group_button)
    dialog = panel.dialog
    assert isinstance(dialog, GroupRecordDialog)
    attendees = dialog.editor.widget_for("attendees")
    offered = {attendees.item(i).text(): attendees.item(i) for i in range(attendees.count())}
    assert set(offered) == {"Pat Worker", "Łucja Żak"}  # Mia's supervisees
    assert offered["Pat Worker"].checkState() == Qt.CheckState.Checked  # the file's person
    offered["Pat Worker"].setCheckState(Qt.CheckState.Unchecked)
    _fill_group(qtbot, dialog)
    _click(qtbot, dialog.complete_button)
    assert dialog.editor.problem_text("attendees").startswith(
        "A group record needs at least one attendee")

    offered["Pat Worker"].setCheckState(Qt.CheckState.Checked)
    offered["Łucja Żak"].setCheckState(Qt.CheckState.Checked)
    _click(qtbot, dialog.complete_button)
    assert dialog.completed
    with store.read() as session:
        for staff_id in ("P1", "P2"):
            (record,) = records_of(session, mia, people[staff_id])
            assert record.form_key == "group"
            assert sorted(record.values["attendees"]) == ["Pat Worker", "Łucja Żak"]
    assert show_panel(mia, people["P2"]).row_texts() == [
        ("02/03/2026", "Group", "Awaiting signature", "", "—")]


def test_a_new_record_is_for_the_planned_session_waiting_to_be_written(
        qtbot, store, people, mia, show_panel, monkeypatch) -> None:
    today = date.today()
    with store.write() as session:
        plan_year(session, SYSTEM_ACTOR, people["P1"], today - timedelta(days=70),
                  today.weekday() if today.weekday() < 5 else 0, time(14, 0), venue="Room 4")
    asked = {}

    def answer(_parent, _title, _intro, planned):  # the most recent is offered first
        asked["planned"] = planned
        return planned[0].id, planned[0].planned_date

    monkeypatch.setattr(records_panel, "ask_new_record", answer)
    panel = show_panel(mia, people["P1"])
    dialog = _new_record(qtbot, panel)
    planned = asked["planned"]
    assert planned and all(p.planned_date <= today for p in planned)
    assert planned == sorted(planned, key=lambda p: p.planned_date, reverse=True)
    values = dialog.editor.values()
    assert values["venue"] == "Room 4" and values["start_time"] == "14:00"
    with store.read() as session:
        record = get_record(session, dialog.record_id)
        assert record.session_id == planned[0].id
        assert record.held_on == planned[0].planned_date


def test_a_record_is_exported_as_pdf(qtbot, store, people, mia, show_panel, monkeypatch,
                                     tmp_path) -> None:
    _complete_by_service(store, mia, people["P1"], date(2026, 2, 2), "Book court skills")
    chosen = tmp_path / "out" / "record"
    chosen.parent.mkdir()
    monkeypatch.setattr(records_panel, "choose_record_pdf_path",
                        lambda _parent, suggested: chosen)
    panel = show_panel(mia, people["P1"])
    assert not panel.export_button.isEnabled()
    panel.table.selectRow(0)
    assert panel.export_button.isEnabled()
    _click(qtbot, panel.export_button)
    written = Path(f"{chosen}.pdf")
    assert written.read_bytes().startswith(b"%PDF")
    assert str(written) in panel.notice.text()


def test_an_open_action_is_marked_done_from_the_file(qtbot, store, people, mia,
                                                     show_panel) -> None:
    record_id = _complete_by_service(store, mia, people["P1"], date(2026, 2, 2),
                                     "Book court skills")
    panel = show_panel(mia, people["P1"])
    assert panel.actions_note.text() == "1 open action"
    _click(qtbot, panel.action_button)
    dialog = panel.dialog
    assert isinstance(dialog, ActionDoneDialog)
    _type(qtbot, dialog.done_on.line, "01/01/2026")  # before the supervision
    dialog.save()
    assert "cannot be done before" in dialog.date_problem.text()
    _type(qtbot, dialog.done_on.line, "20/02/2026")
    assert dialog.save()
    with store.read() as session:
        (action,) = session.exec(select(ActionItem).where(ActionItem.record_id == record_id))
        assert action.status == "done" and action.done_on == date(2026, 2, 20)
    assert panel.actions_note.text() == "No open actions"
    assert not panel.action_button.isEnabled()


def test_a_supervisee_sees_completed_records_but_not_drafts_and_writes_nothing(
        qtbot, store, people, mia, show_panel, held_on) -> None:
    _complete_by_service(store, mia, people["P1"], date(2026, 2, 2), "Book court skills")
    with store.write() as session:
        start_record(session, mia, form_key="individual", held_on=date(2026, 3, 2),
                     supervisee_uuid=people["P1"])
        pat = actor_for(session, add_account(session, Vault(store.path, None), people["P1"],
                                             "pat", "pat password 1"))
    panel = show_panel(pat, people["P1"])
    assert [row[2] for row in panel.row_texts()] == ["Awaiting signature"]
    assert not panel.new_button.isEnabled() and not panel.group_button.isEnabled()
    assert not panel.drafts_frame.isVisible()
    with store.read() as session:
        assert len(session.exec(select(SupervisionRecord)).all()) == 2


def test_the_table_reads_signatures_for_all_rows_at_once_and_agrees_with_each_record(
        qtbot, store, people, mia, show_panel) -> None:
    """Every row's state (who is awaited, who may sign or witness) is what ``sign_state``
    says of that record alone; and reading the file costs the same few queries whether it
    holds four records or eight."""
    from sqlalchemy import event

    from supervision_audit.demo import acting_as
    from supervision_audit.services.signatures import sign
    from supervision_audit.ui.records.record_data import load_records, sign_state

    def add(n: int, start: date) -> list[uuid.UUID]:
        made = []
        with store.write() as session:
            for i in range(n):
                record = start_record(session, mia, form_key="individual",
                                      held_on=start + timedelta(days=7 * i),
                                      supervisee_uuid=people["P1"])
                complete_record(session, mia, record.id, {
                    **record.values, "start_time": "10:00", "end_time": "11:30"})
                made.append(record.id)
            sign(session, acting_as(session, people["M1"]), "record", made[0], password=None)
            for who in ("M1", "P1"):  # the last one is final
                sign(session, acting_as(session, people[who]), "record", made[-1],
                     password=None)
        return made

    def statements() -> int:
        seen: list[str] = []
        with store.read() as session:
            event.listen(session.connection(), "before_cursor_execute",
                         lambda *args: seen.append(args[2]))
            load_records(session, mia, people["P1"])
        return len(seen)

    add(4, date(2026, 1, 5))
    with store.write() as session:  # a group record Łucja and Pat attended, Mia has signed
        group = start_record(session, mia, form_key="group", held_on=date(2026, 2, 20))
        complete_record(session, mia, group.id, {
            **group.values, "start_time": "10:00", "end_time": "11:00",
            "agreed_agenda": "Neglect", "worried": "Drift", "working_well": "Direct work",
            "needs_to_happen": "Earlier review", "learning_1": "One", "learning_2": "Two",
            "learning_3": "Three"}, attendee_ids=[people["P1"], people["P2"]])
        sign(session, acting_as(session, people["M1"]), "record", group.id, password=None)
    few = statements()
    add(4, date(2025, 9, 1))
    assert statements() == few  # not one query (or two) per record

    panel = show_panel(mia, people["P1"])
    rows = panel.data.rows
    assert len(rows) == 9
    with store.read() as session:
        for row in rows:
            alone = sign_state(session, mia, "record", row.id)
            assert row.waiting_text == alone.waiting_text(), row
            assert row.may_sign == (alone.my_place is not None and row.status != "final")
            assert row.may_witness == (bool(alone.witness_for) and row.status != "final")
    texts = {(r.held_on, r.form_key): r for r in rows}
    assert texts[(date(2026, 2, 20), "group")].waiting_text == \
        "Pat Worker (attendee), Łucja Żak (attendee)"
    assert texts[(date(2026, 1, 5), "individual")].waiting_text == "Pat Worker (supervisee)"
    assert texts[(date(2026, 1, 26), "individual")].status == "final"
    assert texts[(date(2026, 1, 12), "individual")].waiting_text == \
        "Mia Manager (supervisor), Pat Worker (supervisee)"
    # Mia signed as supervisor; Pat has no account, so Mia may witness his signature
    assert texts[(date(2026, 1, 5), "individual")].may_witness
    assert texts[(date(2026, 1, 12), "individual")].may_sign


def test_a_complete_unsigned_record_is_reopened_as_a_draft_with_a_reason(
        qtbot, store, people, mia, show_panel) -> None:
    record_id = _complete_by_service(store, mia, people["P1"], date(2026, 2, 2),
                                     "Book court skills")
    panel = show_panel(mia, people["P1"])
    assert not panel.reopen_button.isEnabled()  # nothing chosen
    assert panel.select_record(record_id)
    assert panel.reopen_button.isEnabled()
    assert panel.reopen_button.text() == "Reopen as draft…"
    panel.reopen_button.click()
    dialog = panel.dialog
    assert isinstance(dialog, ReopenDialog)
    qtbot.waitExposed(dialog)
    dialog.reopen_button.click()  # no reason given: said beside the field, nothing changed
    assert dialog.isVisible()
    assert not dialog.reason_problem.isHidden()
    assert dialog.reason_problem.text() == "Give the reason for reopening the record."
    with store.read() as session:
        assert get_record(session, record_id).status == "complete"

    dialog.reason.setText("The finish time was wrong")
    dialog.reopen_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    with store.read() as session:
        assert get_record(session, record_id).status == "draft"
        (entry,) = session.exec(select(EventLog).where(EventLog.action == "record.reopen"))
        assert entry.detail == "The finish time was wrong"
    assert panel.row_texts() == [("02/02/2026", "Individual", "Draft", "", "—")]
    assert "reopened as a draft" in panel.notice.text()
    assert panel.drafts_frame.isVisible() and len(panel.draft_buttons) == 1
    assert panel.actions_note.text() == "No open actions"  # its action goes until completed
    assert panel.selected_id() == record_id
    assert not panel.reopen_button.isEnabled()
    assert "still a draft" in panel.reopen_button.toolTip()
    panel.draft_buttons[0].click()  # and it opens for editing again
    assert isinstance(panel.dialog, RecordDialog) and panel.dialog.editable


def test_reopen_is_refused_for_signed_records_and_people_who_do_not_write_them(
        qtbot, store, people, mia, show_panel) -> None:
    from supervision_audit.demo import acting_as
    from supervision_audit.services.signatures import sign

    with store.write() as session:
        made = []
        for held in (date(2026, 1, 5), date(2026, 2, 2), date(2026, 3, 2)):
            record = start_record(session, mia, form_key="individual", held_on=held,
                                  supervisee_uuid=people["P1"])
            complete_record(session, mia, record.id, {
                **record.values, "start_time": "10:00", "end_time": "11:30"})
            made.append(record.id)
        final_id, signed_id, unsigned_id = made
        sign(session, acting_as(session, people["M1"]), "record", signed_id, password=None)
        for who in ("M1", "P1"):
            sign(session, acting_as(session, people[who]), "record", final_id, password=None)
        pat = actor_for(session, add_account(session, Vault(store.path, None), people["P1"],
                                             "pat", "pat password 1"))
    panel = show_panel(mia, people["P1"])
    panel.select_record(signed_id)
    assert not panel.reopen_button.isEnabled()
    assert "Already signed" in panel.reopen_button.toolTip()
    panel.select_record(final_id)
    assert not panel.reopen_button.isEnabled()
    assert "addendum" in panel.reopen_button.toolTip()
    panel.select_record(unsigned_id)
    assert panel.reopen_button.isEnabled()

    theirs = show_panel(pat, people["P1"])  # the supervisee reads but does not write
    theirs.select_record(unsigned_id)
    assert not theirs.reopen_button.isEnabled()
    assert "Only the supervisor" in theirs.reopen_button.toolTip()
    theirs.reopen_button.click()
    assert theirs.dialog is None


def test_return_in_a_one_line_field_presses_no_button(qtbot, people, mia, show_panel,
                                                      monkeypatch, message_log, held_on) -> None:
    """Return ends typing in a field; it neither adds a table row nor completes or closes
    the record (the dialog's buttons are not default buttons)."""
    panel = show_panel(mia, people["P1"])
    dialog = _new_record(qtbot, panel)
    editor = dialog.editor
    rows_before = len(editor.values().get("actions") or [])
    cells_before = len(editor.binding_for("actions")._rows)
    opened: list[str] = []  # a dialog the Return would open (not shown: it would wait)
    monkeypatch.setattr(QDialog, "exec", lambda self, *_a: opened.append(type(self).__name__))
    venue = editor.widget_for("venue")
    venue.setFocus()
    qtbot.keyClicks(venue, "Room 2")
    qtbot.keyClick(venue, Qt.Key.Key_Return)
    assert dialog.isVisible() and not dialog.completed
    assert opened == [] and message_log.shown == []
    assert len(editor.binding_for("actions")._rows) == cells_before
    assert len(editor.values().get("actions") or []) == rows_before
    assert editor.values()["venue"] == "Room 2"


def test_a_control_character_pasted_into_an_answer_is_named_beside_it(
        qtbot, store, people, mia, show_panel, held_on) -> None:
    from PySide6.QtGui import QGuiApplication

    panel = show_panel(mia, people["P1"])
    dialog = _new_record(qtbot, panel)
    welfare = dialog.editor.widget_for("welfare")
    QGuiApplication.clipboard().setText("Leave\x07 booked")  # pasted from somewhere
    welfare.setFocus()
    qtbot.keyClick(welfare, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    _click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    assert dialog.editor.problem_text("welfare") == (
        "The text has a bell (U+0007) at character 6: remove it")
    assert "Draft not saved" in dialog.draft_note.text()
    with store.read() as session:
        assert "Leave" not in str(records_of(session, mia, people["P1"])[0].values)
