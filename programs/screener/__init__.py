"""The eligibility screener and the life-cycle planner (issue 6).

answers.py     what a household answered: one dataclass, stored in the session only (never in a URL or a log)
rules.py       the one rules engine: a program's structured facts against the answers -> a verdict (pure functions)
conditions.py  one function per fact (residence, child age, birth order, ...): met / not met / unknown, and why
planner.py     a dated timeline (and an iCalendar file) from a due date or a child's birth date
selectors.py   reads: the published programs once per catalogue revision, and the screening of all of them
forms.py       one form per topic; forms check shape only
views.py       thin views: POST -> session -> redirect (POST/redirect/GET); every page sends Cache-Control: no-store
"""
