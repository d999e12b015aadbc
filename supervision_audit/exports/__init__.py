"""Printable and spreadsheet copies of the forms, written whole or not at all."""
