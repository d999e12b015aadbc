"""Section 2 of the file: supervision records (Appendices 2, 4, 5 and 6), their dialogs,
actions and signing."""
