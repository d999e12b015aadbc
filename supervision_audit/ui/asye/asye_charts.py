"""The two small charts of the ASYE year, drawn with QPainter (QtCharts is not part of
PySide6-Essentials).

``CadenceTimeline``: the year as a line from the ASYE start, its weekly, fortnightly and
monthly phases shaded (R1), each supervision session held a dot, and every gap longer than
the cadence allowed in red with its days over: exactly ``services.asye.cadence_gaps``.

``ReflectionChart``: how often each Knowledge and Skills Statement and PCF domain was tagged
over the year (``services.asye.reflection_counts``), naming those with no evidence yet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from supervision_audit.dates import add_months, format_date
from supervision_audit.forms.frameworks import KSS, PCF
from supervision_audit.policy import ASYE_MONTHS, ASYE_WEEKLY_DAYS
from supervision_audit.services.asye import Gap, MilestoneState
from supervision_audit.ui.common.style import ACCENT, BAD_FG, NOTE, OK_FG, WARNING_FG

INK = QColor("#37474f")
FUTURE = QColor("#7d8b93")  # the year still to come: a line, 3:1 or more on white
RED = QColor(BAD_FG)
# phase key: caption, legend text, band colour, caption colour
PHASES = {"asye-weekly": ("Weekly", "Weekly (first 6 weeks)", "#e3f0fb", "#1f5f8b"),
          "asye-fortnightly": ("Fortnightly", "Fortnightly (to 6 months)", "#e6f4ea", "#2e6b3f"),
          "monthly": ("Monthly", "Monthly (months 7–12)", "#f1eaf7", "#5e3d7a")}
LEGEND = (*((key, text) for key, (_c, text, _b, _i) in PHASES.items()),
          ("dot", "Session held"), ("gap", "Gap longer than the cadence (days over)"),
          ("diamond", "Review due date"), ("today", "Today"))
STATE_COLOURS = {"done": OK_FG, "due": WARNING_FG, "overdue": BAD_FG, "not yet due": NOTE}
LEFT_MID = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
KSS_COLOUR = QColor("#0072B2")
PCF_COLOUR = QColor("#009E73")


def _font(widget: QWidget, scale: float = 1.0, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(bold)
    return font


def _diamond(x: float, y: float, r: float) -> QPolygonF:
    return QPolygonF([QPointF(x, y - r), QPointF(x + r, y), QPointF(x, y + r), QPointF(x - r, y)])


def _rounded(painter: QPainter, rect: QRectF, colour: QColor) -> None:
    path = QPainterPath()
    path.addRoundedRect(rect, 3, 3)
    painter.fillPath(path, QBrush(colour))


def phases(start: date) -> list[tuple[date, date, str]]:
    """The year's cadence phases (R1): (from, to, cadence)."""
    weekly_end, half = start + timedelta(days=ASYE_WEEKLY_DAYS), add_months(start, ASYE_MONTHS)
    return [(start, weekly_end, "asye-weekly"), (weekly_end, half, "asye-fortnightly"),
            (half, add_months(start, 12), "monthly")]


