"""Section 10 of the file (the probationary assessment) for a newly qualified social worker:
where they stand in their ASYE year (R7 milestones, R1 cadence, reflection evidenced), with
the ASYE tracker (Appendix 9) to open and export.

For anyone not in their ASYE the panel hides itself and the section keeps its usual content.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from supervision_audit.dates import add_months, format_date
from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.forms import parse_iso_date
from supervision_audit.forms.asye import OUTCOMES
from supervision_audit.services.access import Action, Actor, permitted, require
from supervision_audit.services.asye import (
    Gap,
    MilestoneState,
    cadence_gaps,
    completed_sessions,
    milestones,
    reflection_counts,
    tracker_row,
    tracker_values,
)
from supervision_audit.services.staff import get_staff
from supervision_audit.ui.asye.asye_charts import CadenceTimeline, ReflectionChart
from supervision_audit.ui.asye.asye_dialog import TrackerDialog, export_tracker
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.style import (
    BAD_FG,
    NOTE,
    OK_FG,
    WARNING_FG,
    chip_style,
    heading_label,
    note_label,
)
from supervision_audit.ui.file.file_data import SupervisionFile
from supervision_audit.ui.file.section_panels import register
from supervision_audit.ui.printing.print_actions import print_action, print_tracker
from supervision_audit.ui.widgets.flow_layout import button_row

CHIP_KIND = {"done": "ok", "due": "warning", "overdue": "bad", "not yet due": "neutral"}
MILESTONE_HEADERS = ("Milestone", "Due", "Done on", "State")
OUTCOME_CHIPS = {"pass": ("Passed", "ok"), "fail": ("Failed", "bad"),
                 "defer": ("Deferred", "warning")}


@dataclass(frozen=True)
class AsyeYear:
    """What the panel shows of one ASYE worker's year, judged on ``on``."""

    start: date
    on: date
    milestones: list[MilestoneState]
    sessions: list[date]
    gaps: list[Gap]
    counts: dict[str, Counter[str]]
    saved: bool  # a tracker has been saved
    final: bool  # … and signed by both
    outcome: str
    qa_panel_date: str

    @property
    def year_end(self) -> date:
        return add_months(self.start, 12)

    @property
    def weeks_in(self) -> int:
        return max(0, (self.on - self.start).days // 7)

    def next_milestone(self) -> MilestoneState | None:
        """The earliest dated milestone not yet done (overdue ones first, by due date)."""
        open_ = [m for m in self.milestones if m.due is not None and m.state != "done"]
        return min(open_, key=lambda m: m.due or date.max, default=None)


def load_year(session: Session, actor: Actor, staff_uuid: uuid.UUID, on: date) -> AsyeYear:
    """The year of an ASYE worker (PermissionDenied for someone who may not read the file)."""
    require(session, actor, Action.READ_FILE, staff_uuid, on)
    person = get_staff(session, staff_uuid)
    assert person.asye_start is not None
    values = tracker_values(session, person)
    tracker = tracker_row(session, staff_uuid)
    held = completed_sessions(session, staff_uuid)
    return AsyeYear(
        start=person.asye_start, on=on, milestones=milestones(person, values, on),
        sessions=held, gaps=cadence_gaps(person, held, on),
        counts=reflection_counts(session, person, values, on),
        saved=tracker is not None, final=tracker is not None and tracker.locked_at is not None,
        outcome=str(values.get("outcome") or ""),
        qa_panel_date=str(values.get("qa_panel_date") or ""))


def _in_words(days: int) -> str:
    if days >= 14:
        return f"{days // 7} weeks"
    return f"{days} day{'s' if days != 1 else ''}"


def next_text(year: AsyeYear) -> tuple[str, str]:
    """The next milestone in words, and its chip kind."""
    m = year.next_milestone()
    if m is None or m.due is None:
        return "All the reviews are done.", "ok"
    name = m.name[0].upper() + m.name[1:]
    due = format_date(m.due)
    if m.state == "overdue":
        return f"{name}, due {due}: overdue by {_in_words((year.on - m.due).days)}", "bad"
    if m.due == year.on:
        return f"{name}, due today ({due})", "warning"
    return f"{name}, due {due} (in {_in_words((m.due - year.on).days)})", \
        "warning" if m.state == "due" else "neutral"


@register(10)
class AsyePanel(QWidget):
    """The ASYE year of the person whose file is shown."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("asye_panel")
        self.store, self.actor = store, actor
        self.today: Callable[[], date] = date.today
        self.file: SupervisionFile | None = None
        self.year: AsyeYear | None = None
        self.dialog: QDialog | None = None
        self.section = 10

        self.state = QLabel()
        self.state.setObjectName("asye_state")
        self.open_button = QPushButton("Open tracker…")
        self.open_button.setObjectName("open_asye_tracker")
        self.open_button.setToolTip("The ASYE tracker (Appendix 9): questions, reviews, CRLs, "
                                    "outcome")
        self.open_button.clicked.connect(self.open_tracker)
        self.export_button = QPushButton("Export tracker PDF…")
        self.export_button.setObjectName("export_asye_tracker")
        self.export_button.setToolTip("The tracker laid out as Appendix 9, signed and sealed")
        self.export_button.clicked.connect(self.export_pdf)
        self.print_button = QPushButton("Print tracker…")
        self.print_button.setObjectName("print_asye_tracker")
        self.print_button.setToolTip("Print the tracker laid out as Appendix 9, with a preview "
                                     "(Ctrl+P)")
        self.print_button.clicked.connect(self.print_tracker)
        print_action(self, self.print_tracker, name="print_asye_action")
        self.sign_button = QPushButton("Sign tracker…")
        self.sign_button.setObjectName("sign_asye_tracker")
        self.sign_button.clicked.connect(self.sign_tracker)
        top = button_row(heading_label("ASYE year", 1.15), self.state,
                         right=(self.open_button, self.print_button, self.export_button,
                                self.sign_button))

        self.facts: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        facts = QGridLayout()
        facts.setHorizontalSpacing(12)
        facts.setVerticalSpacing(4)
        for key, caption, row, col, span in (
                ("start", "ASYE start", 0, 0, 1), ("weeks", "Weeks in", 0, 2, 1),
                ("next", "Next milestone", 1, 0, 3), ("outcome", "Outcome", 2, 0, 3)):
            label = QLabel(caption)
            label.setStyleSheet(f"color: {NOTE};")
            value = QLabel()
            value.setObjectName(f"asye_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            facts.addWidget(label, row, col)
            facts.addWidget(value, row, col + 1, 1, span)
            self.facts[key], self.captions[key] = value, label
        facts.setColumnStretch(3, 1)

        self.milestone_box = QGroupBox("Milestones")
        self.milestone_grid = QGridLayout(self.milestone_box)
        self.milestone_grid.setHorizontalSpacing(20)
        self.milestone_grid.setVerticalSpacing(3)
        self._milestone_cells: list[list[QLabel]] = []
        self._milestone_rows: list[tuple[str, str, str, str]] = []
        self.cadence = CadenceTimeline()
        self.cadence_note = note_label()
        self.cadence_note.setObjectName("asye_cadence_note")
        cadence_box = self._box("Supervision cadence", self.cadence_note, self.cadence)
        self.reflection = ReflectionChart()
        self.no_evidence = QLabel()
        self.no_evidence.setObjectName("asye_no_evidence")
        self.no_evidence.setWordWrap(True)
        reflection_box = self._box(
            "Reflection over the year",
            note_label("How often each statement was tagged in the year's supervision records "
                       "and critical reflective logs."), self.reflection, self.no_evidence)
        self.problem = note_label()
        self.problem.setObjectName("asye_problem")
        self.problem.hide()
        self.notice = QLabel()
        self.notice.setObjectName("asye_notice")
        self.notice.setStyleSheet(f"color: {OK_FG};")
        self.notice.setWordWrap(True)
        self.notice.hide()

        self.body = QWidget()  # all but the heading, hidden when the year cannot be shown
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(10)
        body.addLayout(facts)
        for box in (self.milestone_box, cadence_box, reflection_box):
            body.addWidget(box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.notice)
        layout.addWidget(self.body)

    @staticmethod
    def _box(title: str, *widgets: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        column = QVBoxLayout(box)
        column.setSpacing(6)
        for widget in widgets:
            column.addWidget(widget)
        return box

    # -- showing ----------------------------------------------------------------------
    def show_for(self, file: SupervisionFile) -> None:
        if self.file is None or self.file.id != file.id:
            self.notice.hide()
        self.file = file
        in_asye = file.role == "asye" and file.asye_start is not None
        self.setVisible(in_asye)
        if in_asye:
            self.refresh()

    def refresh(self) -> None:
        if self.file is None:
            return
        try:
            with self.store.read() as session:
                self.year = load_year(session, self.actor, self.file.id, self.today())
                may_write = permitted(session, self.actor, Action.WRITE_RECORDS, self.file.id)
        except SupervisionAuditError as exc:
            self.year = None
            self.problem.setText(str(exc))
        self.problem.setVisible(self.year is None)
        self.body.setVisible(self.year is not None)
        for button in (self.open_button, self.print_button, self.export_button):
            button.setEnabled(self.year is not None)
        self.sign_button.setEnabled(self.year is not None and self.year.saved
                                    and not self.year.final)
        if self.year is None:
            return
        year = self.year
        self.open_button.setText("Open tracker…" if may_write and not year.final
                                 else "View tracker…")
        self._show_facts(year)
        self._show_milestones(year.milestones)
        self.cadence.set_year(year.start, year.on, year.sessions, year.gaps, year.milestones)
        self.cadence_note.setText(self.cadence.summary())
        self.reflection.set_counts(year.counts)
        missing = self.reflection.missing()
        self.no_evidence.setText(self.reflection.no_evidence_text())
        self.no_evidence.setStyleSheet(f"color: {BAD_FG if missing else OK_FG};")

    def _show_facts(self, year: AsyeYear) -> None:
        self.facts["start"].setText(format_date(year.start))
        if year.on >= year.year_end:
            weeks = f"{year.weeks_in} (the year ended {format_date(year.year_end)})"
        else:
            weeks = f"{year.weeks_in} (week {year.weeks_in + 1} of 52)"
        self.facts["weeks"].setText(weeks)
        text, kind = next_text(year)
        colour = {"bad": BAD_FG, "ok": OK_FG, "warning": WARNING_FG}.get(kind, "")
        self.facts["next"].setText(text)
        self.facts["next"].setStyleSheet(f"color: {colour}; font-weight: bold;" if colour
                                         else "font-weight: bold;")
        labels = dict(OUTCOMES)
        outcome = labels.get(year.outcome, year.outcome)
        if outcome and year.qa_panel_date:
            outcome += f" (QA panel {format_date(parse_iso_date(year.qa_panel_date))})"
        self.facts["outcome"].setText(outcome)
        self.facts["outcome"].setVisible(bool(outcome))
        self.captions["outcome"].setVisible(bool(outcome))
        overdue = [m for m in year.milestones if m.state == "overdue"]
        if year.outcome in OUTCOME_CHIPS:
            chip, kind = OUTCOME_CHIPS[year.outcome]
        elif year.final:
            chip, kind = "Tracker signed", "ok"
        elif overdue:
            chip, kind = f"{len(overdue)} overdue", "bad"
        elif not year.saved:
            chip, kind = "No tracker yet", "warning"
        else:
            chip, kind = "On track", "ok"
        self.state.setText(chip)
        self.state.setStyleSheet(chip_style(kind))

    def _show_milestones(self, states: list[MilestoneState]) -> None:
        grid = self.milestone_grid
        if not self._milestone_cells:
            for col, caption in enumerate(MILESTONE_HEADERS):
                header = QLabel(caption)
                header.setStyleSheet(f"color: {NOTE}; font-weight: bold;")
                grid.addWidget(header, 0, col)
            rule = QFrame()
            rule.setFrameShape(QFrame.Shape.HLine)
            rule.setStyleSheet("color: #dfe3e6;")
            grid.addWidget(rule, 1, 0, 1, len(MILESTONE_HEADERS))
            grid.setColumnStretch(len(MILESTONE_HEADERS), 1)
        while len(self._milestone_cells) < len(states):
            row = len(self._milestone_cells) + 2
            cells = [QLabel() for _ in MILESTONE_HEADERS]
            cells[3].setObjectName(f"milestone_state_{row - 2}")
            for col, cell in enumerate(cells):
                grid.addWidget(cell, row, col, Qt.AlignmentFlag.AlignLeft)
            self._milestone_cells.append(cells)
        self._milestone_rows = []
        for index, cells in enumerate(self._milestone_cells):
            shown = index < len(states)
            for cell in cells:
                cell.setVisible(shown)
            if not shown:
                continue
            m = states[index]
            texts = (m.name[0].upper() + m.name[1:], format_date(m.due) or "—",
                     format_date(m.done_on) or "—")
            for cell, text in zip(cells, texts, strict=False):
                cell.setText(text)
                cell.setStyleSheet(f"color: {NOTE};" if text == "—" else "")
            cells[3].setText(m.state.capitalize())
            cells[3].setStyleSheet(chip_style(CHIP_KIND.get(m.state, "neutral")).replace(
                "padding: 2px 10px", "padding: 1px 8px"))
            self._milestone_rows.append((m.name, format_date(m.due), format_date(m.done_on),
                                         m.state))

    def milestone_rows(self) -> list[tuple[str, str, str, str]]:
        """The milestone list as shown: (name, due, done on, state), dates dd/mm/yyyy or ""."""
        return list(self._milestone_rows)

    # -- actions ----------------------------------------------------------------------
    def open_tracker(self) -> None:
        if self.file is None:
            return
        try:
            dialog = TrackerDialog(self.store, self.actor, self.file.id, self)
        except SupervisionAuditError as exc:
            messages.show_error(self, "ASYE tracker", str(exc))
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.refresh)
        self.dialog = dialog
        dialog.open()

    def sign_tracker(self) -> None:
        """Sign the tracker (supervisor first, then the supervisee), as other records."""
        from supervision_audit.ui.records.sign_dialog import SignDialog

        if self.file is None:
            return
        with self.store.read() as session:
            tracker = tracker_row(session, self.file.id)
        if tracker is None:
            return
        try:
            self.sign_dialog = SignDialog(self.store, self.actor, "asye", tracker.id, self)
        except SupervisionAuditError as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            return
        self.sign_dialog.finished.connect(lambda _result: self.refresh())
        self.sign_dialog.open()

    def print_tracker(self) -> bool:
        """Print preview of the tracker (the pages of its PDF); True when printed."""
        if self.file is None:
            return False
        return print_tracker(self, self.store, self.actor, self.file.id)

    def export_pdf(self) -> None:
        if self.file is None:
            return
        written = export_tracker(self, self.store, self.actor, self.file.id, self.file.name)
        self.notice.setText(f"Tracker exported to {written}." if written else "")
        self.notice.setVisible(written is not None)
