"""A line chart of the share of supervisees supervised in timescale at each month end, one
line per team (or per service), drawn with QPainter (QtCharts is not part of
PySide6-Essentials).

The data is what ``services.dashboard.in_timescale_by_month`` returns: per team, a list of
(month end, share from 0 to 1, or None when the team had nobody that month); or the same
per service or for everyone (``in_timescale_trends``).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

Series = dict[str, list[tuple[date, float | None]]]

# Okabe and Ito's palette, told apart by colour-blind readers; its orange and sky blue
# darkened to show 3:1 or more on white, as a line must (they showed 2.3:1).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#B07000", "#2B8CC4", "#7A5195",
           "#4D4D4D")
GRID = QColor("#e3e7ea")
AXIS_TEXT = QColor("#5f6b73")
TARGET = QColor("#1e6b52")


MAX_LINES = len(PALETTE)  # more lines than colours cannot be told apart


def colour_for(index: int) -> QColor:
    return QColor(PALETTE[index % len(PALETTE)])


def percent(value: float | None, group: str = "team") -> str:
    return f"no one in the {group}" if value is None else f"{round(100 * value)} %"


class TrendChart(QWidget):
    """% supervised in timescale per month (0 to 100 %), a line and a legend entry per team."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trend_chart")
        self._series: Series = {}
        self.title = "Supervisees supervised in timescale, by month end"
        self.group = "team"  # what a line is: "team" or "service"
        self.note = ""  # a line under the title (how the lines were grouped)
        self.loaded = False  # no series given yet: the figures are still being worked out
        self.setMouseTracking(True)
        self.setMinimumSize(300, 150)  # the page fits a 1280×720 screen
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._points: list[tuple[QPointF, str, date, float]] = []  # for tool tips
        self._describe()

    # -- data -------------------------------------------------------------------------
    def set_series(self, series: Series, *, group: str = "team", note: str = "") -> None:
        """Show ``series`` (team -> [(month end, share or None)]), teams in name order; or
        ``group="service"`` for lines that are services, with ``note`` saying how."""
        self._series = {team: list(series[team]) for team in sorted(series)}
        self.group, self.note, self.loaded = group, note, True
        self._describe()
        self.update()

    def _describe(self) -> None:
        self.setAccessibleName("Chart: percentage supervised in timescale per month, by "
                               f"{self.group}")
        self.setAccessibleDescription(" ".join(filter(None, (self.note, self.summary()))))

    def empty_text(self) -> str:
        """What the chart says while it has no lines."""
        if not self.loaded:
            return "Working out the figures…"
        return "No supervisees in your scope yet: nothing to chart."

    def series(self) -> Series:
        return {team: list(points) for team, points in self._series.items()}

    def months(self) -> list[date]:
        return sorted({day for points in self._series.values() for day, _ in points})

    def summary(self) -> str:
        """The latest month in words (for screen readers and the tool tip)."""
        return "; ".join(f"{team}: {percent(self.latest(team), self.group)}"
                         for team in self._series)

    def sizeHint(self) -> QSize:
        return QSize(620, 360)

    # -- geometry ---------------------------------------------------------------------
    def _font(self, scale: float = 1.0, bold: bool = False) -> QFont:
        font = QFont(self.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * scale)
        font.setBold(bold)
        return font

    def latest(self, team: str) -> float | None:
        """The team's share at the last month it had anyone."""
        return next((v for _, v in reversed(self._series.get(team, [])) if v is not None), None)

    def legend_text(self, team: str) -> str:
        latest = self.latest(team)
        return team if latest is None else f"{team} ({round(100 * latest)} % now)"

    def _legend_rows(self, width: float) -> list[list[tuple[str, float]]]:
        """Legend entries laid out in rows that fit ``width``: (team, entry width)."""
        metrics = QFontMetrics(self._font())
        rows: list[list[tuple[str, float]]] = [[]]
        used = 0.0
        for team in self._series:
            entry = 34 + metrics.horizontalAdvance(self.legend_text(team)) + 22
            if rows[-1] and used + entry > width:
                rows.append([])
                used = 0.0
            rows[-1].append((team, entry))
            used += entry
        return rows if rows[0] else []

    def plot_rect(self) -> QRectF:
        """Where the lines are drawn (inside the axes)."""
        metrics = QFontMetrics(self._font())
        line = metrics.height()
        top = 14 + QFontMetrics(self._font(1.1, True)).height() + 10
        if self.note:
            top += line + 4
        legend = len(self._legend_rows(self.width() - 32)) * (line + 6)
        left = 16 + metrics.horizontalAdvance("100 %") + 10
        bottom = self.height() - (line + 16) - legend - 8
        return QRectF(left, top, max(10.0, self.width() - left - 24), max(10.0, bottom - top))

    def _x(self, rect: QRectF, index: int, count: int) -> float:
        if count <= 1:
            return rect.center().x()
        return rect.left() + rect.width() * index / (count - 1)

    @staticmethod
    def _y(rect: QRectF, share: float) -> float:
        return rect.bottom() - rect.height() * max(0.0, min(1.0, share))

    # -- drawing ----------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.fillRect(self.rect(), QColor("white"))
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        painter.setFont(self._font(1.1, True))
        painter.setPen(QColor("#1f2a30"))
        title = QFontMetrics(self._font(1.1, True)).elidedText(  # a narrow chart: "…"
            self.title, Qt.TextElideMode.ElideRight, self.width() - 32)
        painter.drawText(QRectF(16, 12, self.width() - 32, 30),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, title)
        rect = self.plot_rect()
        months = self.months()
        painter.setFont(self._font())
        metrics = QFontMetrics(self._font())
        if self.note:
            painter.setPen(AXIS_TEXT)
            top = 14 + QFontMetrics(self._font(1.1, True)).height() + 2
            painter.drawText(QRectF(16, top, self.width() - 32, metrics.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             metrics.elidedText(self.note, Qt.TextElideMode.ElideRight,
                                                self.width() - 32))
        if not months:
            painter.setPen(AXIS_TEXT)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.empty_text())
            return
        for tick in (0, 25, 50, 75, 100):
            y = self._y(rect, tick / 100)
            painter.setPen(QPen(GRID if tick else AXIS_TEXT, 1))
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            painter.setPen(AXIS_TEXT)
            painter.drawText(QRectF(4, y - metrics.height() / 2, rect.left() - 12,
                                    metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             f"{tick} %")
        self._paint_months(painter, rect, months, metrics)
        self._points = []
        for index, (team, points) in enumerate(self._series.items()):
            self._paint_line(painter, rect, months, points, colour_for(index), team)
        self._paint_legend(painter, rect, metrics)

    def _paint_months(self, painter: QPainter, rect: QRectF, months: list[date],
                      metrics: QFontMetrics) -> None:
        label_width = metrics.horizontalAdvance("Sep 26") + 8
        every = 1
        while len(months) > 1 and (rect.width() / (len(months) - 1)) * every < label_width:
            every += 1
        painter.setPen(AXIS_TEXT)
        for i, day in enumerate(months):
            x = self._x(rect, i, len(months))
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(x, rect.bottom()), QPointF(x, rect.bottom() + 4))
            if (len(months) - 1 - i) % every:
                continue
            painter.setPen(AXIS_TEXT)
            painter.drawText(QRectF(x - label_width / 2, rect.bottom() + 6, label_width,
                                    metrics.height()), Qt.AlignmentFlag.AlignCenter,
                             day.strftime("%b %y"))

    def _paint_line(self, painter: QPainter, rect: QRectF, months: list[date],
                    points: list[tuple[date, float | None]], colour: QColor, team: str) -> None:
        where = {day: i for i, day in enumerate(months)}
        path = QPainterPath()
        pen_down = False
        dots: list[QPointF] = []
        for day, share in points:
            if share is None:
                pen_down = False
                continue
            point = QPointF(self._x(rect, where[day], len(months)), self._y(rect, share))
            if pen_down:
                path.lineTo(point)
            else:
                path.moveTo(point)
                pen_down = True
            dots.append(point)
            self._points.append((point, team, day, share))
        painter.setPen(QPen(colour, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setBrush(QColor("white"))
        painter.setPen(QPen(colour, 2))
        for dot in dots:
            painter.drawEllipse(dot, 3.5, 3.5)

    def _paint_legend(self, painter: QPainter, rect: QRectF, metrics: QFontMetrics) -> None:
        y = rect.bottom() + metrics.height() + 18
        index = 0
        for row in self._legend_rows(self.width() - 32):
            x = 16.0
            for team, width in row:
                colour = colour_for(index)
                middle = y + metrics.height() / 2
                painter.setPen(QPen(colour, 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
                painter.drawLine(QPointF(x, middle), QPointF(x + 24, middle))
                painter.setBrush(QColor("white"))
                painter.setPen(QPen(colour, 2))
                painter.drawEllipse(QPointF(x + 12, middle), 3.5, 3.5)
                painter.setPen(QColor("#1f2a30"))
                painter.drawText(QRectF(x + 32, y, width - 32, metrics.height()),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 self.legend_text(team))
                x += width
                index += 1
            y += metrics.height() + 6

    # -- tool tip ---------------------------------------------------------------------
    def point_near(self, x: float, y: float, reach: float = 10.0
                   ) -> tuple[str, date, float] | None:
        """The plotted point nearest (x, y) within ``reach`` pixels: (team, month, share)."""
        best, best_distance = None, reach * reach
        for point, team, day, share in self._points:
            distance = (point.x() - x) ** 2 + (point.y() - y) ** 2
            if distance <= best_distance:
                best, best_distance = (team, day, share), distance
        return best

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        found = self.point_near(event.position().x(), event.position().y())
        if found is None:
            QToolTip.hideText()
        else:
            team, day, share = found
            QToolTip.showText(event.globalPosition().toPoint(),
                              f"{team}\n{day:%B %Y}: {percent(share, self.group)} in "
                              "timescale", self)
        super().mouseMoveEvent(event)
