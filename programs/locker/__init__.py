"""A resident's documents locker at /me/documents/ (issue 17, part 4): upload once, attach to later applications.
models/locker.py has the records; documents.py stores and copies the files (same checks as an application's)."""
