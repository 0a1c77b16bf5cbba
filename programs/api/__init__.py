"""The read-only open-data JSON API at /api/v1/ (Django REST framework, OpenAPI 3 schema by drf-spectacular).

Published programs only, no personal data: records come from programs/open_data/records.py, reads from
programs/open_data/selectors.py (the same filters, results and order as /programs/).
"""
