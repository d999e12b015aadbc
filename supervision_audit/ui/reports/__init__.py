"""Reports from the window: the access log and subject access export, the monthly return."""
