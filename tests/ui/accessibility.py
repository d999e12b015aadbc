"""Measuring a screen as a keyboard and screen-reader user meets it.

``audit(root)`` lists the screen's interactive widgets, asks Qt's accessibility interface
for each one's name (what a screen reader says), follows the Tab chain with real key
presses (``QTest.keyClick``) and reports:

- unnamed: interactive widgets whose accessible name is empty;
- marked_up: names that carry markup (a screen reader reads ``<span ...>`` out);
- unreachable: enabled interactive widgets that Tab never reaches (a radio button counts as
  reached when Tab reaches its group, whose buttons the arrows choose between);
- trap: the widget that keeps the focus when Tab is pressed (a table moving from cell to
  cell, a field that will not let go), or None;
- focus_unseen: widgets that look the same with the focus as without it.

Widgets in tool bars and menu bars are left out (their actions are in the menus, which the
keyboard reaches with Alt), as are the inner parts of a widget (a spin box's line, a combo
box's list, an item view's headers and scroll bars).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QRadioButton,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QToolBar,
    QWidget,
)

INTERACTIVE = (QAbstractButton, QLineEdit, QAbstractSpinBox, QComboBox, QAbstractItemView,
               QPlainTextEdit, QTextEdit, QAbstractSlider, QTabBar)
# widgets whose children are their own parts, not controls of the screen
COMPOSITE = (QAbstractSpinBox, QComboBox, QLineEdit, QTabBar, QCalendarWidget, QToolBar,
             QMenuBar, QMenu)
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&[a-z]+;")
TRAP_PRESSES = 3  # the focus held this long, to the end of a walk that never came round


def accessible_name(widget: QWidget) -> str:
    """What a screen reader announces as the widget's name."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def accessible_description(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Description) if interface is not None else ""


def describe(widget: QWidget) -> str:
    """A widget as a report names it: object name (or class) and accessible name."""
    name = widget.objectName() or type(widget).__name__
    return f"{name} [{type(widget).__name__}] {accessible_name(widget)!r}"


def _is_part(widget: QWidget, root: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, COMPOSITE):
            return True
        if isinstance(parent, QAbstractItemView):
            # a control placed in a cell (on the viewport) is one of its own; the corner
            # button and the headers are the view's
            return not parent.viewport().isAncestorOf(widget)
        if isinstance(parent, QAbstractScrollArea) and widget in (
                parent.horizontalScrollBar(), parent.verticalScrollBar()):
            return True
        parent = parent.parentWidget()
    return False


def _own_control(widget: QWidget) -> bool:
    """A control the app draws itself (a signature pad) that Tab can focus."""
    return not type(widget).__module__.startswith("PySide6") and \
        bool(widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value)


def interactive_widgets(root: QWidget) -> list[QWidget]:
    """The controls shown on ``root`` (visible, in its window), in creation order."""
    found = []
    for widget in root.findChildren(QWidget):
        if not (isinstance(widget, INTERACTIVE) or _own_control(widget)) or \
                isinstance(widget, (QScrollBar, QHeaderView)):
            continue
        if not widget.isVisibleTo(root) or _is_part(widget, root):
            continue
        if widget.window() is not root.window():
            continue
        found.append(widget)
    return found


def tab_chain(root: QWidget, presses: int, key: Qt.Key = Qt.Key.Key_Tab,
              unseen: list[QWidget] | None = None) -> list[QWidget]:
    """Press Tab (or Backtab) on whatever has the focus, until the focus is back where the
    walk began or ``presses`` presses were made; the widget holding the focus after each.
    With ``unseen``, each widget the focus leaves is drawn with and without it, and those
    that look the same are added (focus not visible, WCAG 2.4.7)."""
    window = root.window()
    window.activateWindow()
    QApplication.processEvents()
    visited: list[QWidget] = []
    start = QApplication.focusWidget()
    left = False
    looked: set[int] = set()
    for _ in range(presses):
        target = QApplication.focusWidget() or root
        focused = target.grab().toImage() if unseen is not None else None
        QTest.keyClick(target, key)
        focus = QApplication.focusWidget()
        # a widget that had the focus before any key was pressed may show it only once the
        # keyboard is used (as Qt draws focus): it is judged when Tab brings it round again
        if unseen is not None and focus is not target and id(target) not in looked \
                and any(widget is target for widget in visited):
            looked.add(id(target))
            if target.grab().toImage() == focused:
                unseen.append(target)
        if focus is None:
            continue
        visited.append(focus)
        if start is None:
            start = focus
        elif focus is not start:
            left = True
        elif left:
            break  # round the whole chain and back
    return visited


