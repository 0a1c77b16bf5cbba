"""The document store down (S3 unreachable, a broken disk): uploads and downloads answer 503 with a plain message,
and nothing is half kept. The S3 store here is a real boto3 client pointed at a loopback port nobody listens on."""

import socket

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from django.urls import reverse

from districts.models import Role
from districts.services import assignment_grant
from programs import documents as docs
from programs.models import Application, ApplicationEvent, Document
from programs.workflow import REVIEWER, application_move
from tests import factories
from tests.programs.test_application_views import fill, start

S = Application.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def store_down(settings):
    """Switch documents to S3 at a closed loopback port, with the short timeouts production has (settings.py)."""

    def down():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = s.getsockname()[1]
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "gwangju-documents",
                    "endpoint_url": f"http://127.0.0.1:{closed}",
                    "region_name": "kr-standard",
                    "access_key": "test-key",
                    "secret_key": "test-secret",
                    "default_acl": None,
                    "client_config": Config(connect_timeout=1, retries={"max_attempts": 1, "mode": "standard"}),
                },
            },
        }

    return down


@pytest.fixture
def resident(db):
    return factories.resident()


def test_an_upload_while_the_store_is_down_is_refused_plainly_and_keeps_nothing(client, resident, store_down, media):
    client.force_login(resident)
    application = start(client, factories.online_program())
    store_down()  # eligibility and questions need no store; the documents step does
    response = fill(client, application)
    assert response.status_code == 503
    assert "서류 저장소에 지금 연결할 수 없어" in response.text and "다시 올려 주세요" in response.text
    application.refresh_from_db()
    assert application.status == S.DRAFT and not Document.objects.exists()
    assert application.answers == {"child_birth_date": "2026-10-01", "birth_order": 2}  # what was typed is kept
    assert list(media.rglob("*.pdf")) == []


def test_a_supplement_while_the_store_is_down_keeps_the_request_open(client, resident, store_down):
    client.force_login(resident)
    application = start(client, factories.online_program())
    fill(client, application)
    client.post(reverse("programs:apply_submit", args=[application.public_id]))
    application.refresh_from_db()
    application_move(application=application, to=S.IN_REVIEW, actor=None, by=REVIEWER)
    application_move(application=application, to=S.SUPPLEMENT_REQUESTED, actor=None, by=REVIEWER, reason="등본 전체")
    events = ApplicationEvent.objects.count()
    store_down()
    url = reverse("programs:application_supplement", args=[application.public_id])
    response = client.post(url, {"note": "올립니다", "files": [factories.upload("좋은.pdf")]})
    assert response.status_code == 503 and "서류 저장소에 지금 연결할 수 없어" in response.text
    application.refresh_from_db()
    assert application.status == S.SUPPLEMENT_REQUESTED and application.documents.count() == 1
    assert ApplicationEvent.objects.count() == events  # no "documents added" event, no move


def test_a_download_while_the_store_is_down_says_so_for_resident_and_reviewer(client, resident, store_down):
    client.force_login(resident)
    application = start(client, factories.online_program())
    fill(client, application)
    client.post(reverse("programs:apply_submit", args=[application.public_id]))
    document = Document.objects.get()
    store_down()
    mine = reverse("programs:document_download", args=[application.public_id, document.public_id])
    response = client.get(mine)
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "잠시 연결할 수 없어" in response.text and "등본.pdf" in response.text
    assert reverse("programs:application", args=[application.public_id]) in response.text

    reviewer = factories.resident(email="reviewer@test.local")
    assignment_grant(user=reviewer, role=Role.REVIEWER, district=application.program.provider)
    factories.staff_login(client, reviewer)
    theirs = reverse("programs:review_document", args=[application.public_id, document.public_id])
    response = client.post(theirs, {"reason": "심사 확인"})
    assert response.status_code == 503 and "잠시 연결할 수 없어" in response.text
    assert reverse("programs:review", args=[application.public_id]) in response.text


def test_a_missing_object_is_damaged_and_an_unreachable_store_is_not():
    missing = ClientError({"Error": {"Code": "NoSuchKey", "Message": "gone"}}, "GetObject")
    refused = ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "GetObject")
    assert docs._missing(missing) and docs._missing(FileNotFoundError()) and not docs._missing(refused)
