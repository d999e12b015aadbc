"""Section 10 of the file: the ASYE year and its tracker (Appendix 9)."""
