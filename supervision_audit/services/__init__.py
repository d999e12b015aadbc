"""Use cases: plain functions taking a database Session. No Qt, no printing to screens."""
