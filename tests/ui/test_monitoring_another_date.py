"""A session written up under "Another date" is a line of the monitoring sheet in the window
(R1), completed, with a note that it was not planned."""

from __future__ import annotations

from datetime import date, time

from supervision_audit.services.access import SYSTEM_ACTOR, Actor
from supervision_audit.services.records import complete_record, start_record
from supervision_audit.services.sessions import UNPLANNED_NOTE, plan_year
from supervision_audit.ui.file.file_data import load_file
from supervision_audit.ui.monitoring.monitoring_panel import MonitoringPanel

TODAY = date(2025, 3, 20)


def test_the_window_lists_it_among_the_planned_sessions(qtbot, store, people,
                                                        tmp_path) -> None:
    with store.write() as session:
        plan_year(session, SYSTEM_ACTOR, people["P1"], date(2025, 1, 6), 0, time(10),
                  months=3)
        record = start_record(session, SYSTEM_ACTOR, form_key="individual",
                              held_on=date(2025, 2, 20), supervisee_uuid=people["P1"])
        complete_record(session, SYSTEM_ACTOR, record.id,
                        {**record.values, "start_time": "14:00", "end_time": "15:30"})
    mia = Actor(username="m1", staff_id=people["M1"], name="Mia Manager",
                staff_role="team_manager")
    panel = MonitoringPanel(store, mia)
    panel.today = lambda: TODAY
    qtbot.addWidget(panel)
    panel.resize(1000, 500)
    panel.show()
    qtbot.waitExposed(panel)
    with store.read() as session:
        panel.show_for(load_file(session, mia, people["P1"], TODAY))
    assert [row[:5] for row in panel.model.text_rows()] == [
        ("06/01/2025", "10:00", "Planned", "", ""),
        ("10/02/2025", "10:00", "Planned", "", ""),
        ("20/02/2025", "14:00", "Completed", "", UNPLANNED_NOTE),
        ("10/03/2025", "10:00", "Planned", "", ""),
    ]
    panel.grab().save(str(tmp_path / "monitoring.png"))
