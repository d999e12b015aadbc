"""Section 1 of the file: the supervision monitoring sheet (Appendix 3), its planning,
postponements and workbook import and export."""
