"""Appendix 1: the individual supervision contract."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from supervision_audit.errors import Problem
from supervision_audit.forms.base import Field, FormDef, Kind, Section

FREQUENCY_MONTHLY = "monthly"
FREQUENCY_ASYE = "asye"
FREQUENCY_SIX_WEEKLY = "six-weekly"
FREQUENCY_AGREED = "agreed"

FREQUENCY_CHOICES = (
    (FREQUENCY_MONTHLY, "Monthly (policy default)"),
    (FREQUENCY_ASYE, "ASYE: weekly for the first six weeks, then every two weeks to six months"),
    (FREQUENCY_SIX_WEEKLY, "Every six weeks (foster carers)"),
    (FREQUENCY_AGREED, "An agreed, more frequent interval"),
)


def _static(key: str, text: str, bullets: tuple[str, ...] = ()) -> Field:
    return Field(key=key, label="", kind=Kind.STATIC, text=text, bullets=bullets)


def _section(key: str, title: str, *fields: Field, columns: int = 1) -> Section:
    return Section(key=key, title=title, fields=tuple(fields), columns=columns)


def _agreed_interval_rule(values: Mapping[str, Any]) -> list[Problem]:
    if values.get("frequency") != FREQUENCY_AGREED:
        return []
    days = values.get("agreed_interval_days")
    if days in (None, ""):
        return [Problem("agreed_interval_days",
                        "Agreed interval (days) is required when an agreed interval is chosen")]
    if int(days) >= 28:
        return [Problem("agreed_interval_days",
                        "An agreed interval must be more frequent than monthly (under 28 days)")]
    return []


CONTRACT = FormDef(
    key="contract",
    title="Supervision Contract",
    reference="Appendix 1",
    rules=(_agreed_interval_rule,),
    sections=(
        _section(
            "parties", "Parties",
            Field("supervisee_name", "Supervisee", required=True, readonly=True),
            Field("supervisor_name", "Supervisor", required=True, readonly=True),
            Field("supervisee_job_title", "Job Title", readonly=True),
            Field("supervisor_job_title", "Job Title", readonly=True),
            Field("supervisee_team_location", "Team/Location", readonly=True),
            Field("supervisor_team_location", "Team/Location", readonly=True),
            Field("supervisor_manager", "Supervisor's Manager", readonly=True),
            Field("supervisor_contact_number", "Contact Number"),
            columns=2,
        ),
        _section(
            "frequency", "Frequency",
            _static("frequency_terms",
                    "Formal Supervision will take place once every month and cases will be "
                    "discussed at the frequency set in the Supervision Policy. NQSWs in their "
                    "ASYE will have supervision sessions weekly for the first six weeks and then "
                    "every 2 weeks for the first 6 months in line with Standard 5 of the SWRB "
                    "Standards for Employers of Social Workers in England and Supervision "
                    "Framework."),
            Field("frequency", "Frequency agreed", Kind.CHOICE, required=True,
                  choices=FREQUENCY_CHOICES, default=FREQUENCY_MONTHLY),
            Field("agreed_interval_days", "Agreed interval (days)", Kind.INTEGER,
                  minimum=1, maximum=27,
                  guidance="Only for an agreed, more frequent interval, e.g. 14 during "
                           "performance support."),
        ),
        _section(
            "duration", "Duration of Sessions",
            _static("duration_terms",
                    "Formal supervisions should ordinarily last for 1.5 hours. Date and times of "
                    "each session will be noted on the Supervision Monitoring Sheet, which is "
                    "kept on the individual's file."),
            Field("duration_minutes", "Duration (minutes)", Kind.INTEGER, required=True,
                  minimum=15, maximum=480, default=90),
            Field("venue", "They will normally take place at (venue)", required=True),
        ),
        _section(
            "cancellation", "Cancellation",
            _static("cancellation_terms",
                    "If a session is missed, the supervisor and supervisee will first attempt to "
                    "schedule an alternative date for the meeting. The Supervisor must note this "
                    "on the Supervision Monitoring Sheet. If no date is forthcoming, or the "
                    "rescheduled meeting fails to take place both the supervisor and supervisee "
                    "are required to report this to the supervisor's line manager within 2 weeks "
                    "of the initial missed session. In the event that there is no allocated "
                    "supervisor, the line manager will ensure that supervisees are in receipt of "
                    "appropriate supervision."),
        ),
        _section(
            "responsibility", "Employee Responsibility",
            _static("responsibility_terms",
                    "Each employee has a personal responsibility to ensure that they have read "
                    "and understood the supervision policy issued to them. Supervisees have a "
                    "responsibility to",
                    bullets=(
                        "Prepare for each supervision session and bring agenda items",
                        "Bring with them evidence of progress",
                        "Identify any personal/professional development needs",
                        "Any case or issue for reflective discussion",
                        "Seek approval to access Continuous Professional Development "
                        "(CPD)/learning activities to develop and enhance their practice in line "
                        "with their Appraisal and ongoing supervision discussions.",
                    )),
        ),
        _section(
            "agenda", "Agenda and Content",
            _static("agenda_terms",
                    "It is the Supervisor's responsibility to ensure that the discussion stays "
                    "within the boundaries set and fulfils the main aims and objectives of "
                    "supervision as set out in the Supervision Policy document. Formal "
                    "individual supervision sessions should be structured with preparation work "
                    "having been carried out by both the supervisor and the supervisee to "
                    "contribute to the Agenda."),
        ),
        _section(
            "performance", "Performance Issues",
            _static("performance_terms",
                    "Any issues about performance will be identified at an early stage so that "
                    "clear targets for improvement and support actions can be established, to "
                    "minimise any potential impact on children and their families/carers (see "
                    "HR procedures)."),
        ),
        _section(
            "disagreements", "Disagreements",
            _static("disagreement_terms",
                    "Areas of disagreement between supervisor and supervisee around decisions "
                    "and the supervisory relationship should be openly explored and recorded on "
                    "the supervision records. Areas of disagreement that cannot be resolved "
                    "within the supervisory relationship should be referred to the supervisor's "
                    "manager (see HR procedures)."),
            Field("intermediary", "Named intermediary", required=True,
                  guidance="The agreed third party with managerial responsibilities, usually "
                           "the supervisor's line manager."),
            Field("disagreement_process", "Process for resolving disagreements", Kind.MULTILINE,
                  default="Raised and explored in supervision first; if unresolved, referred "
                          "to the named intermediary, who meets both parties and records the "
                          "outcome on the supervision file."),
        ),
        _section(
            "confidentiality", "Confidentiality and storage",
            _static("confidentiality_terms",
                    "Storage of records should meet Caldicott requirements, as for any other type "
                    "of personal information held by the authority. However, this does not mean "
                    "that it is a strictly confidential process - records remain the property of "
                    "the organisation. It may be necessary for supervisors to discuss the content "
                    "of a session with their own line manager for instance. If this is the case, "
                    "the supervisee should always be informed. Other professionals requiring "
                    "access might include senior managers, investigating officers (in the case "
                    "of disciplinary procedures for instance), and inspecting bodies."),
            _static("storage_terms",
                    "Records should be held securely in an office in a locked cabinet, while "
                    "remaining accessible. If records are to be held electronically, a printed "
                    "copy should be made available to the supervisee as soon after supervision "
                    "as possible. It is preferable that records are held electronically."),
        ),
        _section(
            "conduct", "Behaviour, Conduct and Courtesies during a Supervision Session",
            _static("conduct_terms",
                    "All supervision sessions should begin and end on time and be conducted in a "
                    "respectful manner by both parties, ensuring that both parties actively "
                    "listen to each other. Supervision should be based on anti-oppressive "
                    "principles. The session should be conducted in a place which limits the "
                    "possibility of interruptions as much as reasonably practicable."),
        ),
        _section(
            "diversity", "Managing Diversity and Equality",
            _static("diversity_terms",
                    "The organisation's policies and values are underpinned by a commitment to "
                    "equal opportunities and anti-discriminatory practice."),
            _static("diversity_terms_2",
                    "Supervision should be provided in a way that promotes equality of "
                    "opportunity and is free of harassment, discrimination and bullying. People "
                    "are not the same in terms of personality, working styles, culture, "
                    "religion, race, ethnicity, gender, sexual orientation, ability, age, faith "
                    "and belief and employees and service users are different and have "
                    "different aspirations, desires and needs. A supervisor should strive to "
                    "recognise any differences in an individual and identify their support needs "
                    "accordingly."),
        ),
        _section(
            "record_keeping", "Record Keeping",
            _static("record_keeping_terms",
                    "All supervision meetings should be recorded using the Standard Supervision "
                    "Record including areas covered discussion points, agreed action and "
                    "timescales. The supervision record should be signed by supervisor and "
                    "supervisee and copies made available within three working days, to both "
                    "parties for retention. All decisions/actions concerning service users must "
                    "be recorded onto the case recording system within 24 hours of the "
                    "supervision meeting."),
        ),
        _section(
            "personal_support", "Support for Personal Issues",
            _static("personal_support_terms",
                    "Appropriate support for personal issues will be given to the supervisee by "
                    "the supervisor, signposting or referring on to other \"support\" as "
                    "appropriate, e.g. staff counselling."),
        ),
        _section(
            "additions", "Additions specific to this supervisee",
            Field("additions", "Additions", Kind.MULTILINE,
                  guidance="Anything agreed for this supervisee beyond the standard terms."),
        ),
        _section(
            "agreement", "Agreement",
            _static("agreement_terms",
                    "We agree that supervision will be given and received in accordance with the "
                    "Supervision Policy 'Guidance for the Supervision of Staff'. The individual "
                    "supervision contract should be reviewed annually or if there is a "
                    "significant change (ie change of manager)."),
            Field("date_agreed", "Date agreed", Kind.DATE, required=True),
            Field("review_due", "Review due", Kind.DATE, readonly=True,
                  guidance="12 months after it was signed, or at once when the supervisor "
                           "changes."),
        ),
        _section(
            "signatures", "Signatures",
            Field("supervisee_signature", "Supervisee", Kind.SIGNATURE),
            Field("supervisor_signature", "Supervisor", Kind.SIGNATURE),
        ),
    ),
)
