"""Appendix 8: the eleven sections of a staff supervision folder, in their order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FolderSection:
    number: int
    title: str
    contents: tuple[str, ...] = ()


FOLDER_SECTIONS: tuple[FolderSection, ...] = (
    FolderSection(1, "Supervision Monitoring Sheet"),
    FolderSection(2, "Monthly Supervision Record",
                  ("Monthly Supervision Record", "Group Supervision Record (if applicable)")),
    FolderSection(3, "Workload/Allocation/Caseload"),
    FolderSection(4, "Appraisal evidence and review forms"),
    FolderSection(5, "Learning and Development",
                  ("Training Undertaken", "Training nomination", "HCPC training record")),
    FolderSection(6, "Case-file Audits"),
    FolderSection(7, "Managing Attendance",
                  ("Return to Work Interviews/Self-Certifications", "Medical Conditions",
                   "Occupational Health referrals", "Managing Attendance Records",
                   "Copies of sick/ fit notes from medical practitioner (i.e GP)")),
    FolderSection(8, "Additional Performance Management/Disciplinary",
                  ("Record of performance issues", "Performance meetings and reviews",
                   "Disciplinary issues/outcomes", "Recognition of good practice")),
    FolderSection(9, "Induction Checklist and Team Induction Checklist"),
    FolderSection(10, "Probationary Assessment of employee (HR13.1)"),
    FolderSection(11, "Miscellaneous"),
)
