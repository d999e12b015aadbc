"""The dashboard: the window's first page. For the signed-in person's scope (the services
decide it): counts as large tiles, the list behind each count, and a chart of the share of
supervisees supervised in timescale over the last twelve months, one line per team (or per
service, when there are more teams than the chart can tell apart).

Each list shows its first ``LIST_LIMIT`` lines and an "and N more" line that shows the rest
when clicked (or on Enter). Activating a list item (double-click or Enter) asks the window
to open what it is about: ``open_person(staff uuid)`` or ``open_record(record id)``. Nothing
here computes a rule; the page shows ``services.dashboard``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import Actor, visible_staff
from supervision_audit.services.dashboard import Dashboard, Item, build, in_timescale_trends
from supervision_audit.ui.reminders import ReminderPanel
from supervision_audit.ui.style import (
    ACCENT,
    BAD_FG,
    NOTE,
    PROBLEM,
    heading_label,
    note_label,
)
from supervision_audit.ui.trend_chart import MAX_LINES, Series, TrendChart
from supervision_audit.ui.workers import Job, JobContext, in_session, run_in_background

# The tiles' short names for the services' section titles (an unknown section keeps its own).
TILE_NAMES = {
    "Overdue supervision": "Overdue sessions",
    "Escalations": "Escalations",
    "Records awaiting signature": "Records awaiting signature",
    "Copies due": "Copies due",
    "Contracts due for review": "Contracts due for review",
    "ASYE milestones overdue": "ASYE milestones overdue",
    "Teams without group supervision this month": "Teams without group supervision",
    "Audits due": "Audits due",
}
TILES_PER_ROW = 4
TARGET_ROLE = Qt.ItemDataRole.UserRole  # ("person" | "record", uuid) on an item's row
SECTION_ROLE = Qt.ItemDataRole.UserRole + 1  # the section title on its header row
MORE_ROLE = Qt.ItemDataRole.UserRole + 2  # the section title on its "and N more" row
LIST_LIMIT = 50  # lines of each list shown at first (a director's lists run to a thousand)

TILE_STYLE = """
QPushButton#count_tile {{ background: {bg}; border: 1px solid {border}; border-radius: 10px;
  text-align: left; }}
QPushButton#count_tile:hover {{ border: 2px solid {fg}; }}
QPushButton#count_tile:focus {{ border: 2px solid {fg}; }}
QLabel#tile_number {{ color: {fg}; background: transparent; }}
QLabel#tile_label {{ color: #37474f; background: transparent; }}
"""
TILE_COLOURS = {"ok": ("#f1f8f3", "#cfe5d6", "#1e6b3a"),
                "due": ("#fff7ec", "#f2d4a8", "#8a4b00"),
                "urgent": ("#fdf0ef", "#f1beb9", BAD_FG)}


class Cancelled(SupervisionAuditError):
    """The figures were no longer wanted (a newer refresh, or the window closing)."""


@dataclass(frozen=True)
class DashboardData:
    """Everything the page shows, worked out in one go (in a worker thread)."""

    board: Dashboard
    trend: Series  # per team, as services.dashboard.in_timescale_by_month gives it
    trends: dict[str, Series]  # the same by "team", by "service" and for "all"


def scope_of(session: Session, actor: Actor) -> set[uuid.UUID]:
    """The services' scope: everyone ``visible_staff`` gives, less the person themself (as
    ``dashboard.build`` uses)."""
    return visible_staff(session, actor) - {actor.staff_id}


def load_page(session: Session, actor: Actor, as_of: date | None = None,
              cancelled: Callable[[], bool] = lambda: False) -> DashboardData:
    """The board and the twelve-month series (by team, by service, for all) for ``actor``'s
    scope. Between its steps it stops (raising ``Cancelled``) once ``cancelled()`` is true."""
    def step() -> None:
        if cancelled():
            raise Cancelled("The figures were no longer wanted.")

    board = build(session, actor, as_of)
    step()
    people = scope_of(session, actor)
    trends = in_timescale_trends(session, people, board.as_of,
                                 groups=("team", "service", "all"))
    step()
    return DashboardData(board, trends["team"], trends)


def load_dashboard(session: Session, actor: Actor, as_of: date | None = None
                   ) -> tuple[Dashboard, Series]:
    """The board and the twelve-month series for ``actor``'s scope."""
    data = load_page(session, actor, as_of)
    return data.board, data.trend


