"""On screen: the manager record (Appendix 5) is tagged with the Knowledge and Skills
Statements for practice supervisors and practice leaders, and the audit (Appendix 7) shows
the policy's note on how often audits are done."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QListWidget

from supervision_audit.forms import AUDIT, MANAGER
from supervision_audit.forms.audit import FREQUENCY_NOTE
from supervision_audit.ui.widgets.form_editor import FormEditor


def _shown(qtbot, editor: FormEditor) -> FormEditor:
    qtbot.addWidget(editor)
    editor.resize(900, 700)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def test_a_manager_record_is_tagged_with_the_statements_for_managers(qtbot) -> None:
    editor = _shown(qtbot, FormEditor(MANAGER))
    tags = editor.widget_for("kss")
    assert isinstance(tags, QListWidget)
    labels = [tags.item(i).text() for i in range(tags.count())]
    assert labels[:2] == ["PS 1 Promote and govern excellent practice",
                          "PS 2 Developing excellent practitioners"]
    assert labels[7] == "PS 8 Performance management and improvement"
    assert labels[8:] == ["PL 1 Lead and govern excellent practice",
                          "PL 2 Creating a context for excellent practice",
                          "PL 3 Designing a system to support effective practice",
                          "PL 4 Developing excellent practitioners",
                          "PL 5 Support effective decision-making",
                          "PL 6 Quality assurance and improvement"]
    editor.scroll.ensureWidgetVisible(tags)
    for row in (2, 13):  # PS 3 and PL 6, ticked with the mouse
        tags.scrollToItem(tags.item(row))
        box = tags.visualItemRect(tags.item(row))
        qtbot.mouseClick(tags.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(box.left() + 10, box.center().y()))
    assert editor.values()["kss"] == ["PS3", "PL6"]


def test_the_audit_form_shows_how_often_audits_are_done(qtbot) -> None:
    editor = _shown(qtbot, FormEditor(AUDIT))
    note = editor.widget_for("frequency_note")
    assert isinstance(note, QLabel)
    assert FREQUENCY_NOTE.replace("'", "&#x27;") in note.text()
    editor.scroll.ensureWidgetVisible(note)
    assert note.isVisible()
