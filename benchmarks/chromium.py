"""How our tools start Debian's Chromium: the browser tests (tests/browser/conftest.py) and the page benchmark
(benchmarks/pages.py, for Playwright and for Lighthouse) use this one binary and this one list of flags."""

import os

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without --headless: Playwright adds its own with headless=True; Lighthouse is given --headless=new (pages.py).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
