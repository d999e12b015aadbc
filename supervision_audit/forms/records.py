"""Appendices 4, 5 and 6: the individual, manager and group supervision records, with the
agenda of Appendix 2 as each item's prompts."""

from __future__ import annotations

from supervision_audit.forms.base import Field, FormDef, Kind, Section
from supervision_audit.forms.frameworks import KSS, MANAGER_KSS, PCF

COPY_NOTE = ("Copy to be given to employee within 3 working days, copy retained on supervision "
             "file for manager's records.")


def _item(number: int, key: str, title: str, *extra: Field, guidance: str = "",
          bullets: tuple[str, ...] = ()) -> Section:
    notes = Field(key, "Discussion", Kind.MULTILINE, guidance=guidance)
    prompts = (Field(f"{key}_prompts", "", Kind.STATIC, bullets=bullets),) if bullets else ()
    return Section(key, f"{number}. {title}", prompts + (notes,) + extra)


def _header(with_supervisee: bool = True) -> Section:
    fields = []
    if with_supervisee:
        fields.append(Field("supervisee_name", "Supervisee", required=True, readonly=True))
    fields += [
        Field("supervisor_name", "Supervisor", required=True, readonly=True),
        Field("held_on", "Date", Kind.DATE, required=True),
        Field("start_time", "Start time", Kind.TIME, required=True),
        Field("end_time", "End time", Kind.TIME, required=True),
        Field("venue", "Venue"),
    ]
    return Section("header", "Session", tuple(fields), columns=2)


REVIEW_TABLE = Field(
    "actions_reviewed", "Actions from earlier supervision", Kind.TABLE, readonly=True,
    guidance="Open actions from earlier records: each is marked done or carried forward.",
    columns=(Field("action", "Action"), Field("owner", "By whom"),
             Field("due", "Timescale", Kind.DATE), Field("outcome", "Outcome")),
)

ACTIONS_TABLE = Field(
    "actions", "Actions", Kind.TABLE,
    columns=(Field("action", "Action", Kind.MULTILINE, required=True),
             Field("due", "Timescale", Kind.DATE, required=True),
             Field("owner", "By whom", required=True)),
)


def _next_meeting(number: int) -> Section:
    return Section("next_meeting", f"{number}. Date, Time and Venue of next supervision meeting",
                   (Field("next_date", "Date", Kind.DATE), Field("next_time", "Time", Kind.TIME),
                    Field("next_venue", "Venue")), columns=2)


def _signatures() -> Section:
    return Section("signatures", "Signatures", (
        Field("supervisor_signature", "Manager/Supervisor", Kind.SIGNATURE),
        Field("supervisee_signature", "Employee/Supervisee", Kind.SIGNATURE),
        Field("copy_note", "", Kind.STATIC, text=COPY_NOTE),
    ))


PERFORMANCE_PROMPTS = (
    "Be open about what has gone well and what you have found difficult",
    "Achievements and successes (including compliments and complaints)",
    "Poor practice based on measurable activity and evidence e.g. notices of concern, "
    "inadequate audits and feedback from children, parents, colleagues and partners",
    "Measurable evidence against requirements of the role (the journey of the child against "
    "the case record, progression of cases in supervision, feedback)",
    "Development of Practice - moving towards excellence (formal training, informal "
    "individual session, group session etc.)",
    "Review Appraisal objectives and any evidence brought to supervision",
    "Case file Audits",
)

WELFARE_PROMPTS = (
    "Work/Life balance (annual leave, TOIL, managing attendance, health and health "
    "appointments)",
    "Any other issues significantly impacting on performance e.g. Risk Assessment, "
    "Accident/Incident Forms",
    "Work related issues impacting upon the supervisee",
    "Personal issues directly impacting on performance",
)

