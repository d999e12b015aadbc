"""The demo's ASYE workers at different points of their year: one just started, one with the
3-month review done, one overdue on the 6-month review, one deferred at the QA panel."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from supervision_audit.dates import add_months
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.asye import save_tracker
from supervision_audit.services.staff import get_by_staff_id

FEEDBACK = ("A thoughtful log: the analysis of the family's history is clear; next time say "
            "more about how the child's wishes shaped the plan.")


def _yes(values: dict, key: str, day: date | None = None, comment: str = "") -> None:
    values[f"{key}_answer"] = "yes"
    if day is not None:
        values[f"{key}_date"] = day.isoformat()
    if comment:
        values[f"{key}_comment"] = comment


def seed_asye(session: Session, today: date) -> None:
    for staff_id in ("A104", "A203", "A204", "A303"):
        person = get_by_staff_id(session, staff_id)
        start = person.asye_start
        assert start is not None
        values: dict = {"initial_meeting_on": (start + timedelta(days=3)).isoformat()}
        _yes(values, "learning_agreement", comment="Agreed with the ASYE assessor")
        _yes(values, "elearning")
        months = (today.year - start.year) * 12 + today.month - start.month
        if months >= 2:
            _yes(values, "pdp")
            values["crl_1_date"] = (start + timedelta(days=50)).isoformat()
            values["crl_1_feedback"] = FEEDBACK
            values["crl_1_kss"] = ["KSS1", "KSS6"]
            values["crl_1_pcf"] = ["PCF6"]
        if months >= 3:
            _yes(values, "review_3", add_months(start, 3) - timedelta(days=2))
            _yes(values, "observation_1", add_months(start, 2) + timedelta(days=10))
        if staff_id == "A204":
            pass  # 8 months in: the 6-month review was never held (overdue)
        elif months >= 6:
            _yes(values, "review_6", add_months(start, 6) - timedelta(days=1))
            values["crl_2_date"] = add_months(start, 5).isoformat()
            values["crl_2_feedback"] = FEEDBACK
            values["crl_2_kss"] = ["KSS2", "KSS7"]
        if months >= 9 and staff_id != "A204":
            _yes(values, "review_9", add_months(start, 9))
            _yes(values, "observation_2", add_months(start, 8))
            values["crl_3_date"] = add_months(start, 8).isoformat()
            values["crl_3_feedback"] = FEEDBACK
            values["crl_3_kss"] = ["KSS5", "KSS9"]
        if staff_id == "A303":
            _yes(values, "final_meeting", add_months(start, 12))
            _yes(values, "rospa_report", add_months(start, 12) - timedelta(days=5))
            values.update(outcome="defer", qa_panel_date=(add_months(start, 12) +
                                                          timedelta(days=14)).isoformat(),
                          certificate_seen="n_a", merit_increment="n_a",
                          final_meeting_comment="Deferred three months: more evidence of "
                                                "direct work with children needed.")
        save_tracker(session, SYSTEM_ACTOR, person.id, values)
