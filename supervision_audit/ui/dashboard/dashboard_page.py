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
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
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
from supervision_audit.ui.audits.audit_queue_view import AuditQueueView
from supervision_audit.ui.common.accessible import name_view
from supervision_audit.ui.common.layout_checks import stack_when_narrow
from supervision_audit.ui.common.style import (
    ACCENT,
    BAD_FG,
    HIGHLIGHT,
    NOTE,
    PROBLEM,
    heading_label,
    note_label,
)
from supervision_audit.ui.common.workers import Job, JobContext, in_session, run_in_background
from supervision_audit.ui.dashboard.dashboard_tiles import CountTile, place_tiles, tile_name
from supervision_audit.ui.dashboard.reminders import ReminderPanel
from supervision_audit.ui.dashboard.trend_chart import MAX_LINES, Series, TrendChart

TARGET_ROLE = Qt.ItemDataRole.UserRole  # ("person" | "record", uuid) on an item's row
SECTION_ROLE = Qt.ItemDataRole.UserRole + 1  # the section title on its header row
MORE_ROLE = Qt.ItemDataRole.UserRole + 2  # the section title on its "and N more" row
ACTION_ROLE = Qt.ItemDataRole.UserRole + 3  # what opening a row does (Item.action)
LIST_LIMIT = 50  # lines of each list shown at first (a director's lists run to a thousand)
REMINDER_LINES = 3  # the reminders' first lines; the rest are in the lists
AUDITS = "Audits due"


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


