"""A resident's saved plan at /me/plan/ (issue 17, parts 1–2): every program that fits or may fit their saved
household, in date order, recomputed on every view; what changed since they last looked; reminders by mail before
each application window opens and closes; the same dates as an .ics file with alarms and a private calendar feed.

    selectors.py   the plan of a household (entries with their sources), the changes against a stored fingerprint
    services.py    the writes: the last look, the reminder settings, a program's reminders off, the feed's token
    reminders.py   the daily reminder run (manage.py send_plan_reminders): each reminder claimed once, then mailed
    calendar.py    the .ics file with VALARMs
"""
