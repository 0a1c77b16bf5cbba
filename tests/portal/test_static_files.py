"""Production static files: collectstatic with whitenoise's compressed manifest storage succeeds (every url() in
our CSS resolves), pages link the fingerprinted names, whitenoise serves them pre-compressed (brotli or gzip) and
for ever cacheable. (What the built KRDS stylesheet holds: tests/portal/test_page_weight.py.)"""

import json
import os
import re
import subprocess
import sys

import pytest
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
    for name in ["css/site.css", "css/print.css", "krds/css/portal/krds.css",
                 "krds/css/portal/fonts-fallback.css", "krds/fonts/pretendard-gov/PretendardGOV-Regular.core.woff2",
                 "krds/fonts/pretendard-gov/PretendardGOVVariable.subset.119.woff2"]:  # fmt: skip
        assert name in manifest
        assert (tmp_path / manifest[name]).exists()
    # KRDS's own stylesheets and the old whole-font files are no longer collected: nothing links them.
    assert not [name for name in manifest if name.startswith(("krds/css/common/", "krds/css/token/"))]
    assert not [name for name in manifest if name.startswith("krds/fonts/PretendardGOV-")]
    # The built stylesheet points at the fingerprinted slices (the manifest storage rewrote every url()).
    built = (tmp_path / manifest["krds/css/portal/krds.css"]).read_text(encoding="utf-8")
    assert manifest["krds/fonts/pretendard-gov/PretendardGOV-Regular.core.woff2"].split("/")[-1] in built

    # Served as production serves them (one collectstatic is the slow part: checked here, not again elsewhere).
    settings.STATIC_ROOT, settings.WHITENOISE_USE_FINDERS = tmp_path, False
    production = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    settings.STORAGES = {**settings.STORAGES, "staticfiles": production}
    page = Client().get("/privacy/").text
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page).group(1)  # the fingerprinted name
    assert css == settings.STATIC_URL + manifest["css/site.css"]
    assert settings.STATIC_URL + manifest["krds/css/portal/krds.css"] in page
    for encoding, suffix in [("br", ".br"), ("gzip", ".gz")]:
        assert (tmp_path / (manifest["css/site.css"] + suffix)).exists()
        assert (tmp_path / (manifest["krds/css/portal/krds.css"] + suffix)).exists()
        response = Client().get(css, headers={"Accept-Encoding": encoding})
        assert response.status_code == 200 and response["Content-Encoding"] == encoding
        assert "immutable" in response["Cache-Control"]
