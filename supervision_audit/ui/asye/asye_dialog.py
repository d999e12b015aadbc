"""The ASYE tracker (Appendix 9) in a form editor, and its export to PDF.

Saving checks the whole tracker (``services.asye.save_tracker``): a review dated before the
ASYE start, an outcome without its QA panel date or a CRL without its date is shown beside
its field and nothing is saved. The tracker is read-only to someone who may not write in the
file, and once supervisor and supervisee have both signed it (final).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.dates import format_date
from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError, ValidationError
from supervision_audit.forms import ASYE_TRACKER
from supervision_audit.services.access import Action, Actor, permitted
from supervision_audit.services.asye import get_tracker, save_tracker, tracker_row
from supervision_audit.services.asye_export import export_asye_pdf, tracker_signatures
from supervision_audit.services.staff import get_staff
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.style import note_label
from supervision_audit.ui.common.window_state import last_folder
from supervision_audit.ui.file.export_pdf import write_pdf
from supervision_audit.ui.widgets.form_editor import FormEditor, return_stays_in_the_form

SIGNATURE_KEYS = ("supervisee_signature", "supervisor_signature")
WIDE_LABEL = 200  # px: second-column labels longer than this wrap


def _invalidate(layout: QLayout | None) -> None:
    """Forget the cached sizes of ``layout`` and the layouts inside it."""
    if layout is None:
        return
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item is not None and item.layout() is not None:
            _invalidate(item.layout())
    layout.invalidate()


class TrackerDialog(QDialog):
    """One person's ASYE tracker. ``saved`` is True once it was saved here."""

    def __init__(self, store: Store, actor: Actor, staff_uuid: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("asye_tracker_dialog")
        self.store, self.actor, self.staff_uuid = store, actor, staff_uuid
        self.saved = False
        with store.write() as session:  # opening the tracker is logged
            values = get_tracker(session, actor, staff_uuid)
            person = get_staff(session, staff_uuid)
            tracker = tracker_row(session, staff_uuid)
            values.update(tracker_signatures(session, tracker))
            self.final = tracker is not None and tracker.locked_at is not None
            may_write = permitted(session, actor, Action.WRITE_RECORDS, staff_uuid)
        self.read_only = self.final or not may_write
        self.setWindowTitle(f"ASYE tracker – {person.name}")
        start = format_date(person.asye_start)
        intro = (f"{person.name}'s Assessed and Supported Year in Employment began on {start}. "
                 "Record each question as it is met, with its date; the reviews fall due 3, 6 "
                 "and 9 months from the start.")
        if self.final:
            intro += " Supervisor and supervisee have both signed the tracker: it is final."
        elif not may_write:
            intro += (f" Only {person.name}'s supervisor may change the tracker, so it is shown "
                      "read-only.")
        else:
            intro += (" The signature lines show the signatures given; they are not typed "
                      "here.")

        self.editor = FormEditor(ASYE_TRACKER, self)
        self.editor.set_values(values)
        self.editor.set_read_only(self.read_only)
        for key in SIGNATURE_KEYS:  # filled from the signatures given, never typed here
            binding = self.editor.binding_for(key)
            binding.set_readonly(True)
            binding.name.setPlaceholderText("Not signed yet")  # type: ignore[attr-defined]
        self._fit_long_labels()
        self._clean = self.editor.values()

        self.buttons = QDialogButtonBox()
        if self.read_only:
            self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
            self.save_button = None
        else:
            self.save_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Save)
            self.save_button.setText("Save tracker")
            self.save_button.setObjectName("save")
            self.save_button.setDefault(True)
            self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        return_stays_in_the_form(self.buttons)

        self.intro = note_label(intro)
        self.intro.setObjectName("intro")
        self.intro.setContentsMargins(16, 0, 16, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 12)
        layout.addWidget(self.intro)
        layout.addWidget(self.editor, 1)
        self.buttons.setContentsMargins(16, 0, 16, 0)
        layout.addWidget(self.buttons)
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        need = self.editor.scroll.widget().minimumSizeHint().width() + 24
        self.resize(min(max(960, need), int(area.width() * 0.92)),
                    min(880, int(area.height() * 0.92)))

    def _fit_long_labels(self) -> None:
        """Wrap the long labels of the second column (the merit increment form's), which
        would otherwise make the form wider than the dialog."""
        for label in self.editor.findChildren(QLabel):
            if label.objectName().endswith("_label") and not label.property("first_column") \
                    and label.sizeHint().width() > WIDE_LABEL:
                label.setWordWrap(True)
                label.setFixedWidth(WIDE_LABEL - 40)
                label.setMinimumHeight(label.heightForWidth(WIDE_LABEL - 40))
        for box in self.editor.findChildren(QGroupBox):
            _invalidate(box.layout())
            box.updateGeometry()
        _invalidate(self.editor.scroll.widget().layout())

    def has_changes(self) -> bool:
        return self.editor.values() != self._clean

    def save(self) -> bool:
        """Save in one transaction; on problems show them beside the fields and stay open."""
        if self.save_button is None:
            self.accept()
            return True
        try:
            with self.store.write() as session:
                save_tracker(session, self.actor, self.staff_uuid, self.editor.values())
        except ValidationError as exc:
            self.editor.show_problems(exc.problems)
            return False
        except SupervisionAuditError as exc:
            messages.show_error(self, "Tracker not saved", str(exc))
            return False
        self.saved = True
        self._clean = self.editor.values()
        self.accept()
        return True

    def reject(self) -> None:
        """Cancel or Esc: ask first when there are unsaved changes."""
        if not self.read_only and self.has_changes() and \
                not messages.ask_discard(self, "ASYE tracker"):
            return
        super().reject()


# -- export ---------------------------------------------------------------------------------
# TODO(services): this belongs in services/asye.py as ``export_asye_pdf`` (like
# services.contract_export.export_contract_pdf); kept private here until it exists there.
def choose_tracker_pdf_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """Ask where to save the tracker PDF (tests replace this)."""
    name, _filter = QFileDialog.getSaveFileName(parent, "Export ASYE tracker as PDF",
                                                str(suggested), "PDF documents (*.pdf)")
    return Path(name) if name else None


def tracker_file_name(person_name: str) -> str:
    safe = re.sub(r'[\\/:*?"<>|]+', " ", person_name).strip()
    return f"ASYE tracker - {safe}.pdf"


def export_tracker(parent: QWidget | None, store: Store, actor: Actor, staff_uuid: uuid.UUID,
                   person_name: str) -> Path | None:
    """Ask where, then export the tracker; the written path, or None when cancelled or
    failed (the reason shown)."""
    out = choose_tracker_pdf_path(parent, Path(last_folder("export")) /
                                  tracker_file_name(person_name))
    return write_pdf(parent, store, "Export tracker PDF", out,
                     lambda session, path: export_asye_pdf(session, actor, staff_uuid, path))
