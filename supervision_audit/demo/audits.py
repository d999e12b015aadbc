"""The demo's audits (one of each judgement) and direct observations of supervisors."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from supervision_audit.dates import add_months
from supervision_audit.demo.acting import acting_as
from supervision_audit.services.audit_programme import record_observation
from supervision_audit.services.audits import save_audit, start_audit
from supervision_audit.services.staff import get_by_staff_id

# auditor, supervisee, months ago, judgement chosen
AUDITS = (("O011", "P101", 1, "outstanding"), ("O011", "P202", 2, "good"),
          ("H020", "P302", 3, "requires_improvement"), ("H020", "A303", 4, "inadequate"),
          ("O011", "P102", 5, "good"))
RATIONALE = "Judged on the whole file and the conversation with the supervisor."


def seed_audits(session: Session, today: date) -> None:
    for auditor_id, supervisee_id, months, judgement in AUDITS:
        auditor = acting_as(session, get_by_staff_id(session, auditor_id).id)
        on = add_months(today, -months)
        audit = start_audit(session, auditor, get_by_staff_id(session, supervisee_id).id, on)
        values = dict(audit.values)
        for key, proposal in audit.proposals.items():
            if proposal["outcome"] == "no" and judgement == "outstanding":
                values[f"{key}_outcome"] = "yes"
                values[f"{key}_comment"] = "Seen in the file and discussed with the supervisor."
        values.update(judgement=judgement, judgement_rationale=RATIONALE, actions=[
            {"action": "Record welfare discussions every month", "owner":
             values["supervisor_name"], "due": (on + timedelta(days=30)).isoformat()}])
        save_audit(session, auditor, audit.id, values, complete=True)
    for observer_id, supervisor_id, months in (("O011", "T100", 3), ("H020", "T300", 7)):
        observer = acting_as(session, get_by_staff_id(session, observer_id).id)
        record_observation(session, observer, get_by_staff_id(session, supervisor_id).id,
                           add_months(today, -months), strengths="A calm, well-structured "
                           "session; good use of the child's chronology.",
                           areas_to_develop="More challenge where plans drift.")
