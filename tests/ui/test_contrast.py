"""The colours the windows use, measured with WCAG 2.2's formula: text 4.5:1 or more against
what it is shown on (1.4.3), and the edge of a control or a line that carries meaning 3:1 or
more (1.4.11). The pairs are read from the modules that use them, and the edges of controls
from what the style actually draws."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.ui.asye import asye_charts
from supervision_audit.ui.audits import audit_evidence_view
from supervision_audit.ui.common import style
from supervision_audit.ui.common.theme import apply_theme
from supervision_audit.ui.dashboard import dashboard_tiles, reminders, trend_chart
from supervision_audit.ui.monitoring import monitoring_model
from supervision_audit.ui.records import record_table
from supervision_audit.ui.staff import staff_model
from supervision_audit.ui.widgets.date_field import DateField
from supervision_audit.ui.widgets.signature_pad import SignaturePad
from supervision_audit.ui.widgets.time_field import TimeField

TEXT = 4.5  # WCAG 1.4.3, normal text
EDGE = 3.0  # WCAG 1.4.11, the parts of controls and meaningful graphics


def luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def over(colour: QColor, ground: QColor) -> QColor:
    """A see-through colour as it shows on ``ground`` (Qt's placeholder text is half
    transparent)."""
    alpha = colour.alphaF()
    return QColor.fromRgbF(*(alpha * getattr(colour, c)() + (1 - alpha) * getattr(ground, c)()
                             for c in ("redF", "greenF", "blueF")))


def contrast(a: QColor | str, b: QColor | str) -> float:
    ground = QColor(b)
    light, dark = sorted((luminance(over(QColor(a), ground)), luminance(ground)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_formula_gives_wcags_own_figures() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast("#308cc6", "#ffffff") == pytest.approx(3.69, abs=0.01)  # Fusion's blue
    assert contrast(QColor(0, 0, 0, 128), "#ffffff") == pytest.approx(4.0, abs=0.01)


@pytest.fixture
def theme(qapp: QApplication) -> Iterator[QPalette]:
    """The app's style and palette, as ``application()`` sets them; put back afterwards."""
    before_style, before_palette = qapp.style().name(), QPalette(qapp.palette())
    apply_theme(qapp)
    yield qapp.palette()
    qapp.setStyle(before_style)
    qapp.setPalette(before_palette)


def role(palette: QPalette, name: str) -> QColor:
    return palette.color(QPalette.ColorGroup.Active, getattr(QPalette.ColorRole, name))


def sheet_colours(css: str) -> dict[str, tuple[str | None, str | None]]:
    """Each rule of a style sheet: selector -> (text colour, background)."""
    rules = {}
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        fg = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", body)
        bg = re.search(r"background:\s*(#[0-9a-fA-F]{6}|white)", body)
        rules[selector.strip()] = (fg[1] if fg else None, bg[1] if bg else None)
    return rules


def text_pairs(palette: QPalette) -> Iterator[tuple[str, str | QColor, str | QColor]]:
    """(where, text colour, background) for every text colour the windows use."""
    window, base, alternate = role(palette, "Window"), role(palette, "Base"), \
        role(palette, "AlternateBase")
    for text, ground in (("Text", "Base"), ("Text", "AlternateBase"), ("WindowText", "Window"),
                         ("ButtonText", "Button"), ("PlaceholderText", "Base"),
                         ("HighlightedText", "Highlight"), ("Link", "Base"),
                         ("ToolTipText", "ToolTipBase")):
        yield f"palette {text} on {ground}", role(palette, text), role(palette, ground)
    grounds = {"window": window, "field": base, "alternate row": alternate}
    for name in ("NOTE", "PROBLEM", "ACCENT", "WARNING_FG", "OK_FG", "BAD_FG"):
        for ground_name, ground in grounds.items():
            yield f"style.{name} on the {ground_name}", getattr(style, name), ground
    for kind in ("ok", "warning", "bad", "neutral"):
        (fg, bg), = sheet_colours(style.chip_style(kind)).values()
        yield f"the {kind} chip", fg, bg
    for table, colours in (("records", record_table.STATUS_COLOURS),
                           ("monitoring", monitoring_model.STATUS_COLOURS)):
        for status, colour in colours.items():
            for ground_name, ground in (("row", base), ("alternate row", alternate)):
                yield f"{table} table: {status} on a {ground_name}", colour, ground
    yield "monitoring: an overdue escalation", style.BAD_FG, style.BAD_BG
    for ground_name, ground in (("row", base), ("alternate row", alternate)):
        yield f"staff list: a leaver on a {ground_name}", staff_model.LEFT_BRUSH.color(), ground
    for state, (bg, _edge, fg) in dashboard_tiles.TILE_COLOURS.items():
        css = dashboard_tiles.TILE_STYLE.format(bg=bg, border=_edge, fg=fg)
        for selector, (text, _ground) in sheet_colours(css).items():
            if text and selector.startswith("QLabel"):
                yield f"{state} tile: {selector}", text, bg
    panel = sheet_colours(reminders.ReminderPanel().styleSheet())
    ground = panel["QFrame#reminder_panel"][1]
    for selector, (text, _ground) in panel.items():
        if text:
            yield f"reminders: {selector}", text, ground
    yield "reminders: a name that opens", reminders.LINK, ground
    card = sheet_colours(audit_evidence_view.CARD_STYLE)["QFrame#evidence_card"][1]
    for selector, (text, _ground) in sheet_colours(audit_evidence_view.LINK_STYLE).items():
        yield f"audit evidence: {selector}", text, card
    yield "trend chart: axis", trend_chart.AXIS_TEXT, "#ffffff"
    yield "ASYE charts: ink", asye_charts.INK, "#ffffff"
    for key, (_caption, _legend, band, ink) in asye_charts.PHASES.items():
        yield f"ASYE timeline: the {key} caption on its band", ink, band
    for state, colour in asye_charts.STATE_COLOURS.items():
        yield f"ASYE milestone: {state}", colour, "#ffffff"


