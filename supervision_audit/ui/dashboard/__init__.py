"""The first page: the dashboard's tiles, lists and chart, reminders, and a supervisee's
"Waiting for you"."""
