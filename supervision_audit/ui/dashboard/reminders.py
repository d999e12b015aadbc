"""Reminders: when the app opens, a short panel of what became due since the user last
opened it (no network, no e-mail), which the user dismisses.

What was seen is remembered as a set of item keys per user in the store
(services/reminders_seen: the keys name people and records, so they stay encrypted),
written when the panel is dismissed. The first opening lists everything urgent.
:meth:`ReminderPanel.update_from` does the comparison without the store. An earlier version
kept the keys in the Qt settings file (``[reminders]``): they are taken into the store and
removed from the file.
"""

from __future__ import annotations

import html
import json
import re
import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import Actor
from supervision_audit.services.dashboard import Dashboard, Item
from supervision_audit.services.reminders_seen import load_seen, save_seen
from supervision_audit.ui.common.style import BAD_FG, WARNING_BG, WARNING_FG
from supervision_audit.ui.common.window_state import app_settings

MAX_LINES = 6
INK = "#3b2a12"  # the reminders' text on their pale orange
LINK = "#0b4f8a"  # a reminder's name, which opens it
_DAYS = re.compile(r"^\d+ days? overdue ")


def item_key(section: str, item: Item) -> str:
    """A key that stays the same while an item stays the same thing to do.

    The count of days overdue grows every day, so it is left out; becoming urgent (a copy
    now late, an escalation past its report date) makes a new key, so it is reminded again.
    """
    detail = _DAYS.sub("", item.detail)
    return "|".join((section, item.title, detail, str(item.staff_uuid or ""),
                     str(item.record_id or ""), "urgent" if item.urgent else ""))


def board_items(board: Dashboard) -> list[tuple[str, Item, str]]:
    """Every item of the board as (section title, item, key)."""
    return [(title, item, item_key(title, item)) for title, items in board.sections()
            for item in items]


LEGACY_GROUP = "reminders"  # where an earlier version kept every user's keys, in clear


def take_legacy_seen(username: str) -> set[str] | None:
    """``username``'s keys as an earlier version kept them in the Qt settings file; the
    whole group is removed from the file (it named people and records in plain text)."""
    settings = app_settings()
    value = settings.value(f"{LEGACY_GROUP}/" + re.sub(r"[\\/]", "_", username or "unknown"))
    if LEGACY_GROUP in settings.childGroups():
        settings.remove(LEGACY_GROUP)
        settings.sync()
    if not isinstance(value, str) or not value:
        return None
    try:
        keys = json.loads(value)
    except ValueError:
        return None
    return {str(k) for k in keys} if isinstance(keys, list) else None


class ReminderPanel(QFrame):
    """A dismissible panel listing what is new since the last opening.

    Signals: ``open_person(uuid)`` and ``open_record(uuid)`` when a name in the list is
    clicked; ``dismissed()`` after "Dismiss" (which records the current set).
    """

    open_person = Signal(uuid.UUID)
    open_record = Signal(uuid.UUID)
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None, max_lines: int = MAX_LINES) -> None:
        super().__init__(parent)
        self.setObjectName("reminder_panel")
        self.max_lines = max_lines
        self.store: Store | None = None
        self.actor: Actor | None = None
        self.current_keys: set[str] = set()
        self._listed: list[tuple[str, Item]] = []
        self.setStyleSheet(
            f"QFrame#reminder_panel {{ background: {WARNING_BG}; border: 1px solid #f0c68c;"
            " border-radius: 8px; }"
            f" QLabel {{ color: {INK}; background: transparent; }}"
            f" QLabel#reminder_title {{ color: {WARNING_FG}; font-weight: bold; }}")
        self.title = QLabel()
        self.title.setObjectName("reminder_title")
        self.lines = QLabel()
        self.lines.setObjectName("reminder_lines")
        self.lines.setTextFormat(Qt.TextFormat.RichText)
        self.lines.setWordWrap(True)
        self.lines.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse |
                                           Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.lines.linkActivated.connect(self._open_link)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setObjectName("reminder_dismiss")
        self.dismiss_button.setToolTip("Hide these reminders until something else becomes due")
        self.dismiss_button.clicked.connect(self.dismiss)
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self.title)
        text.addWidget(self.lines)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 10, 14, 10)
        row.addLayout(text, 1)
        row.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def listed(self) -> list[tuple[str, Item]]:
        """What the panel lists now: (section title, item), most urgent first."""
        return list(self._listed)

    def update_from(self, board: Dashboard, previous_keys: set[str] | None) -> set[str]:
        """List the board's items whose keys are not in ``previous_keys`` (None: the first
        opening, when everything urgent is listed). Returns the keys listed; the panel
        shows itself when there is anything to list."""
        everything = board_items(board)
        self.current_keys = {key for _, _, key in everything}
        if previous_keys is None:
            fresh = [(s, i, k) for s, i, k in everything if i.urgent]
        else:
            fresh = [(s, i, k) for s, i, k in everything if k not in previous_keys]
        fresh.sort(key=lambda entry: not entry[1].urgent)  # stable: sections keep their order
        self._listed = [(section, item) for section, item, _ in fresh]
        self._render(first=previous_keys is None)
        self.setVisible(bool(fresh))
        return {key for _, _, key in fresh}

    def show_for(self, board: Dashboard, store: Store, actor: Actor) -> set[str]:
        """Compare ``board`` with what ``actor`` saw last (kept in the store) and show the
        panel if anything is new. Nothing new: the current set is recorded straight away."""
        self.store, self.actor = store, actor
        legacy = take_legacy_seen(actor.username)
        with store.read() as session:
            seen = load_seen(session, actor)
        listed = self.update_from(board, seen if seen is not None else legacy)
        if not listed or (seen is None and legacy is not None):
            self._record(self.current_keys if not listed else legacy or set())
        return listed

    def dismiss(self) -> None:
        """Hide the panel and record the current set as seen."""
        self.hide()
        self._record(self.current_keys)
        self.dismissed.emit()

    def _record(self, keys: set[str]) -> None:
        if self.store is None or self.actor is None:
            return
        actor, chosen = self.actor, set(keys)
        try:  # after a large store's check; never on a damaged one
            self.store.write_after_check(lambda session: save_seen(session, actor, chosen))
        except SupervisionAuditError:
            pass  # not remembered: the same reminders show again next time

    # -- drawing ----------------------------------------------------------------------
    def _render(self, first: bool) -> None:
        count = len(self._listed)
        if first:
            heading = f"{count} urgent {'thing needs' if count == 1 else 'things need'} " \
                      "your attention"
        else:
            heading = f"Since you last opened Supervision Audit: {count} new " \
                      f"{'item' if count == 1 else 'items'}"
        self.title.setText(heading)
        rows = []
        for section, item in self._listed[:self.max_lines]:
            target = (f"record:{item.record_id}" if item.record_id else
                      f"person:{item.staff_uuid}" if item.staff_uuid else "")
            name = html.escape(item.title)
            if target:
                name = f'<a href="{target}" style="color:{LINK};">{name}</a>'
            dot = f'<span style="color:{BAD_FG};">●</span> ' if item.urgent else "○ "
            rows.append(f"{dot}<b>{html.escape(section)}</b>: {name}, "
                        f"{html.escape(item.detail)}")
        if count > self.max_lines:
            rows.append(f"… and {count - self.max_lines} more in the lists below.")
        self.lines.setText("<br>".join(rows))

    def _open_link(self, link: str) -> None:
        kind, _, value = link.partition(":")
        try:
            target = uuid.UUID(value)
        except ValueError:
            return
        (self.open_record if kind == "record" else self.open_person).emit(target)
