"""The reviewers' queue (/staff/applications/): what is theirs to decide, filtered, oldest waiting first; bulk take
and release; a CSV export of the queue (asked for a reason, logged).

- form.py: the query string, validated by one Django form built per request with the reviewer's choices;
- query.py: the ORM query (keyset pagination, the per-status union, the capped count) and the rows it gives;
- views.py: the list and the bulk actions; the rows are rendered by templates/review/queue.html;
- export.py: the CSV export.

Imports run one way: views and export → query → form.
"""
