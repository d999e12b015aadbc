"""Appendix 7: the supervision file audit, completed by a senior manager."""

from __future__ import annotations

from supervision_audit.forms.base import Field, FormDef, Kind, Section

JUDGEMENTS = (("outstanding", "Outstanding"), ("good", "Good"),
              ("requires_improvement", "Requires improvement"), ("inadequate", "Inadequate"))
OUTCOME = (("yes", "Yes"), ("no", "No"))
OUTCOME_NA = (("yes", "Yes"), ("no", "No"), ("n_a", "Not applicable"))

# key, subject, questions, may be not applicable
SUBJECTS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("contract", "Contract", ("Is the supervision contract on the file?",), False),
    ("welfare", "Welfare", ("Is there evidence that welfare issues have been considered?",),
     False),
    ("timescales", "Timescales", ("Is supervision in timescale?",
                                  "Is there evidence of increased frequency if required?"),
     False),
    ("recording", "Recording", ("Is supervision recorded?",
                                "Record signed by the supervisor/supervisee?",
                                "Are actions agreed at previous supervision checked and "
                                "completed?"), False),
    ("journey", "Journey of the child", (
        "Is there evidence of a supervision discussion regarding quality and progress of the "
        "child's plan?", "Is there evidence that lack of progress is challenged?"), True),
    ("reflective", "Reflective practice", (
        "Are cases discussed so that there is opportunity for the worker to critically reflect "
        "and for the supervisor to constructively challenge?",), False),
    ("audits", "Audits", ("Are case file audits on the file?",
                          "Is there evidence of audits being discussed within the monthly "
                          "supervision as well as closing the loop activity?"), True),
    ("appraisal", "Appraisal", (
        "Is the Appraisal as well as development and training clearly recorded and discussed "
        "monthly?", "Is there evidence of learning being discussed and how this has been put "
        "into practice?"), False),
    ("disagreement", "Disagreement", ("Is there evidence that any disagreements addressed?",),
     True),
    ("additional", "Additional considerations", (), True),
    ("asye", "For ASYE only", ("Has the ASYE tracker been completed?",
                               "Is the NQSW effectively maintained on their ASYE?",
                               "Is the QSW on target to complete the programme?"), True),
    ("capability", "Capability", (
        "Are capability/performance issues clearly recorded with good work recognised and poor "
        "performance addressed?", "Managing attendance - is this monitored and progressed "
        "according to procedures?"), True),
    ("probation", "Probation", ("Has the probationary period been appropriately monitored?",),
     True),
)
KEY_SUBJECTS = ("contract", "timescales", "recording")
# the note at the foot of Appendix 7, as the policy prints it
FREQUENCY_NOTE = ("One supervision file audit per Manager/Supervisor per month to be completed "
                  "to a maximum of 3 audits by the Head of Service and Operations Manager and "
                  "discussed in Manager/Supervisor's monthly supervision.")


def _subject(key: str, title: str, questions: tuple[str, ...], may_be_na: bool) -> Section:
    fields = [Field(f"{key}_questions", "", Kind.STATIC, bullets=questions)] if questions else []
    fields += [
        Field(f"{key}_outcome", "Outcome", Kind.CHOICE, choices=OUTCOME_NA if may_be_na
              else OUTCOME),
        Field(f"{key}_comment", "Comment", Kind.MULTILINE),
        Field(f"{key}_action", "Action", Kind.MULTILINE),
    ]
    return Section(key, title, tuple(fields))


AUDIT = FormDef(
    key="audit",
    title="Supervision File Audit",
    reference="Appendix 7",
    sections=(
        Section("header", "Audit", (
            Field("supervisor_name", "Supervisor", readonly=True),
            Field("team", "Team", readonly=True),
            Field("supervisee_name", "Supervisee", readonly=True),
            Field("auditor_name", "Manager completing audit", readonly=True),
            Field("completed_on", "Date Audit Completed", Kind.DATE, required=True),
            Field("period", "Period (the last 12 months)", readonly=True),
        ), columns=2),
        *(_subject(*subject) for subject in SUBJECTS),
        Section("judgement_section", "Overall judgement of quality of supervision", (
            Field("judgement", "Overall judgement", Kind.CHOICE, required=True,
                  choices=JUDGEMENTS),
            Field("suggested_judgement", "Judgement the evidence suggests", readonly=True),
            Field("judgement_rationale", "Rationale (needed when it differs from the "
                                         "suggestion)", Kind.MULTILINE),
        )),
        Section("actions_section", "Actions required as a result of this audit", (
            Field("actions", "Actions", Kind.TABLE, max_rows=6, columns=(
                Field("action", "Action", Kind.MULTILINE, required=True),
                Field("owner", "By whom", required=True),
                Field("due", "By when", Kind.DATE, required=True))),)),
        Section("note", "Note", (Field("frequency_note", "", Kind.STATIC,
                                       text=FREQUENCY_NOTE),)),
        Section("signatures", "Signatures", (
            Field("auditor_signature", "Auditor", Kind.SIGNATURE),)),
    ),
)