def test_every_text_colour_reads_at_4_5_to_1(theme) -> None:
    low = [f"{where}: {QColor(fg).name()} on {QColor(bg).name()} = {contrast(fg, bg):.2f}"
           for where, fg, bg in text_pairs(theme) if contrast(fg, bg) < TEXT]
    assert low == []


def test_every_line_that_carries_meaning_shows_at_3_to_1(theme) -> None:
    window, base = role(theme, "Window"), role(theme, "Base")
    pairs = [("style.BORDER on the window", style.BORDER, window),
             ("style.BORDER on a field", style.BORDER, base),
             ("the focus edge (the selection, darker)", role(theme, "Highlight").darker(125),
              window)]
    for state, (_bg, edge, _fg) in dashboard_tiles.TILE_COLOURS.items():
        pairs.append((f"{state} tile's edge on the page", edge, window))
    for number, colour in enumerate(trend_chart.PALETTE):
        pairs.append((f"trend chart line {number + 1}", colour, "#ffffff"))
    pairs += [("ASYE timeline: the year to come", asye_charts.FUTURE, "#ffffff"),
              ("ASYE chart: KSS", asye_charts.KSS_COLOUR, "#ffffff"),
              ("ASYE chart: PCF", asye_charts.PCF_COLOUR, "#ffffff"),
              ("dashboard: an urgent line's mark", style.BAD_FG, base),
              ("dashboard: a line's mark", style.NOTE, base)]
    low = [f"{where}: {QColor(fg).name()} on {QColor(bg).name()} = {contrast(fg, bg):.2f}"
           for where, fg, bg in pairs if contrast(fg, bg) < EDGE]
    assert low == []


def _edge_contrast(image, widget: QWidget, window: QWidget, background: QColor,
                   reach: int = 6) -> tuple[float, str]:
    """The darkest colour across the left edge of ``widget`` as drawn, against the window."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    rect = QRect(top_left, widget.size())
    y = rect.center().y()
    colours = [image.pixelColor(x, y) for x in range(rect.left(), rect.left() + reach)]
    darkest = min(colours, key=luminance)
    return contrast(darkest, background), darkest.name()


def test_the_edges_of_controls_are_drawn_at_3_to_1_or_more(qtbot, theme) -> None:
    window = QWidget()
    column = QVBoxLayout(window)
    placeholder = QLineEdit()
    placeholder.setPlaceholderText("Search by name")
    date_field, time_field = DateField(), TimeField()
    combo = QComboBox()
    combo.addItems(["One", "Two"])
    text = QPlainTextEdit()
    text.setFixedHeight(60)
    pad = SignaturePad()
    controls: dict[str, QWidget] = {
        "button": QPushButton("Save"), "line": placeholder, "spin box": QSpinBox(),
        "combo box": combo, "text box": text, "date": date_field.line,
        "calendar button": date_field.button, "time": time_field, "signature pad": pad}
    for widget in (*(w for w in controls.values() if w is not date_field.line
                     and w is not date_field.button), date_field):
        column.addWidget(widget)
    check, radio = QCheckBox("Check me"), QRadioButton("Choose me")
    column.addWidget(check)
    column.addWidget(radio)
    qtbot.addWidget(window)
    window.resize(420, 640)
    window.show()
    qtbot.waitExposed(window)
    window.setFocus()  # no control has the focus: each shows its resting edge
    image = window.grab().toImage()
    background = role(theme, "Window")
    assert image.pixelColor(1, 1).name() == background.name()
    low = []
    for name, widget in controls.items():
        ratio, seen = _edge_contrast(image, widget, window, background)
        if ratio < EDGE:
            low.append(f"{name}: {seen} = {ratio:.2f}")
    for name, widget in (("check box", check), ("radio button", radio)):
        ratio, seen = _edge_contrast(image, widget, window, background, reach=18)
        if ratio < EDGE:
            low.append(f"{name}: {seen} = {ratio:.2f}")
    assert low == []