def _dot(colour: str, urgent: bool) -> QIcon:
    """A line's mark: for an urgent line a filled disc with an exclamation mark in it, for
    others a ring, so the two differ in shape and not only in colour."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if urgent:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        painter.drawEllipse(0, 0, 12, 12)
        painter.setBrush(QColor("white"))
        painter.drawRect(5, 2, 2, 5)
        painter.drawRect(5, 8, 2, 2)
    else:
        painter.setPen(QPen(QColor(colour), 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QRectF(2.5, 2.5, 7, 7))
    painter.end()
    return QIcon(pixmap)


class DashboardPage(QWidget):
    """Counts, lists and the twelve-month chart for ``actor``'s scope.

    ``refresh()`` brings it up to date (in the background unless ``background`` is False);
    ``refreshed`` is emitted when new figures are on show. The first figures also feed the
    reminders panel at the top (``show_reminders=False`` leaves it out, for a window that
    places a ``ReminderPanel`` elsewhere).
    """

    open_person = Signal(uuid.UUID)
    open_record = Signal(uuid.UUID)
    sign_record = Signal(uuid.UUID)  # a record awaiting the signed-in person's signature
    refreshed = Signal()

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None, *,
                 as_of: date | None = None, background: bool = True,
                 show_reminders: bool = True, hide: Collection[str] = (),
                 audits: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard_page")
        self.store, self.actor, self.as_of = store, actor, as_of
        self.hide_sections = frozenset(hide)  # lists this person never has anything in
        self.chosen: str | None = None  # the list a tile opened (None: every list)
        self.background = background
        self.board: Dashboard | None = None
        self.trend: Series = {}
        self._job: Job | None = None
        self._reminded = not show_reminders
        self.tile_width: int | None = None  # the width the tiles were placed for

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

        self.reminders = ReminderPanel(self, max_lines=REMINDER_LINES)
        self.reminders.open_person.connect(self.open_person)
        self.reminders.open_record.connect(self.open_record)

        self.tiles: dict[str, CountTile] = {}
        self.tile_grid = QGridLayout()
        self.tile_grid.setSpacing(10)

        self.tree = QTreeWidget()
        self.tree.setObjectName("dashboard_lists")
        name_view(self.tree, "What needs attention")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Who or what", "Detail"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setColumnWidth(0, 210)
        self.tree.setStyleSheet("QTreeWidget#dashboard_lists { border: 1px solid #dde3e7;"
                                " border-radius: 8px; background: white; padding: 1px; }"
                                # the focus shows even before a line is chosen
                                " QTreeWidget#dashboard_lists:focus { border: 2px solid"
                                f" {HIGHLIGHT}; padding: 0; }}"
                                " QTreeWidget#dashboard_lists::item { padding: 2px 0; }")
        self.tree.itemActivated.connect(lambda item, _column: self.activate_item(item))
        # "and N more" is a link: one click shows the rest (a double-click's second click
        # does not then open the line that took its place: Qt checks the pressed row)
        self.tree.itemClicked.connect(lambda item, _column: item.data(0, MORE_ROLE)
                                      and self.show_all(item.data(0, MORE_ROLE)))
        self._rest: dict[str, list[Item]] = {}  # the lines of each list not shown yet
        self._urgent_icon, self._plain_icon = _dot(BAD_FG, True), _dot(NOTE, False)
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
        self.audit_queue = AuditQueueView(
            store, actor, today=lambda: self.as_of or date.today()) if audits else None
        if self.audit_queue is not None:
            self.audit_queue.changed.connect(self.refresh)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("dashboard_splitter")
        self.splitter.addWidget(self._list_pane())
        self.splitter.addWidget(chart_card)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([560, 440])  # scaled to the page: the lists a little wider
        self.splitter.installEventFilter(self)  # a pane grown wider may need stacking

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addWidget(self.reminders)
        layout.addLayout(self.tile_grid)
        layout.addWidget(self.splitter, 1)
        self.refresh()

    def fit_width(self, width: int) -> None:
        """Lay the page out for ``width``, the room the window has for it: the tiles in as
        many rows as that needs, the lists above the chart when they do not fit beside it."""
        margins = self.layout().contentsMargins()
        inner = width - margins.left() - margins.right()
        if inner != self.tile_width:
            self.tile_width = inner
            place_tiles(self.tile_grid, list(self.tiles.values()), inner)
        self._restack()

    def _restack(self) -> None:
        """The lists beside the chart, or above it when the width placed for holds no more."""
        if self.tile_width is not None:
            stack_when_narrow(self.splitter, self.tile_width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.splitter and event.type() == QEvent.Type.LayoutRequest:
            self._restack()  # a pane's least width changed (a list's title, the audit queue)
        return super().eventFilter(watched, event)

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
            self.reminders.show_for(board, self.store, self.actor)
        self.refreshed.emit()

    def _list_pane(self) -> QWidget:
        """The list a tile opened (or every list), under a line saying which, with the
        way back to every list; the audit queue in its place for "Audits due"."""
        pane = QWidget()
        pane.setObjectName("dashboard_list_pane")
        self.list_title = QLabel()
        self.list_title.setObjectName("dashboard_list_title")
        self.list_title.setFont(self._bold)
        self.every_list_button = QPushButton("Show every list")
        self.every_list_button.setObjectName("dashboard_every_list")
        self.every_list_button.setFlat(True)
        self.every_list_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.every_list_button.setStyleSheet(f"QPushButton {{ color: {ACCENT}; border: none;"
                                             " text-decoration: underline; padding: 2px; }")
        self.every_list_button.clicked.connect(lambda _c=False: self.show_every_list())
        top = QHBoxLayout()
        top.setContentsMargins(2, 0, 2, 0)
        top.addWidget(self.list_title, 1)
        top.addWidget(self.every_list_button)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.tree)
        if self.audit_queue is not None:
            self.list_stack.addWidget(self.audit_queue)
        column = QVBoxLayout(pane)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(top)
        column.addWidget(self.list_stack, 1)
        self._title_list()
        return pane

    def _sections(self, board: Dashboard) -> list[tuple[str, list[Item]]]:
        return [(title, items) for title, items in board.sections()
                if title not in self.hide_sections]

    def _show_tiles(self, board: Dashboard) -> None:
        sections = self._sections(board)
        if [t for t, _ in sections] != list(self.tiles):
            for tile in self.tiles.values():
                self.tile_grid.removeWidget(tile)
                tile.deleteLater()
            self.tiles = {}
            for title, _items in sections:
                tile = CountTile(title)
                tile.clicked.connect(lambda _checked=False, t=title: self.show_section(t))
                self.tiles[title] = tile
            place_tiles(self.tile_grid, list(self.tiles.values()), self.tile_width)
        for title, items in sections:
            self.tiles[title].set_items(items)
            self.tiles[title].setChecked(title == self.chosen)

    def _show_lists(self, board: Dashboard) -> None:
        self.tree.setUpdatesEnabled(False)
        try:
            self.tree.clear()
            self._rest = {}
            for title, items in self._sections(board):
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
                header.setHidden(self.chosen is not None and title != self.chosen)
        finally:
            self.tree.setUpdatesEnabled(True)
        if self.audit_queue is not None and self.chosen == AUDITS:
            self.audit_queue.reload()
        self._title_list()

    def _add_row(self, header: QTreeWidgetItem, item: Item) -> QTreeWidgetItem:
        row = QTreeWidgetItem(header, [item.title, item.detail])
        target = (("record", item.record_id) if item.record_id else
                  ("person", item.staff_uuid) if item.staff_uuid else None)
        row.setData(0, TARGET_ROLE, target)
        row.setData(0, ACTION_ROLE, item.action)
        if item.action == "sign":
            row.setToolTip(0, "Enter or a double-click opens the record to sign")
        row.setIcon(0, self._urgent_icon if item.urgent else self._plain_icon)
        row.setToolTip(1, item.detail)
        if item.urgent:
            row.setForeground(0, self._urgent_brush)
            row.setForeground(1, self._urgent_brush)
            row.setFont(0, self._bold)
            row.setToolTip(0, f"Urgent: {item.title}")
            row.setData(0, Qt.ItemDataRole.AccessibleTextRole, f"Urgent: {item.title}")
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
        """Open the list tile ``title`` counts, alone, with its first line chosen (a tile's
        click); "Audits due" opens the audit queue."""
        header = self.section_header(title)
        if header is None:
            return
        self.chosen = title
        for name, tile in self.tiles.items():
            tile.setChecked(name == title)
        if title == AUDITS and self.audit_queue is not None:
            self.audit_queue.reload()
            self.list_stack.setCurrentWidget(self.audit_queue)
            self.audit_queue.table.setFocus()
            self._title_list()
            return
        self.list_stack.setCurrentWidget(self.tree)
        for i in range(self.tree.topLevelItemCount()):
            other = self.tree.topLevelItem(i)
            other.setHidden(other is not header)
        header.setExpanded(True)
        first = header.child(0) if header.childCount() else header
        self.tree.setCurrentItem(first)
        self.tree.scrollToItem(header, QAbstractItemView.ScrollHint.PositionAtTop)
        self.tree.setFocus()
        self._title_list()

    def show_every_list(self) -> None:
        """Every list again, one under another (how the page opens)."""
        self.chosen = None
        for tile in self.tiles.values():
            tile.setChecked(False)
        for i in range(self.tree.topLevelItemCount()):
            self.tree.topLevelItem(i).setHidden(False)
        self.list_stack.setCurrentWidget(self.tree)
        self._title_list()

    def _title_list(self) -> None:
        tile = self.tiles.get(self.chosen or "")
        self.list_title.setText(f"{tile_name(tile.section)}  ·  {tile.count}" if tile
                                else "Every list")
        self.every_list_button.setVisible(tile is not None)

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
        action = row.data(0, ACTION_ROLE)
        if action == "sign":
            self.sign_record.emit(which)
        elif action == "audit" and self.audit_queue is not None:
            self.audit_queue.reload()
            if self.audit_queue.open_row(self.audit_queue.line_for(which)) is None:
                self.open_person.emit(which)
        else:
            (self.open_record if kind == "record" else self.open_person).emit(which)
        return True
