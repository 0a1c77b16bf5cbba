"""Production static files: collectstatic with whitenoise's compressed manifest storage succeeds (every url() in
our CSS resolves), pages link the fingerprinted names, whitenoise serves them pre-compressed (brotli or gzip) and
for ever cacheable, and the KRDS subset is much smaller than the package's full stylesheet."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client


@pytest.mark.django_db
def test_collectstatic_with_the_production_storage(tmp_path, settings):
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "test-only", "STATIC_ROOT": str(tmp_path)}
    env.pop("STATICFILES_BACKEND", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in ["css/site.css", "css/print.css", "krds/css/common/common.css", "krds/css/component/krds-subset.css",
                 "krds/fonts/PretendardGOV-Regular.subset.woff2"]:  # fmt: skip
        assert name in manifest
        assert (tmp_path / manifest[name]).exists()

    # Served as production serves them (one collectstatic is the slow part: checked here, not again elsewhere).
    settings.STATIC_ROOT, settings.WHITENOISE_USE_FINDERS = tmp_path, False
    production = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    settings.STORAGES = {**settings.STORAGES, "staticfiles": production}
    page = Client().get("/privacy/").text
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page).group(1)  # the fingerprinted name
    assert css == settings.STATIC_URL + manifest["css/site.css"]
    for encoding, suffix in [("br", ".br"), ("gzip", ".gz")]:
        assert (tmp_path / (manifest["css/site.css"] + suffix)).exists()
        response = Client().get(css, headers={"Accept-Encoding": encoding})
        assert response.status_code == 200 and response["Content-Encoding"] == encoding
        assert "immutable" in response["Cache-Control"]


def test_the_krds_subset_is_a_fraction_of_the_full_stylesheet():
    subset = Path(settings.VAR_DIR) / "build" / "krds" / "css" / "component" / "krds-subset.css"
    full = settings.KRDS_DIR / "css" / "component" / "component.css"
    assert subset.stat().st_size < full.stat().st_size * 0.6
    assert "img/img/" not in subset.read_text(encoding="utf-8")
