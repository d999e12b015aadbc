"""The Knowledge and Skills Statements (Appendix 11) and the nine PCF domains, for tagging
reflective discussions: the ten statements for child and family practitioners, the eight for
practice supervisors and the six for practice leaders (the statements for managers, offered
on the manager supervision record, Appendix 5). Full texts are in resources/kss.json."""

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

PRACTICE_SUPERVISOR_KSS: tuple[tuple[str, str], ...] = (
    ("PS1", "PS 1 Promote and govern excellent practice"),
    ("PS2", "PS 2 Developing excellent practitioners"),
    ("PS3", "PS 3 Shaping and influencing the practice system"),
    ("PS4", "PS 4 Effective use of power and authority"),
    ("PS5", "PS 5 Confident analysis and decision-making"),
    ("PS6", "PS 6 Purposeful and effective social work"),
    ("PS7", "PS 7 Emotionally intelligent practice supervision"),
    ("PS8", "PS 8 Performance management and improvement"),
)

PRACTICE_LEADER_KSS: tuple[tuple[str, str], ...] = (
    ("PL1", "PL 1 Lead and govern excellent practice"),
    ("PL2", "PL 2 Creating a context for excellent practice"),
    ("PL3", "PL 3 Designing a system to support effective practice"),
    ("PL4", "PL 4 Developing excellent practitioners"),
    ("PL5", "PL 5 Support effective decision-making"),
    ("PL6", "PL 6 Quality assurance and improvement"),
)

MANAGER_KSS = PRACTICE_SUPERVISOR_KSS + PRACTICE_LEADER_KSS

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
