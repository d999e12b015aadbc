"""Appendix 3: the supervision monitoring sheet, held on the individual's file."""

from __future__ import annotations

from supervision_audit.forms.base import Field, FormDef, Kind, Section

MONITORING_HEADERS = ("Date", "Time", "Completed/Postponed", "Date Rescheduled for",
                      "Any comments / Reasons for postponement")

MONITORING = FormDef(
    key="monitoring",
    title="Supervision Monitoring Sheet",
    reference="Appendix 3",
    sections=(
        Section("note", "Form to be held on individuals file", (
            Field("supervisee_name", "Supervisee", readonly=True),
            Field("supervisor_name", "Supervisor", readonly=True),
        ), columns=2),
        Section("entries_section", "Sessions", (
            Field("entries", "Sessions", Kind.TABLE, readonly=True, columns=(
                Field("date", MONITORING_HEADERS[0], Kind.DATE),
                Field("time", MONITORING_HEADERS[1], Kind.TIME),
                Field("status", MONITORING_HEADERS[2]),
                Field("rescheduled_for", MONITORING_HEADERS[3], Kind.DATE),
                Field("comments", MONITORING_HEADERS[4], Kind.MULTILINE),
            )),
        )),
    ),
)
