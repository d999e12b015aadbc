"""Getting in: the first run, signing in, passwords and the recovery key, locking after a while
without input."""
