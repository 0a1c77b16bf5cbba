"""Open data: the published catalogue for other services to reuse.

- records.py    one program as a record in the national dataset's field names (API, JSON and CSV downloads)
- selectors.py  the reads: the same filters, results and order as /programs/ (the catalogue index), constant queries
- downloads.py  /programs.csv and /programs.json
- feeds.py      Atom feeds of new and changed programs (all, per stage, per district)
- sitemaps.py   /sitemap.xml in both languages; views.py has /robots.txt and the human documentation page
The JSON API itself is programs/api/ (Django REST framework + drf-spectacular).
"""
