"""The demo organisation, seeded into a store to explore the app with and to test and
measure it against: the people and accounts (organisation), their sessions and records
(sessions), ASYE trackers (asye) and audits (audits). Nothing in the app itself depends on
it."""

from supervision_audit.demo.acting import acting_as
from supervision_audit.demo.organisation import (
    ADMIN,
    DEMO_ACCOUNTS,
    DEMO_ORGANISATION,
    DEMO_PASSWORD,
    INSPECTOR,
    PEOPLE,
    create_demo,
    seed_demo,
    seed_demo_files,
)

__all__ = ["ADMIN", "DEMO_ACCOUNTS", "DEMO_ORGANISATION", "DEMO_PASSWORD", "INSPECTOR", "PEOPLE",
           "acting_as", "create_demo", "seed_demo", "seed_demo_files"]
