"""Shared widgets: date and time fields, the form editor and its field widgets, the foot of a
long form, a wrapping row of buttons, the signature pad and the short one-record dialog."""
