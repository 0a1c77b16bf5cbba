"""What running on several app servers needs (README "Layout and scale-out"): documents in object storage chosen by
the environment (S3-compatible, django-storages), nothing in the document code tied to a local disk, and a
response header naming the app server when asked for. The multi-server demo itself is `./run scaleout`."""

import hashlib
import json
import os
import subprocess
import sys

from django.conf import settings
from django.test import Client
from django.urls import reverse

from programs import documents as docs
from programs.models import Application
from tests import factories

S3_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
from storages.backends.s3 import S3Storage
default_storage._setup()  # the lazy object's storage, built from STORAGES
s = default_storage._wrapped
print(json.dumps({
    "s3": isinstance(s, S3Storage), "bucket": s.bucket_name, "endpoint": s.endpoint_url, "acl": s.default_acl,
    "location": s.location, "url": s.url("applications/2026/11/abc"), "first_middleware": settings.MIDDLEWARE[0],
    "connect_timeout": s.client_config.connect_timeout, "retries": s.client_config.retries,
}))
"""


def test_storage_s3_bucket_switches_documents_to_s3_storage():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "STORAGE_S3_", "DJANGO_SETTINGS"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "STORAGE_S3_BUCKET": "gwangju-documents",
        "STORAGE_S3_ENDPOINT_URL": "https://objects.example.invalid",
        "STORAGE_S3_REGION": "kr-standard",
        "STORAGE_S3_PREFIX": "portal",
        "AWS_ACCESS_KEY_ID": "CITYKEYID",  # boto3's own chain: never in settings
        "AWS_SECRET_ACCESS_KEY": "city-secret",
        "AWS_EC2_METADATA_DISABLED": "true",  # no network at all: signing a URL is local
        "SERVER_NAME_HEADER": "b",
    }
    done = subprocess.run(
        [sys.executable, "-c", S3_PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["s3"] and probe["bucket"] == "gwangju-documents" and probe["location"] == "portal"
    assert probe["endpoint"] == "https://objects.example.invalid" and probe["acl"] is None
    # No public URL: should one ever be made, it is signed with the city's key and expires in five minutes.
    url = probe["url"]
    assert url.startswith("https://objects.example.invalid/gwangju-documents/portal/applications/2026/11/abc?")
    assert "X-Amz-Credential=CITYKEYID" in url and "X-Amz-Expires=300" in url and "X-Amz-Signature=" in url
    assert probe["first_middleware"] == "portal.middleware.served_by"
    # an unreachable store fails within seconds, well inside gunicorn's 30 s request timeout
    assert probe["connect_timeout"] == 5 and probe["retries"] == {"max_attempts": 3, "mode": "standard"}


def test_without_a_bucket_documents_stay_on_the_local_disk():
    assert "STORAGE_S3_BUCKET" not in os.environ
    assert settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_documents_work_on_a_storage_without_local_paths(settings, client, db):
    """Object storage has no .path(): storing, the checksum and the download go through the storage API only."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    resident = factories.resident()
    application = Application.objects.create(applicant=resident, program=factories.online_program())
    content = factories.PDF + os.urandom(2048)
    (document,) = docs.store_documents(
        application=application, uploads=[(None, factories.upload("등본.pdf", content))], uploaded_by=resident
    )
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    client.force_login(resident)
    url = reverse("programs:document_download", args=[application.public_id, document.public_id])
    response = client.get(url)
    assert response.status_code == 200 and response.content == content
    document.file.storage.delete(document.file.name)  # gone from the bucket: a clear page, not a 500
    assert client.get(url).status_code == 409


def test_served_by_header_only_when_named(settings, client):
    assert "X-Served-By" not in client.get("/livez")
    settings.SERVER_NAME_HEADER = "a"
    settings.MIDDLEWARE = ["portal.middleware.served_by", *settings.MIDDLEWARE]
    assert Client().get("/livez")["X-Served-By"] == "a"  # a new client loads the middleware afresh