def chart_lines(trend: Series, trends: dict[str, Series] | None
                ) -> tuple[Series, str, str]:
    """What the chart draws: (lines, what a line is, a note saying how they were grouped).

    A line per team while the chart can tell them apart (``MAX_LINES``); beyond that a line
    per service; and beyond that, one line for everyone. Each line is worked out from the
    people themselves (``in_timescale_trends``), never averaged from other lines."""
    trends = trends or {}
    services, everyone = trends.get("service"), trends.get("all")
    if len(trend) <= MAX_LINES or (not services and not everyone):
        return trend, "team", ""
    if services and len(services) <= MAX_LINES:
        return services, "service", f"{len(trend)} teams shown as {len(services)} services"
    if everyone:
        return everyone, "scope", f"{len(trend)} teams shown as one line"
    return trend, "team", ""


def _dot(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)


class CountTile(QPushButton):
    """A large count with its name under it; coloured by what it holds (none, some due,
    some urgent). Clicking it shows its list."""

    def __init__(self, section: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("count_tile")
        self.section = section
        self.count = 0
        self.state = "ok"
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumHeight(74)
        self.number = QLabel("0")
        self.number.setObjectName("tile_number")
        font = QFont(self.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 2.4)
        font.setBold(True)
        self.number.setFont(font)
        self.label = QLabel(TILE_NAMES.get(section, section))
        self.label.setObjectName("tile_label")
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 6, 12, 8)
        layout.setSpacing(0)
        layout.addWidget(self.number)
        layout.addWidget(self.label)
        layout.addStretch(1)
        for label in (self.number, self.label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.set_items([])

    def set_items(self, items: list[Item]) -> None:
        self.count = len(items)
        self.state = "urgent" if any(i.urgent for i in items) else "due" if items else "ok"
        self.number.setText(str(self.count))
        urgent = sum(i.urgent for i in items)
        tip = f"{TILE_NAMES.get(self.section, self.section)}: {self.count}"
        if urgent:
            tip += f" ({urgent} urgent)"
        self.setToolTip(tip + ". Click to see the list.")
        self.setAccessibleName(tip)
        bg, border, fg = TILE_COLOURS[self.state]
        self.setStyleSheet(TILE_STYLE.format(bg=bg, border=border, fg=fg))


class DashboardPage(QWidget):
    """Counts, lists and the twelve-month chart for ``actor``'s scope.

    ``refresh()`` brings it up to date (in the background unless ``background`` is False);
    ``refreshed`` is emitted when new figures are on show. The first figures also feed the
    reminders panel at the top (``show_reminders=False`` leaves it out, for a window that
    places a ``ReminderPanel`` elsewhere).
    """

    open_person = Signal(uuid.UUID)
    open_record = Signal(uuid.UUID)
    refreshed = Signal()

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None, *,
                 as_of: date | None = None, background: bool = True,
                 show_reminders: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard_page")
        self.store, self.actor, self.as_of = store, actor, as_of
        self.background = background
        self.board: Dashboard | None = None
        self.trend: Series = {}
        self._job: Job | None = None
        self._reminded = not show_reminders

        self.subtitle = note_label()
        self.subtitle.setObjectName("dashboard_subtitle")
        self.status = QLabel()
        self.status.setObjectName("dashboard_status")
        self.status.setStyleSheet(f"color: {NOTE};")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setObjectName("dashboard_refresh")
        self.refresh_button.setToolTip("Work the figures out again (F5)")
        self.refresh_button.setShortcut("F5")
        self.refresh_button.clicked.connect(self.refresh)
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(heading_label("Dashboard", 1.5))
        titles.addWidget(self.subtitle)
        header.addLayout(titles, 1)
        header.addWidget(self.status, 0, Qt.AlignmentFlag.AlignBottom)
        header.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignBottom)

        self.reminders = ReminderPanel(self)
        self.reminders.open_person.connect(self.open_person)
        self.reminders.open_record.connect(self.open_record)

        self.tiles: dict[str, CountTile] = {}
        self.tile_grid = QGridLayout()
        self.tile_grid.setSpacing(10)

        self.tree = QTreeWidget()
        self.tree.setObjectName("dashboard_lists")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Who or what", "Detail"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setColumnWidth(0, 210)
        self.tree.setStyleSheet("QTreeWidget#dashboard_lists { border: 1px solid #dde3e7;"
                                " border-radius: 8px; background: white; }"
                                " QTreeWidget#dashboard_lists::item { padding: 2px 0; }")
        self.tree.itemActivated.connect(lambda item, _column: self.activate_item(item))
        # "and N more" is a link: one click shows the rest (a double-click's second click
        # does not then open the line that took its place: Qt checks the pressed row)
        self.tree.itemClicked.connect(lambda item, _column: item.data(0, MORE_ROLE)
                                      and self.show_all(item.data(0, MORE_ROLE)))
        self._rest: dict[str, list[Item]] = {}  # the lines of each list not shown yet
        self._urgent_icon, self._plain_icon = _dot(BAD_FG), _dot("#b0bac1")
        self._urgent_brush = QBrush(QColor(BAD_FG))
        self._note_brush = QBrush(QColor(NOTE))
        self._more_brush = QBrush(QColor(ACCENT))
        self._bold = QFont(self.tree.font())
        self._bold.setBold(True)
        self._more_font = QFont(self.tree.font())
        self._more_font.setItalic(True)
        self.chart = TrendChart()
        chart_card = QFrame()
        chart_card.setObjectName("chart_card")
        chart_card.setStyleSheet("QFrame#chart_card { border: 1px solid #dde3e7;"
                                 " border-radius: 8px; background: white; }")
        card_layout = QVBoxLayout(chart_card)
        card_layout.setContentsMargins(4, 4, 4, 4)
        card_layout.addWidget(self.chart)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("dashboard_splitter")
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(chart_card)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([560, 440])  # scaled to the page: the lists a little wider

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addWidget(self.reminders)
        layout.addLayout(self.tile_grid)
        layout.addWidget(self.splitter, 1)
        self.refresh()

    # -- loading ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Work the figures out again for today (or the page's ``as_of``)."""
        if not self.background:
            with self.store.read() as session:
                data = load_page(session, self.actor, self.as_of)
            self.show_board(data.board, data.trend, data.trends)
            return
        if self._job is not None:
            self._job.cancel()
        actor, as_of = self.actor, self.as_of

        def work(session: Session, context: JobContext) -> DashboardData:
            return load_page(session, actor, as_of, context.cancelled)

        # read-only: closing the window need not wait for it (see workers.stop_all)
        job = run_in_background(in_session(self.store, work, write=False),
                                read_only=True)
        self._job = job
        self.status.setStyleSheet(f"color: {NOTE};")
        self.status.setText("Bringing the figures up to date…")
        # bound methods: Qt drops the connections if the page goes before the job ends
        job.finished.connect(self._loaded)
        job.failed.connect(self._load_failed)

    def _current(self) -> bool:
        """Whether the job reporting is the latest refresh (an older one is ignored)."""
        if self.sender() is not self._job:
            return False
        self._job = None
        return True

    def _loaded(self, result: DashboardData) -> None:
        if self._current():
            self.status.setText("")
            self.show_board(result.board, result.trend, result.trends)

    def _load_failed(self, message: str) -> None:
        if self._current():
            self.status.setStyleSheet(f"color: {PROBLEM};")
            self.status.setText("The figures could not be brought up to date.")
            self.status.setToolTip(message)

    @property
    def loading(self) -> bool:
        return self._job is not None

    # -- showing ----------------------------------------------------------------------
    def show_board(self, board: Dashboard, trend: Series,
                   trends: dict[str, Series] | None = None) -> None:
        """Show ``board`` in the tiles and lists and ``trend`` in the chart (by service when
        ``trends`` holds the lines by service and for everyone, for many teams)."""
        self.board, self.trend = board, trend
        people = f"{board.people} {'supervisee' if board.people == 1 else 'supervisees'}"
        self.subtitle.setText(f"{self.actor.name}  ·  {people} in your scope  ·  as at "
                              f"{board.as_of:%A %d %B %Y}")
        self._show_tiles(board)
        self._show_lists(board)
        lines, group, note = chart_lines(trend, trends)
        self.chart.set_series(lines, group=group, note=note)
        if not self._reminded:
            self._reminded = True
            self.reminders.show_for(board, self.actor.username)
        self.refreshed.emit()

    def _show_tiles(self, board: Dashboard) -> None:
        sections = board.sections()
        if [t for t, _ in sections] != list(self.tiles):
            for tile in self.tiles.values():
                self.tile_grid.removeWidget(tile)
                tile.deleteLater()
            self.tiles = {}
            for n, (title, _items) in enumerate(sections):
                tile = CountTile(title)
                tile.clicked.connect(lambda _checked=False, t=title: self.show_section(t))
                self.tile_grid.addWidget(tile, n // TILES_PER_ROW, n % TILES_PER_ROW)
                self.tiles[title] = tile
        for title, items in sections:
            self.tiles[title].set_items(items)

    def _show_lists(self, board: Dashboard) -> None:
        self.tree.setUpdatesEnabled(False)
        try:
            self.tree.clear()
            self._rest = {}
            for title, items in board.sections():
                header = QTreeWidgetItem([f"{title}  ·  {len(items) or 'none'}"])
                header.setData(0, SECTION_ROLE, title)
                header.setFont(0, self._bold)
                header.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if not items:
                    header.setForeground(0, self._note_brush)
                self.tree.addTopLevelItem(header)
                header.setFirstColumnSpanned(True)
                for item in items[:LIST_LIMIT]:
                    self._add_row(header, item)
                if len(items) > LIST_LIMIT:
                    self._rest[title] = items[LIST_LIMIT:]
                    self._add_more(header, title)
                header.setExpanded(bool(items))
        finally:
            self.tree.setUpdatesEnabled(True)

    def _add_row(self, header: QTreeWidgetItem, item: Item) -> QTreeWidgetItem:
        row = QTreeWidgetItem(header, [item.title, item.detail])
        target = (("record", item.record_id) if item.record_id else
                  ("person", item.staff_uuid) if item.staff_uuid else None)
        row.setData(0, TARGET_ROLE, target)
        row.setIcon(0, self._urgent_icon if item.urgent else self._plain_icon)
        row.setToolTip(1, item.detail)
        if item.urgent:
            row.setForeground(0, self._urgent_brush)
            row.setForeground(1, self._urgent_brush)
            row.setToolTip(0, f"Urgent: {item.title}")
        elif target is None:
            row.setToolTip(0, "Nothing to open for this line")
        return row

    def _add_more(self, header: QTreeWidgetItem, title: str) -> None:
        count = len(self._rest[title])
        more = QTreeWidgetItem(header, [f"and {count} more: show all"])
        more.setData(0, MORE_ROLE, title)
        more.setFont(0, self._more_font)
        more.setForeground(0, self._more_brush)
        more.setToolTip(0, f"Show the other {count} lines of “{title}”")
        more.setFirstColumnSpanned(True)

    def more_row(self, title: str) -> QTreeWidgetItem | None:
        """Section ``title``'s "and N more" line, if it has lines not shown yet."""
        header = self.section_header(title)
        if header is None or not header.childCount():
            return None
        last = header.child(header.childCount() - 1)
        return last if last.data(0, MORE_ROLE) else None

    def show_all(self, title: str) -> int:
        """Show the rest of section ``title``'s lines in place of its "and N more" line,
        the first of them chosen; how many were added."""
        header, more = self.section_header(title), self.more_row(title)
        rest = self._rest.pop(title, [])
        if header is None or more is None or not rest:
            return 0
        self.tree.setUpdatesEnabled(False)
        try:
            header.removeChild(more)
            first = [self._add_row(header, item) for item in rest][0]
        finally:
            self.tree.setUpdatesEnabled(True)
        self.tree.setCurrentItem(first)
        return len(rest)

    # -- using ------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """The number on each tile, by section title."""
        return {title: tile.count for title, tile in self.tiles.items()}

    def section_header(self, title: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            header = self.tree.topLevelItem(i)
            if header.data(0, SECTION_ROLE) == title:
                return header
        return None

    def items_of(self, title: str) -> list[QTreeWidgetItem]:
        """The list rows shown under section ``title`` (not its "and N more" line)."""
        header = self.section_header(title)
        if header is None:
            return []
        rows = [header.child(i) for i in range(header.childCount())]
        return [row for row in rows if not row.data(0, MORE_ROLE)]

    def show_section(self, title: str) -> None:
        """Bring section ``title`` into view with its first line chosen (a tile's click)."""
        header = self.section_header(title)
        if header is None:
            return
        header.setExpanded(True)
        first = header.child(0) if header.childCount() else header
        self.tree.setCurrentItem(first)
        self.tree.scrollToItem(header, QAbstractItemView.ScrollHint.PositionAtTop)
        self.tree.setFocus()

    def activate_item(self, row: QTreeWidgetItem) -> bool:
        """Open what ``row`` is about; False for a row with nothing to open."""
        if row.data(0, MORE_ROLE):
            self.show_all(row.data(0, MORE_ROLE))
            return False
        target = row.data(0, TARGET_ROLE)
        if not target:
            if row.data(0, SECTION_ROLE):
                row.setExpanded(not row.isExpanded())
            return False
        kind, which = target
        (self.open_record if kind == "record" else self.open_person).emit(which)
        return True
