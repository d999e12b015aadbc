"""The audit dialog on a narrow screen (a 1280×720 laptop at 200 % is 640 logical pixels
wide): the chips in its heading go onto a line of their own and the introduction to the
top of the form, which scrolls, each subject's evidence goes
below its questions instead of beside them (and the judgement's rule below the judgement),
the two columns of the audit's details become one and the label columns no wider than
their labels, so that the form never scrolls
sideways. Where there is room it looks as it always has."""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QGridLayout, QScrollArea, QStyle, QWidget

from supervision_audit.ui.common.layout_checks import least_size
from supervision_audit.ui.widgets.dialog_body import WidthWatch, stack_when_narrow

ROWS_PER_FIELD = 3  # as the form editor lays a field out: the widget, its problem, its note


class FormGrid:
    """A form section's grid of labels and fields where it is narrow: its label column no
    wider than its labels (where it is wide, as wide as the form's other label columns),
    and a grid of two pairs a row one pair a row (the second pair of each row below the
    first)."""

    def __init__(self, box: QWidget, grid: QGridLayout) -> None:
        self.box, self.grid = box, grid
        self.wide_width = least_size(box)[0]  # as wide as it must be, laid out for width
        self.label_width = grid.columnMinimumWidth(0)
        self.paired = grid.columnCount() > 2
        self.items = [(grid.itemAt(i).widget(), grid.itemAt(i).alignment(),
                       *grid.getItemPosition(i)[:2]) for i in range(grid.count())
                      if grid.itemAt(i).widget() is not None]  # the form's are all widgets
        self.narrow = False

    def fit(self, room: int) -> None:
        narrow = self.wide_width > room
        if narrow == self.narrow:
            return
        self.narrow = narrow
        if self.paired:
            for widget, _alignment, _row, _column in self.items:
                self.grid.removeWidget(widget)
            for widget, alignment, row, column in self.items:  # as the form put it, or:
                if narrow:
                    field = (row // ROWS_PER_FIELD) * 2 + column // 2
                    row, column = field * ROWS_PER_FIELD + row % ROWS_PER_FIELD, column % 2
                self.grid.addWidget(widget, row, column, alignment)
            self.grid.setColumnStretch(3, 0 if narrow else 1)
        self.grid.setColumnMinimumWidth(0, 0 if narrow else self.label_width)
        self.grid.invalidate()
        self.box.updateGeometry()


class AuditFit:
    """Keeps the audit dialog fitted to its width: the heading's ``top`` row, the ``rows``
    of a form section and its evidence, and the ``grids`` of two pairs a row."""

    def __init__(self, dialog: QWidget, top: QBoxLayout, intro: QWidget, scroll: QScrollArea,
                 rows: list[QBoxLayout], grids: list[FormGrid]) -> None:
        self.dialog, self.top, self.intro, self.scroll = dialog, top, intro, scroll
        self.rows, self.grids = rows, grids
        self.heading: QBoxLayout = intro.parentWidget().layout()  # type: ignore[assignment]
        self.top_margins = sum(self._sides(top.parentWidget().layout()))
        self.body_margins = sum(self._sides(scroll.widget().layout()))
        WidthWatch(dialog, self.fit_heading)
        WidthWatch(scroll, self.fit_form)

    @staticmethod
    def _sides(layout: object) -> tuple[int, int]:
        margins = layout.contentsMargins()  # type: ignore[attr-defined]
        return margins.left(), margins.right()

    def fit_heading(self, width: int) -> None:
        """The chips beside the title where ``width`` holds both, else below it. Called
        with the width the dialog opens at before it is shown: the heading's least width
        is the dialog's, so it must already be narrow for the dialog to be."""
        narrow = stack_when_narrow(self.top, width - self.top_margins)
        form: QBoxLayout = self.scroll.widget().layout()  # type: ignore[assignment]
        now, wanted = (self.heading, form) if narrow else (form, self.heading)
        if now.indexOf(self.intro) >= 0:  # the introduction at the top of the form, which
            now.removeWidget(self.intro)  # scrolls, where the heading would leave little
            wanted.insertWidget(0 if narrow else wanted.count(), self.intro)  # room for it

    def fit_form(self, width: int) -> None:
        """The form's rows for a scroll area ``width`` wide (its scroll bar allowed for, so
        that its coming and going changes nothing)."""
        bar = self.scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        frame = 2 * self.scroll.frameWidth()
        room = width - bar - frame - self.body_margins
        for row in self.rows:
            stack_when_narrow(row, room)
        for grid in self.grids:
            grid.fit(room)
