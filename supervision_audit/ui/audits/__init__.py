"""Section 6 of the file: supervision file audits (Appendix 7), the evidence beside them, the
audit programme and queue (R6), direct observations."""