def _credited(widget: QWidget, root: QWidget) -> set[int]:
    """The widget with the focus counts for itself and the widgets it is part of."""
    out = set()
    current: QWidget | None = widget
    while current is not None and current is not root:
        out.add(id(current))
        current = current.parentWidget()
    return out


def find_trap(visited: list[QWidget], others: int = 1) -> QWidget | None:
    """The widget that kept the focus from some press to the end of a walk that never came
    round (``TRAP_PRESSES`` presses or more), when there are ``others`` controls Tab could
    have gone on to. A label of links or a list keeps the focus for a few presses and then
    lets go; a trap never does."""
    if not visited or not others:
        return None
    last = visited[-1]
    run = 0
    for widget in reversed(visited):
        if widget is not last:
            break
        run += 1
    return last if run >= TRAP_PRESSES else None


@dataclass
class AccessReport:
    """What ``audit`` found on one screen."""

    interactive: list[QWidget]
    unnamed: list[QWidget] = field(default_factory=list)
    marked_up: list[QWidget] = field(default_factory=list)
    unreachable: list[QWidget] = field(default_factory=list)
    trap: QWidget | None = None
    chain: list[QWidget] = field(default_factory=list)
    focus_unseen: list[QWidget] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"{len(self.interactive)} interactive"]
        for title, widgets in (("unnamed", self.unnamed), ("marked up", self.marked_up),
                               ("not reached by Tab", self.unreachable),
                               ("focus not shown", self.focus_unseen)):
            lines.append(f"{len(widgets)} {title}: " + "; ".join(describe(w) for w in widgets))
        lines.append(f"trap: {describe(self.trap) if self.trap is not None else 'none'}")
        return "\n".join(lines)

    @property
    def clean(self) -> bool:
        return not (self.unnamed or self.marked_up or self.unreachable or self.trap
                    or self.focus_unseen)


def _expected_in_chain(widget: QWidget) -> bool:
    if not widget.isEnabled():
        return False
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QToolBar, QMenuBar)):
            return False
        parent = parent.parentWidget()
    return True


def audit(root: QWidget, *, backwards: bool = True, skip: Iterable[QWidget] = ()) -> AccessReport:
    """Measure ``root`` (a shown window or a widget in one); see the module's docstring.
    ``skip``: widgets left out of the measure (with their parts)."""
    skipped = {id(w) for w in skip}
    widgets = [w for w in interactive_widgets(root)
               if not (_credited(w, root) & skipped)]
    report = AccessReport(widgets)
    for widget in widgets:
        name = accessible_name(widget).strip()
        if not name:
            report.unnamed.append(widget)
        elif MARKUP.search(name):
            report.marked_up.append(widget)
    presses = 4 * len(widgets) + 40
    report.chain = tab_chain(root, presses, unseen=report.focus_unseen)
    others = sum(1 for w in widgets if _expected_in_chain(w)) - 1
    report.trap = find_trap(report.chain, others)
    back: list[QWidget] = []
    if backwards:  # Shift+Tab too: it must not be kept, and it reaches what Tab enabled
        back = tab_chain(root, presses, Qt.Key.Key_Backtab)  # behind it (a table's buttons)
        report.trap = report.trap or find_trap(back, others)
    reached: set[int] = set()
    for widget in (*report.chain, *back):
        reached |= _credited(widget, root)
        reached |= {id(w) for w in _radio_group(widget)}
    report.unreachable = [w for w in widgets
                          if _expected_in_chain(w) and id(w) not in reached]
    return report


def _radio_group(widget: QWidget) -> list[QWidget]:
    """The radio buttons chosen among with the arrows once Tab is on one of them."""
    if not isinstance(widget, QRadioButton):
        return []
    group = widget.group()
    if group is not None and group.exclusive():
        return list(group.buttons())
    parent = widget.parentWidget()
    if widget.autoExclusive() and parent is not None:
        return [w for w in parent.findChildren(QRadioButton)
                if w.parentWidget() is parent and w.autoExclusive()]
    return []


def apply_app_theme(app: QApplication) -> Iterator[None]:
    """The app's style and palette, as ``application()`` sets them, put back afterwards (for a
    fixture: screens are measured as the app shows them)."""
    from PySide6.QtGui import QPalette

    from supervision_audit.ui.common.theme import apply_theme

    before_style, before_palette = app.style().name(), QPalette(app.palette())
    apply_theme(app)
    yield
    app.setStyle(before_style)
    app.setPalette(before_palette)