class _Tips(QWidget):
    """A chart whose painted parts carry tool tips (hit areas rebuilt on every paint)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hits: list[tuple[QRectF, str]] = []

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            point = QPointF(event.pos())
            text = next((tip for rect, tip in reversed(self._hits) if rect.contains(point)), "")
            QToolTip.showText(event.globalPos(), text, self)  # empty text hides the tip
            return True
        return super().event(event)


class CadenceTimeline(_Tips):
    """The ASYE year against the supervision cadence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("asye_cadence_chart")
        self.setAccessibleName("Timeline: the ASYE year's supervision against the cadence")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.start: date | None = None
        self.on = self.end = date.min
        self.sessions: list[date] = []
        self.gaps: list[Gap] = []  # as services.asye.cadence_gaps gives them
        self.milestones: list[MilestoneState] = []

    def set_year(self, start: date, on: date, sessions: Sequence[date], gaps: Sequence[Gap],
                 milestones: Sequence[MilestoneState] = ()) -> None:
        """Show the year from ``start`` as judged on ``on``: the sessions held and the gaps
        (as ``cadence_gaps`` gives them), with the dated milestones as diamonds."""
        self.start, self.on, self.end = start, on, add_months(start, 12)
        self.sessions = sorted(d for d in sessions if start <= d <= self.end)
        self.gaps = list(gaps)
        self.milestones = [m for m in milestones if m.due is not None]
        self.setAccessibleDescription(self.summary())
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def summary(self) -> str:
        """The year in words (for the panel and screen readers)."""
        held, n = len(self.sessions), len(self.gaps)
        text = f"{held} supervision session{'s' * (held != 1)} held"
        if not n:
            return text + "; no gap longer than the cadence."
        worst = max(self.gaps, key=lambda g: g.days_over)
        return (f"{text}; {n} gap{'s' * (n != 1)} longer than the cadence "
                f"(longest {worst.days_over} days over, from {format_date(worst.start)}).")

    # -- geometry ---------------------------------------------------------------------
    def _rows(self) -> tuple[int, float, float, float]:
        """Font height, the y of the line, the bottom of the bands, the top of the legend."""
        fh = QFontMetrics(_font(self, 0.9)).height()
        line_y = 6 + fh + 8 + 2 * fh + 10
        band_bottom = line_y + 12 + fh + 6
        return fh, line_y, band_bottom, band_bottom + 10

    def _legend_layout(self, width: float) -> list[list[tuple[str, str, float]]]:
        metrics = QFontMetrics(_font(self, 0.9))
        rows: list[list[tuple[str, str, float]]] = [[]]
        used = 0.0
        for kind, text in LEGEND:
            entry = 22 + metrics.horizontalAdvance(text) + 18
            if rows[-1] and used + entry > width:
                rows.append([])
                used = 0.0
            rows[-1].append((kind, text, entry))
            used += entry
        return rows

    def sizeHint(self) -> QSize:
        fh, _line, _bands, legend_top = self._rows()
        rows = len(self._legend_layout(self.width() - 32))
        return QSize(720, int(legend_top + rows * (fh + 6) + 6))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.setFixedHeight(self.sizeHint().height())  # the legend may take another row

    def _x(self, day: date) -> float:
        assert self.start is not None
        left, width = 16.0, max(10.0, self.width() - 32.0)
        span = max(1, (self.end - self.start).days)
        return left + width * min(max((day - self.start).days, 0), span) / span

    def point_of(self, day: date) -> QPointF:
        """Where ``day`` lies on the line of the year."""
        return QPointF(self._x(day), self._rows()[1])

    # -- painting ---------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._hits = []
        if self.start is None:
            painter.end()
            return
        fh, line_y, band_bottom, legend_top = self._rows()
        self._paint_phases(painter, fh, band_bottom)
        self._paint_months(painter, line_y, fh)
        today = min(max(self.on, self.start), self.end)
        painter.setPen(QPen(INK, 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(QPointF(self._x(self.start), line_y), QPointF(self._x(today), line_y))
        painter.setPen(QPen(FUTURE, 2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(self._x(today), line_y), QPointF(self._x(self.end), line_y))
        self._paint_gaps(painter, line_y, fh)
        self._paint_sessions(painter, line_y)
        self._paint_milestones(painter, line_y)  # on top: a review is never hidden
        if self.start <= self.on <= self.end:  # today: a dashed line across the bands
            x = self._x(self.on)
            painter.setPen(QPen(QColor(ACCENT), 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, 4), QPointF(x, band_bottom))
            self._hits.append((QRectF(x - 3, 4, 6, band_bottom - 4),
                               f"Today, {format_date(self.on)}"))
        self._paint_legend(painter, legend_top, fh)
        painter.end()

    def _paint_phases(self, painter: QPainter, fh: int, bottom: float) -> None:
        painter.setFont(_font(self, 0.9, True))
        for start, end, key in phases(self.start):  # type: ignore[arg-type]
            caption, legend, band, ink = PHASES[key]
            rect = QRectF(self._x(start), 4, self._x(end) - self._x(start), bottom - 4)
            painter.fillRect(rect, QColor(band))
            painter.setPen(QColor(ink))
            caption = QFontMetrics(painter.font()).elidedText(
                caption, Qt.TextElideMode.ElideRight, int(rect.width() - 8))
            painter.drawText(QRectF(rect.left() + 6, 6, rect.width() - 8, fh),
                             LEFT_MID, caption)
            self._hits.append((rect, f"{legend}: {format_date(start)} to {format_date(end)}"))

    def _paint_months(self, painter: QPainter, line_y: float, fh: int) -> None:
        """A tick a month; the first and last labelled with the date, the months between
        by name where there is room."""
        painter.setFont(_font(self, 0.85))
        metrics = QFontMetrics(painter.font())
        labels: list[tuple[float, str]] = []
        for month in range(13):
            day = add_months(self.start, month)  # type: ignore[arg-type]
            x = self._x(day)
            painter.setPen(QPen(FUTURE, 1))
            painter.drawLine(QPointF(x, line_y + 6), QPointF(x, line_y + 11))
            labels.append((x, day.strftime("%d %b %y") if month in (0, 12) else
                           day.strftime("%b")))
        placed: list[tuple[float, float]] = []
        painter.setPen(QColor(NOTE))
        for x, text in [labels[0], labels[-1], *labels[1:-1]]:
            width = metrics.horizontalAdvance(text)
            left = min(max(x - width / 2, 2), self.width() - width - 2)
            if all(left > right + 6 or left + width < other - 6 for other, right in placed):
                painter.drawText(QRectF(left, line_y + 12, width + 2, fh),
                                 Qt.AlignmentFlag.AlignLeft, text)
                placed.append((left, left + width))

    def _paint_gaps(self, painter: QPainter, line_y: float, fh: int) -> None:
        painter.setFont(_font(self, 0.85, True))
        metrics = QFontMetrics(painter.font())
        row_right = [-1e9, -1e9]
        for gap in self.gaps:
            x0, x_allowed, x1 = self._x(gap.start), self._x(gap.allowed_until), self._x(gap.end)
            light = QColor(RED)
            light.setAlpha(70)
            painter.setPen(QPen(light, 7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            painter.drawLine(QPointF(x0, line_y), QPointF(x1, line_y))
            painter.setPen(QPen(RED, 7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            painter.drawLine(QPointF(max(x_allowed, x0), line_y), QPointF(max(x1, x0 + 2), line_y))
            text = f"+{gap.days_over} d"
            width = metrics.horizontalAdvance(text)
            centre = (max(x_allowed, x0) + x1) / 2
            left = min(max(centre - width / 2, 2), self.width() - width - 2)
            row = next((r for r in (0, 1) if left > row_right[r] + 4), None)
            if row is not None:
                top = line_y - 10 - fh * (row + 1)
                painter.setPen(RED)
                painter.drawText(QRectF(left, top, width + 2, fh), Qt.AlignmentFlag.AlignLeft,
                                 text)
                painter.setPen(QPen(light, 1))
                painter.drawLine(QPointF(centre, top + fh), QPointF(centre, line_y - 5))
                row_right[row] = left + width
            tip = (f"No supervision from {format_date(gap.start)} to {format_date(gap.end)} "
                   f"({(gap.end - gap.start).days} days): the {gap.cadence.removeprefix('asye-')}"
                   " cadence allowed until "
                   f"{format_date(gap.allowed_until)}, {gap.days_over} days over")
            self._hits.append((QRectF(x0 - 2, line_y - 10 - 2 * fh, x1 - x0 + 4, 2 * fh + 18),
                               tip))

    def _paint_milestones(self, painter: QPainter, line_y: float) -> None:
        for m in self.milestones:
            assert m.due is not None
            x = self._x(m.due)
            colour = QColor(STATE_COLOURS.get(m.state, NOTE))
            later = m.state == "not yet due"  # hollow
            painter.setPen(QPen(colour if later else QColor("white"), 1.5))
            painter.setBrush(QColor("white") if later else colour)
            painter.drawPolygon(_diamond(x, line_y, 8))
            done = f", done {format_date(m.done_on)}" if m.done_on else ""
            self._hits.append((QRectF(x - 8, line_y - 9, 16, 18),
                               f"{m.name.capitalize()} due {format_date(m.due)}: "
                               f"{m.state}{done}"))

    def _paint_sessions(self, painter: QPainter, line_y: float) -> None:
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(QColor(ACCENT))
        for day in self.sessions:
            x = self._x(day)
            painter.drawEllipse(QPointF(x, line_y), 5, 5)
            self._hits.append((QRectF(x - 6, line_y - 6, 12, 12),
                               f"Supervision held {format_date(day)}"))

    def _paint_legend(self, painter: QPainter, top: float, fh: int) -> None:
        painter.setFont(_font(self, 0.9))
        bands = {key: QColor(band) for key, (_c, _t, band, _i) in PHASES.items()}
        y = top
        for row in self._legend_layout(self.width() - 32):
            x = 16.0
            for kind, text, entry in row:
                mid = y + fh / 2
                painter.setPen(Qt.PenStyle.NoPen)
                if kind in bands:
                    painter.setBrush(bands[kind])
                    painter.setPen(QPen(bands[kind].darker(115), 1))
                    painter.drawRect(QRectF(x, mid - 6, 16, 12))
                elif kind == "dot":
                    painter.setBrush(QColor(ACCENT))
                    painter.drawEllipse(QPointF(x + 8, mid), 5, 5)
                elif kind == "gap":
                    painter.fillRect(QRectF(x, mid - 3, 16, 6), RED)
                elif kind == "diamond":
                    painter.setPen(QPen(QColor(NOTE), 1.5))
                    painter.setBrush(QColor("white"))
                    painter.drawPolygon(_diamond(x + 8, mid, 7))
                else:
                    painter.setPen(QPen(QColor(ACCENT), 1.5, Qt.PenStyle.DashLine))
                    painter.drawLine(QPointF(x + 8, mid - 7), QPointF(x + 8, mid + 7))
                painter.setPen(INK)
                painter.drawText(QRectF(x + 22, y, entry - 22, fh),
                                 LEFT_MID, text)
                x += entry
            y += fh + 6


class ReflectionChart(_Tips):
    """Bars per KSS statement and PCF domain: how often each was evidenced over the year."""

    GROUPS = (("kss", "Knowledge and Skills Statements", KSS, KSS_COLOUR),
              ("pcf", "Professional Capabilities Framework domains", PCF, PCF_COLOUR))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("asye_reflection_chart")
        self.setAccessibleName("Chart: KSS statements and PCF domains evidenced over the year")
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.counts: dict[str, dict[str, int]] = {"kss": {}, "pcf": {}}

    def set_counts(self, counts: Mapping[str, Mapping[str, int]]) -> None:
        """``counts`` as ``reflection_counts`` gives them: {"kss": {code: n}, "pcf": ...}."""
        self.counts = {kind: {code: int(counts.get(kind, {}).get(code, 0)) for code, _ in labels}
                       for kind, _title, labels, _colour in self.GROUPS}
        self.setAccessibleDescription(self.no_evidence_text())
        self.updateGeometry()
        self.update()

    def missing(self) -> list[str]:
        """The statements and domains with no evidence yet, as "KSS 3", "PCF 5"..."""
        return [" ".join(label.split(" ")[:2]) for kind, _title, labels, _colour in self.GROUPS
                for code, label in labels if self.counts[kind].get(code, 0) == 0]

    def no_evidence_text(self) -> str:
        missing = self.missing()
        if not missing:
            return "Every statement and domain has evidence."
        return "No evidence yet: " + ", ".join(missing)

    # -- geometry ---------------------------------------------------------------------
    def _columns(self, width: int) -> int:
        return 2 if width >= 760 else 1

    def _row_height(self) -> int:
        return QFontMetrics(_font(self, 0.9)).height() + 7

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        title = QFontMetrics(_font(self, 0.95, True)).height() + 8
        rows = len(KSS) + (len(PCF) if self._columns(width) == 1 else 0)
        groups = 1 if self._columns(width) == 2 else 2
        return groups * title + rows * self._row_height() + (groups - 1) * 12 + 8

    def sizeHint(self) -> QSize:
        return QSize(720, self.heightForWidth(720))

    # -- painting ---------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._hits = []
        columns = self._columns(self.width())
        top_most = max([1, *(n for counts in self.counts.values() for n in counts.values())])
        width = (self.width() - 28 * (columns - 1)) / columns  # 28 px between the columns
        y = 0.0
        for index, group in enumerate(self.GROUPS):
            left = index * (width + 28) if columns == 2 else 0.0
            height = self._paint_group(painter, group, QRectF(left, y, width, 0), top_most)
            y += height + 12 if columns == 1 else 0
        painter.end()

    def _paint_group(self, painter: QPainter, group: tuple, area: QRectF, top_most: int
                     ) -> float:
        kind, title, labels, colour = group
        title_font = _font(self, 0.95, True)
        painter.setFont(title_font)
        painter.setPen(INK)
        title_h = QFontMetrics(title_font).height() + 8
        painter.drawText(QRectF(area.left(), area.top(), area.width(), title_h - 8),
                         LEFT_MID, title)
        font = _font(self, 0.9)
        metrics = QFontMetrics(font)
        painter.setFont(font)
        row_h = self._row_height()
        label_w = min(area.width() * 0.5, 250.0)
        count_w = metrics.horizontalAdvance("000") + 6
        bar_left = area.left() + label_w + 8
        bar_w = max(10.0, area.right() - bar_left - count_w)
        y = area.top() + title_h
        for code, label in labels:
            n = self.counts[kind].get(code, 0)
            rect = QRectF(area.left(), y, area.width(), row_h)
            painter.setPen(QColor(NOTE) if n == 0 else INK)
            painter.drawText(QRectF(area.left(), y, label_w, row_h),
                             LEFT_MID,
                             metrics.elidedText(label, Qt.TextElideMode.ElideRight,
                                                int(label_w)))
            _rounded(painter, QRectF(bar_left, y + 3, bar_w, row_h - 6), QColor("#f1f3f4"))
            if n:
                _rounded(painter, QRectF(bar_left, y + 3, max(4.0, bar_w * n / top_most),
                                         row_h - 6), colour)
            painter.setPen(INK if n else RED)
            painter.drawText(QRectF(bar_left + bar_w + 4, y, count_w, row_h) if n else
                             QRectF(bar_left + 6, y, bar_w, row_h), LEFT_MID,
                             str(n) if n else "no evidence yet")
            times = "no evidence yet" if n == 0 else f"{n} time{'s' if n != 1 else ''}"
            self._hits.append((rect, f"{label}: {times} in the year's supervision records "
                                     "and critical reflective logs"))
            y += row_h
        return y - area.top()
