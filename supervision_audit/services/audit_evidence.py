"""Evidence from the file for each subject of the audit (Appendix 7), over its 12 months.

Each subject gets a proposed outcome and the figures behind it, each figure naming the
records it counts, so the auditor can open them.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from supervision_audit.dates import format_date
from supervision_audit.models import (
    Attachment,
    Signature,
    Staff,
    SupervisionRecord,
    SupervisionSession,
)
from supervision_audit.policy import audit_period, copy_due, next_due
from supervision_audit.services.contracts import (
    contract_status,
    in_force,
    latest_contract,
    review_due,
    signed_on,
)


@dataclass
class Figure:
    label: str
    value: str
    record_ids: list[str] = field(default_factory=list)


@dataclass
class Evidence:
    subject: str
    outcome: str  # the proposal: "yes", "no" or "n_a"
    figures: list[Figure] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


STATUS_WORDS = {"missing": "no contract", "draft": "not signed by both",
                "current": "current", "review_due": "due for review"}


def _share(part: list[Any], whole: list[Any]) -> str:
    return f"{len(part)} of {len(whole)}" + (f" ({round(100 * len(part) / len(whole))}%)"
                                             if whole else "")


def _ids(records: list[SupervisionRecord]) -> list[str]:
    return [str(r.id) for r in records]


def _filled(record: SupervisionRecord, key: str) -> bool:
    value = record.values.get(key)
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def gather(session: Session, person: Staff, completed_on: date) -> dict[str, Evidence]:
    """The evidence for every subject, for the 12 months before ``completed_on``."""
    start, end = audit_period(completed_on)
    records = list(session.exec(select(SupervisionRecord).where(
        SupervisionRecord.supervisee_id == person.id, SupervisionRecord.status == "complete",
        SupervisionRecord.held_on > start, SupervisionRecord.held_on <= end)
        .order_by(col(SupervisionRecord.held_on))))
    sessions = list(session.exec(select(SupervisionSession).where(
        SupervisionSession.supervisee_id == person.id, SupervisionSession.status == "completed",
        SupervisionSession.planned_date > start, SupervisionSession.planned_date <= end)
        .order_by(col(SupervisionSession.planned_date))))
    attachments = list(session.exec(select(Attachment).where(
        Attachment.staff_id == person.id)))
    out = {}
    out["contract"] = _contract(session, person, completed_on)
    welfare = [r for r in records if _filled(r, "welfare")]
    out["welfare"] = Evidence("welfare", "yes" if records and len(welfare) >= 0.75 *
                              len(records) else "no",
                              [Figure("Records with the welfare item filled",
                                      _share(welfare, records), _ids(welfare))])
    out["timescales"] = _timescales(session, person, sessions, start, end)
    out["recording"] = _recording(session, sessions, records)
    with_cases = [r for r in records if r.values.get("cases_discussed")]
    from supervision_audit.services.cases import case_statuses

    stale = [c for c in case_statuses(session, person.id, end) if c.overdue]
    has_cases = bool(case_statuses(session, person.id, end)) or bool(with_cases)
    out["journey"] = Evidence(
        "journey", "n_a" if not has_cases else
        "yes" if with_cases and len(with_cases) >= 0.5 * len(records) and not stale else "no",
        [Figure("Records with case discussion", _share(with_cases, records), _ids(with_cases)),
         Figure("Cases not discussed within their interval",
                ", ".join(c.case.reference for c in stale) or "none")])
    reflective = [r for r in records if _filled(r, "reflective")]
    tagged = [r for r in reflective if r.values.get("kss") or r.values.get("pcf")]
    out["reflective"] = Evidence(
        "reflective", "yes" if records and len(reflective) >= 0.5 * len(records) else "no",
        [Figure("Records with a reflective discussion", _share(reflective, records),
                _ids(reflective)),
         Figure("…of which tagged with KSS or PCF", _share(tagged, reflective), _ids(tagged))])
    case_audits = [a for a in attachments if a.section == 6]
    discussed = [r for r in records if "audit" in str(r.values.get("performance", "")).lower()]
    out["audits"] = Evidence("audits", "yes" if case_audits and discussed else "no", [
        Figure("Case-file audits on file", str(len(case_audits)),
               [str(a.id) for a in case_audits]),
        Figure("Records discussing audits", _share(discussed, records), _ids(discussed))])
    appraisal = [r for r in records if _filled(r, "performance")]
    out["appraisal"] = Evidence(
        "appraisal", "yes" if records and len(appraisal) >= 0.75 * len(records) else "no",
        [Figure("Records with performance, development and training discussed",
                _share(appraisal, records), _ids(appraisal)),
         Figure("Appraisal documents on file", str(sum(a.section == 4 for a in attachments)))])
    disagreements = list(session.exec(select(Signature).where(
        col(Signature.record_id).in_([r.id for r in records]),
        col(Signature.meaning).contains("disagree"))))
    out["disagreement"] = Evidence(
        "disagreement", "yes" if disagreements else "n_a",
        [Figure("Records signed with a disagreement", str(len(disagreements)),
                [str(s.record_id) for s in disagreements])])
    out["additional"] = Evidence("additional", "n_a", [])
    out["asye"] = _asye(session, person, end)
    capability = [a for a in attachments if a.section in (7, 8)]
    out["capability"] = Evidence("capability", "yes" if capability else "n_a", [
        Figure("Attendance and performance documents on file", str(len(capability)),
               [str(a.id) for a in capability])])
    on_probation = person.employment_start is not None and person.employment_start > start
    probation = [a for a in attachments if a.section == 10]
    out["probation"] = Evidence(
        "probation", "n_a" if not on_probation else "yes" if probation else "no",
        [Figure("Probationary assessments on file", str(len(probation)),
                [str(a.id) for a in probation])])
    return out


def _contract(session: Session, person: Staff, on: date) -> Evidence:
    """R4 on the audit date: the contract in force (signed by both parties by then); a
    later draft is named, but only a signed contract answers yes."""
    contract = in_force(session, person.id, on) or latest_contract(session, person.id)
    if contract is None:
        return Evidence("contract", "no", [Figure("Supervision contract", "none on file")])
    status = contract_status(session, person.id, on)
    signed = signed_on(session, contract)
    due = review_due(session, contract, on)
    return Evidence("contract", "yes" if status == "current" else "no", [
        Figure("Supervision contract", f"version {contract.version}, agreed "
               f"{format_date(contract.date_agreed)}" if contract.date_agreed else "undated",
               [str(contract.id)]),
        Figure("Signed by both", "yes" if signed is not None and signed <= on else
               "no: a draft, its terms do not apply"),
        Figure("Review due", format_date(due) or "—"),
        Figure("Status on the audit date", STATUS_WORDS.get(status, status))])


def _timescales(session: Session, person: Staff, sessions: list[SupervisionSession],
                start: date, end: date) -> Evidence:
    from supervision_audit.services.sessions import supervisee_terms

    terms = supervisee_terms(session, person, end)
    dates = [s.planned_date for s in sessions]
    late = []
    previous = None
    for day in dates:
        due = next_due(terms, previous) if previous else None
        if due is not None and day > due:
            late.append(day)
        previous = day
    overdue_now = bool(dates) and (next_due(terms, dates[-1]) or end) < end
    figures = [Figure("Sessions held", str(len(dates)), [str(s.id) for s in sessions]),
               Figure("Sessions later than the cadence allowed",
                      ", ".join(d.strftime("%d/%m/%Y") for d in late) or "none"),
               Figure("Overdue at the audit date", "yes" if overdue_now else "no")]
    if terms.contract_interval_days:
        figures.append(Figure("Agreed more frequent interval",
                              f"every {terms.contract_interval_days} days"))
    ok = dates and not late and not overdue_now
    return Evidence("timescales", "yes" if ok else "no", figures)


def _recording(session: Session, sessions: list[SupervisionSession],
               records: list[SupervisionRecord]) -> Evidence:
    recorded_sessions = {r.session_id for r in records}
    recorded = [s for s in sessions if s.id in recorded_sessions]
    signed = [r for r in records if r.locked_at is not None]
    on_time = [r for r in records if r.copy_given_on and r.copy_given_on <= copy_due(r.held_on)]
    reviewed = [r for r in records if all(row.get("outcome") for row in
                                          r.values.get("actions_reviewed") or [])]
    ok = (sessions and len(recorded) == len(sessions) and len(signed) >= 0.9 * len(records)
          and len(on_time) >= 0.9 * len(records) and len(reviewed) == len(records))
    return Evidence("recording", "yes" if ok else "no", [
        Figure("Sessions with a record", _share(recorded, sessions)),
        Figure("Records signed by both", _share(signed, records), _ids(signed)),
        Figure("Copies given within 3 working days", _share(on_time, records), _ids(on_time)),
        Figure("Records reviewing every earlier action", _share(reviewed, records),
               _ids(reviewed))])


def _asye(session: Session, person: Staff, end: date) -> Evidence:
    if person.role != "asye" or person.asye_start is None:
        return Evidence("asye", "n_a", [Figure("ASYE", "not an ASYE worker")])
    from supervision_audit.services.asye import (
        cadence_gaps,
        completed_sessions,
        milestones,
        tracker_values,
    )

    values = tracker_values(session, person)
    states = milestones(person, values, end)
    overdue = [s.name for s in states if s.state == "overdue"]
    gaps = cadence_gaps(person, completed_sessions(session, person.id), end)
    started = any(k.endswith("_answer") for k in values)
    ok = started and not overdue and not gaps and values.get("outcome") != "fail"
    return Evidence("asye", "yes" if ok else "no", [
        Figure("ASYE tracker", "in use" if started else "not started"),
        Figure("Milestones overdue", ", ".join(overdue) or "none"),
        Figure("Gaps longer than the ASYE cadence", str(len(gaps))),
        Figure("Outcome", values.get("outcome", "") or "not yet")])


def person_uuid(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
