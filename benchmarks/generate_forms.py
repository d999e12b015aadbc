"""The large organisation's group records, contracts, ASYE trackers and file audits
(mixed into ``generate.Generator``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from datetime import time as clock
from typing import Any

from benchmarks.generate_data import (
    FEEDBACK,
    Person,
)
from supervision_audit.dates import add_months
from supervision_audit.demo.sessions import GROUP_DISCUSSION
from supervision_audit.forms.audit import SUBJECTS
from supervision_audit.forms.contract import (
    FREQUENCY_ASYE,
    FREQUENCY_MONTHLY,
    FREQUENCY_SIX_WEEKLY,
)
from supervision_audit.models import (
    ActionItem,
    AsyeTracker,
    AuditAction,
    Contract,
    DirectObservation,
    FileAudit,
    GroupAttendee,
    SupervisionRecord,
)
from supervision_audit.services import signatures as sig
from supervision_audit.services.signatures import canonical_hash


class FormsMixin:
    """Mixed into Generator, which provides the writer, the people and the helpers."""

    def groups(self, manager: Person) -> None:
        rng = self.rng
        members = [m for m in self.members.get(manager.id, ()) if m.role != "foster_carer"]
        months = 12 * self.years
        for back in range(months, 0, -3):
            held_on = self.working(add_months(self.today, -back).replace(day=15))
            present = [m for m in members if m.employment_start <= held_on]
            if not present or rng.random() < 0.1:
                continue
            record_id = self.new_id()
            values: dict[str, Any] = {
                "supervisor_name": manager.name, "held_on": held_on.isoformat(),
                "start_time": "13:00", "end_time": "14:30", "venue": "Team room",
                "attendees": [m.name for m in present], **GROUP_DISCUSSION,
                "actions": [{"action": "Circulate the mapping template", "owner": manager.name,
                             "due": (held_on + timedelta(days=7)).isoformat()}]}
            for m in present:
                self.w.add(GroupAttendee, {"record_id": record_id, "staff_id": m.id})
            action = self.base(held_on)
            action.update(record_id=record_id, supervisee_id=None, number=1,
                          description="Circulate the mapping template", owner=manager.name,
                          due_date=held_on + timedelta(days=7),
                          status="done" if back > 1 else "open",
                          done_on=held_on + timedelta(days=5) if back > 1 else None)
            self.w.add(ActionItem, action)
            start, end = clock(13), clock(14, 30)
            content_hash = canonical_hash({
                "kind": "record", "id": str(record_id), "form": "group", "supervisee": "",
                "supervisor": str(manager.id), "held_on": held_on.isoformat(),
                "start": start.isoformat(), "end": end.isoformat(), "values": values})
            at = datetime.combine(held_on, clock(17), tzinfo=UTC)
            self.sign("record", record_id, manager, "supervisor", sig.SUPERVISOR_MEANING, at,
                      content_hash)
            everyone = rng.random() < 0.95
            for m in present if everyone else present[:-1]:
                self.sign("record", record_id, m, "attendee", sig.ATTENDEE_MEANING,
                          at + timedelta(days=1), content_hash)
            row = self.base(held_on)
            row.update(id=record_id, form_key="group", session_id=None, supervisee_id=None,
                       supervisor_id=manager.id, held_on=held_on, start_time=start,
                       end_time=end, status="complete", values=values,
                       draft_saved_at=self.stamp(held_on, 17), locked_at=None,
                       copy_given_on=None, copy_method="")
            self.w.add(SupervisionRecord, row)
            if everyone:
                self.w.lock(record_id, at + timedelta(days=1))

    # -- contracts, ASYE, audits -----------------------------------------------------------
    def contracts(self, p: Person) -> None:
        rng = self.rng
        if p.supervisor is None or rng.random() < 0.03:
            return  # no contract yet
        boss = self.by_id[p.supervisor]
        manager = self.by_id.get(boss.supervisor) if boss.supervisor else None
        frequency = (FREQUENCY_ASYE if p.role == "asye" else FREQUENCY_SIX_WEEKLY
                     if p.role == "foster_carer" else FREQUENCY_MONTHLY)
        day = max(p.employment_start, self.window_start) + timedelta(days=rng.randint(3, 30))
        dates = []
        while day < self.today:
            dates.append(day)
            day = add_months(day, 12) + timedelta(days=rng.randint(-20, 45))
        if p.changed_on is not None and rng.random() < 0.8:
            dates = sorted({*dates, p.changed_on + timedelta(days=rng.randint(5, 40))})
            dates = [d for d in dates if d < self.today]
        previous: dict[str, Any] | None = None
        for version, agreed in enumerate(dates, start=1):
            row = self.base(agreed)
            supervisor = self.by_id.get(p.supervisor_on(agreed)) or boss
            values = {"frequency": frequency, "duration_minutes": 90,
                      "disagreement_process": "Raised and explored in supervision first; if "
                      "unresolved, referred to the named intermediary.",
                      "supervisee_name": p.name, "supervisee_job_title": p.job_title,
                      "supervisee_team_location": self.teams[p.team][0],
                      "supervisor_name": supervisor.name,
                      "supervisor_job_title": supervisor.job_title,
                      "supervisor_team_location": self.teams[supervisor.team][0],
                      "supervisor_manager": manager.name if manager else "",
                      "supervisor_contact_number": f"0121 555 {supervisor.staff_id[1:]}",
                      "venue": "Meeting Room 2", "intermediary": manager.name if manager else "",
                      "additions": "", "date_agreed": agreed.isoformat()}
            content = {"kind": "contract", "id": str(row["id"]), "version": version,
                       "supervisee": str(p.id), "supervisor": str(supervisor.id),
                       "date_agreed": agreed.isoformat(), "values": values}
            locked, _copy, _method = self.sign_both(
                "contract", row["id"], supervisor, p, agreed, canonical_hash(content),
                sig.CONTRACT_SUPERVISOR, sig.CONTRACT_SUPERVISEE)
            row.update(supervisee_id=p.id, supervisor_id=supervisor.id, version=version,
                       date_agreed=agreed, agreed_interval_days=None, values=values,
                       superseded_by_id=None, locked_at=locked)
            if previous is not None:
                previous["superseded_by_id"] = row["id"]
            self.w.add(Contract, row)
            previous = row

    def asye(self, p: Person) -> None:
        if p.asye_start is None or p.supervisor is None:
            return
        start = p.asye_start
        months = (self.today.year - start.year) * 12 + self.today.month - start.month
        values: dict[str, Any] = {
            "nqsw_name": p.name, "asye_start": start.isoformat(),
            "initial_meeting_on": (start + timedelta(days=3)).isoformat(),
            "learning_agreement_answer": "yes", "elearning_answer": "yes"}
        milestones = ((2, "pdp", None), (3, "review_3", add_months(start, 3)),
                      (3, "observation_1", add_months(start, 2)),
                      (6, "review_6", add_months(start, 6)),
                      (9, "review_9", add_months(start, 9)),
                      (9, "observation_2", add_months(start, 8)),
                      (12, "final_meeting", add_months(start, 12)),
                      (12, "rospa_report", add_months(start, 12) - timedelta(days=5)))
        for after, key, day in milestones:
            if months >= after and self.rng.random() < 0.95:
                values[f"{key}_answer"] = "yes"
                if day is not None:
                    values[f"{key}_date"] = day.isoformat()
        for n, after in ((1, 2), (2, 5), (3, 8)):
            if months >= after:
                values[f"crl_{n}_date"] = add_months(start, after).isoformat()
                values[f"crl_{n}_feedback"] = FEEDBACK
                values[f"crl_{n}_kss"] = ["KSS1", "KSS6"]
        finished = months >= 13
        if finished:
            values.update(outcome="pass", qa_panel_date=(add_months(start, 12) + timedelta(
                days=14)).isoformat(), certificate_seen="yes", merit_increment="yes")
        row = self.base(start)
        locked = None
        if finished:
            content = {"kind": "asye", "id": str(row["id"]), "supervisee": str(p.id),
                       "values": values}
            boss = self.by_id[p.supervisor_on(add_months(start, 12))
                              or p.supervisor]
            locked, _c, _m = self.sign_both("asye", row["id"], boss, p, add_months(start, 13),
                                            canonical_hash(content), sig.ASYE_SUPERVISOR,
                                            sig.ASYE_SUPERVISEE)
        row.update(supervisee_id=p.id, values=values, locked_at=locked)
        self.w.add(AsyeTracker, row)

    def audits(self, manager: Person) -> None:
        """Two files of each team manager audited a year by their line manager; one direct
        observation of the manager a year."""
        rng = self.rng
        auditor = self.by_id.get(manager.supervisor) if manager.supervisor else None
        team = [m for m in self.members.get(manager.id, ()) if m.role != "foster_carer"]
        if auditor is None or not team:
            return
        for year in range(self.years):
            for _ in range(2):
                on = self.working(self.window_start + timedelta(
                    days=365 * year + rng.randint(20, 340)))
                person = rng.choice(team)
                if on >= self.today or person.employment_start > on:
                    continue
                judgement = rng.choice(("outstanding", "good", "good", "requires_improvement",
                                        "inadequate"))
                values: dict[str, Any] = {
                    "supervisor_name": manager.name, "supervisee_name": person.name,
                    "team": self.teams[manager.team][0], "auditor_name": auditor.name,
                    "completed_on": on.isoformat(),
                    "period": f"{add_months(on, -6):%d/%m/%Y} to {on:%d/%m/%Y}",
                    "judgement": judgement,
                    "judgement_rationale": "Judged on the whole file and the conversation "
                                           "with the supervisor."}
                proposals = {}
                for key, title, _questions, may_be_na in SUBJECTS:
                    outcome = "yes" if rng.random() < 0.8 else ("n_a" if may_be_na else "no")
                    values[f"{key}_outcome"] = outcome
                    proposals[key] = {"subject": title, "outcome": outcome, "figures": []}
                actions = [{"action": "Record welfare discussions every month",
                            "owner": manager.name,
                            "due": (on + timedelta(days=30)).isoformat()}]
                values["actions"] = actions
                row = self.base(on)
                row.update(supervisee_id=person.id, supervisor_id=manager.id,
                           auditor_id=auditor.id, completed_on=on,
                           period_start=add_months(on, -6), status="complete",
                           judgement=judgement, values=values, proposals=proposals,
                           locked_at=None)
                self.w.add(FileAudit, row)
                done = on + timedelta(days=40) < self.today
                action = self.base(on)
                action.update(audit_id=row["id"], supervisor_id=manager.id, number=1,
                              description=actions[0]["action"], owner=manager.name,
                              due_date=on + timedelta(days=30),
                              status="done" if done else "open",
                              done_on=on + timedelta(days=28) if done else None)
                self.w.add(AuditAction, action)
            observed = self.working(self.window_start + timedelta(
                days=365 * year + rng.randint(30, 330)))
            if observed < self.today:
                row = self.base(observed)
                row.update(supervisor_id=manager.id, observer_id=auditor.id,
                           observed_on=observed, session_id=None,
                           strengths="A calm, well-structured session; good use of the "
                                     "child's chronology.",
                           areas_to_develop="More challenge where plans drift.",
                           locked_at=None)
                self.w.add(DirectObservation, row)
