"""The staff list (the left-hand page), adding and editing a member of staff, marking a leaver,
importing staff."""
