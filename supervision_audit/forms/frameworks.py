"""The Knowledge and Skills Statements (Appendix 11) and the nine PCF domains, for tagging
reflective discussions. Full KSS texts are in resources/kss.json."""

from __future__ import annotations

KSS: tuple[tuple[str, str], ...] = (
    ("KSS1", "KSS 1 Relationships and effective direct work"),
    ("KSS2", "KSS 2 Communication"),
    ("KSS3", "KSS 3 Child development"),
    ("KSS4", "KSS 4 Adult mental ill health, substance misuse, domestic abuse, physical ill "
             "health and disability"),
    ("KSS5", "KSS 5 Abuse and neglect of children"),
    ("KSS6", "KSS 6 Child and family assessment"),
    ("KSS7", "KSS 7 Analysis, decision-making, planning and review"),
    ("KSS8", "KSS 8 The law and the family and youth justice systems"),
    ("KSS9", "KSS 9 The role of supervision"),
    ("KSS10", "KSS 10 Organisational context"),
)

PCF: tuple[tuple[str, str], ...] = (
    ("PCF1", "PCF 1 Professionalism"),
    ("PCF2", "PCF 2 Values and ethics"),
    ("PCF3", "PCF 3 Diversity and equality"),
    ("PCF4", "PCF 4 Rights, justice and economic wellbeing"),
    ("PCF5", "PCF 5 Knowledge"),
    ("PCF6", "PCF 6 Critical reflection and analysis"),
    ("PCF7", "PCF 7 Skills and interventions"),
    ("PCF8", "PCF 8 Contexts and organisations"),
    ("PCF9", "PCF 9 Professional leadership"),
)
