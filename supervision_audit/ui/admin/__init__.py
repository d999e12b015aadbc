"""Administration: user accounts, backups, the organisation's certificate, and what a re-key of
the store does in the window."""
