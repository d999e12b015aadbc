"""One person's supervision file (Appendix 8): the file view, its sections' panels, the
contract at its top (Appendix 1), the caseload (Section 3), the filed documents and the
folder checklist."""