INDIVIDUAL = FormDef(
    key="individual",
    title="Individual Standard Supervision Recording Template",
    reference="Appendix 4",
    sections=(
        _header(),
        _item(1, "welcome", "Welcome, wellbeing check and agreed Agenda"),
        _item(2, "review", "Review of last supervision and update on action list",
              REVIEW_TABLE),
        _item(3, "workload", "Workload/Case Load/Allocations"),
        _item(4, "casework", "Case work discussion",
              Field("cases_discussed", "Cases discussed", Kind.TABLE, columns=(
                  Field("case", "Case reference", required=True),
                  Field("recorded_on", "Decision recorded on child's file", Kind.DATE),
                  Field("note", "Decision / note"))),
              guidance="Most of these will be completed directly onto the child's case "
                       "record."),
        _item(5, "reflective", "Reflective Practice Discussion (case, person, incident, theme)",
              Field("kss", "Knowledge and Skills Statements", Kind.TAGS, choices=KSS),
              Field("pcf", "Professional Capabilities Framework domains", Kind.TAGS,
                    choices=PCF),
              guidance="For NQSWs/QSWs relate to the Professional Capabilities Framework (PCF) "
                       "and the Knowledge and Skills Statements (KSS)."),
        _item(6, "performance", "Performance, Development and Training",
              guidance="Including discussion of supervision audit and case file audits. For "
                       "NQSWs, also use the ASYE Tracker.", bullets=PERFORMANCE_PROMPTS),
        _item(7, "welfare", "Welfare", bullets=WELFARE_PROMPTS),
        _item(8, "aob", "Any Other Business"),
        Section("actions_section", "9. Action required from this supervision",
                (ACTIONS_TABLE,)),
        _next_meeting(10),
        _signatures(),
    ),
)

MANAGER = FormDef(
    key="manager",
    title="Managers Supervision Recording Template",
    reference="Appendix 5",
    sections=(
        _header(),
        _item(1, "welcome", "Welcome, wellbeing check and agreed agenda"),
        _item(2, "review", "Review of last supervision and update on action list",
              REVIEW_TABLE),
        _item(3, "staffing", "Staffing"),
        _item(4, "workload", "Workload/Allocations/Team"),
        _item(5, "cases", "Specific Cases"),
        _item(6, "budgets", "Budgets"),
        _item(7, "complaints", "Complaints/Compliments"),
        _item(8, "performance", "Performance, Development and Training",
              Field("audit_actions", "Open actions from supervision file audits", Kind.TABLE,
                    readonly=True, columns=(Field("action", "Action"), Field("owner", "By whom"),
                                            Field("due", "By when", Kind.DATE))),
              Field("kss", "Knowledge and Skills Statements for practice supervisors and "
                           "practice leaders", Kind.TAGS, choices=MANAGER_KSS,
                    guidance="The statements the development of management practice "
                             "discussed relates to."),
              guidance="Including discussion of case file audit and closing the loop activity.",
              bullets=("Audits (supervision and casefile)", "Supervision",
                       "Performance Reports", "Development of Management Practice",
                       "Team Meetings", "Appraisals")),
        _item(9, "welfare", "Welfare", bullets=WELFARE_PROMPTS),
        _item(10, "aob", "Any Other Business"),
        Section("actions_section", "11. Action required from this supervision",
                (ACTIONS_TABLE,)),
        _next_meeting(12),
        _signatures(),
    ),
)

GROUP = FormDef(
    key="group",
    title="Group Supervision Recording Template",
    reference="Appendix 6",
    sections=(
        Section("purpose", "Purpose", (Field(
            "purpose_note", "", Kind.STATIC,
            text="The purpose of this template is to ensure there is an agreed record of "
                 "discussions during Group Supervision sessions. Copy to be provided for each "
                 "supervisee and their line manager and placed on each individual's "
                 "supervision file."),)),
        _header(with_supervisee=False),
        Section("attendees_section", "Attendees", (
            Field("attendees", "Attendees", Kind.TAGS, required=True,
                  guidance="Everyone who attended: the record goes on each of their files."),)),
        Section("agenda", "Agreed Agenda", (Field("agreed_agenda", "Agreed Agenda",
                                                  Kind.MULTILINE, required=True),)),
        Section("summary", "Summary of Discussions (use signs of safety approach)", (
            Field("worried", "What are we worried about?", Kind.MULTILINE, required=True),
            Field("working_well", "What is working well?", Kind.MULTILINE, required=True),
            Field("needs_to_happen", "What needs to happen?", Kind.MULTILINE, required=True),
        )),
        Section("reflections", "Reflections/Comments", (
            Field("reflections", "Reflections/Comments", Kind.MULTILINE),)),
        Section("learning", "Capture 3 Learning Points", (
            Field("learning_1", "Learning point 1", required=True),
            Field("learning_2", "Learning point 2", required=True),
            Field("learning_3", "Learning point 3", required=True),
        )),
        Section("actions_section", "Capture Action Points", (ACTIONS_TABLE,)),
        Section("signatures", "Signatures", (
            Field("supervisor_signature", "Supervisor", Kind.SIGNATURE),)),
    ),
)
