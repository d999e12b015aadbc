"""Printing: the print preview of an export's own pages, painted from its PDF, and the printers
Qt sees."""
