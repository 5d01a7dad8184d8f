"""Files in object storage: ``STORAGES`` from the environment (a folder by default, an S3-compatible store when
DJANGO_S3_BUCKET is set), and a plan's files kept private there — stored, streamed through the permission-checked
view with their SHA-256 checked, never linked by a bucket URL (moto's S3 in the test's process)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import boto3
import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from moto import mock_aws

from helhedsplan.documents.models import PlanDocument
from tests.documents.factories import PDF_BYTES, pdf_upload
from tests.world import snapshot

BUCKET = "helhedsplan-test"
REGION = "eu-north-1"


def storages_with(env: dict[str, str]) -> dict:
    """The STORAGES a server started with ``env`` would have (settings are read once, at start)."""
    program = "from django.conf import settings; import json; print(json.dumps(settings.STORAGES['default']))"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_S3_", "PYTEST"))}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {program}"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_files_are_on_the_disk_unless_a_bucket_is_named():
    assert storages_with({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_in_the_environment_puts_every_file_in_s3_privately():
    default = storages_with(
        {
            "DJANGO_S3_BUCKET": "helhedsplan",
            "DJANGO_S3_ENDPOINT_URL": "https://s3.example.dk",
            "DJANGO_S3_REGION": "eu-north-1",
            "DJANGO_S3_ACCESS_KEY_ID": "nøgle",
            "DJANGO_S3_SECRET_ACCESS_KEY": "hemmelig",
            "DJANGO_S3_ADDRESSING_STYLE": "path",
        }
    )

    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    options = default["OPTIONS"]
    assert options["bucket_name"] == "helhedsplan"
    assert options["endpoint_url"] == "https://s3.example.dk"
    assert (options["region_name"], options["addressing_style"]) == ("eu-north-1", "path")
    assert (options["access_key"], options["secret_key"]) == ("nøgle", "hemmelig")
    # Private objects, and a frozen file is never overwritten by a later one of the same name.
    assert options["default_acl"] == "private"
    assert options["file_overwrite"] is False


@pytest.fixture
def s3_storage(monkeypatch):
    """The default storage is moto's S3 (in this process) for the test."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        storages = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": REGION,
                    "default_acl": "private",
                    "file_overwrite": False,
                },
            },
        }
        with override_settings(STORAGES=storages):
            yield client


@pytest.mark.django_db
def test_a_document_is_stored_in_s3_privately_and_streamed_checked(
    s3_storage, amager_plan, personas, client_for, caplog
):
    coordinator = client_for(personas.coordinator)
    response = coordinator.post(
        reverse("documents:document_create", kwargs={"plan": amager_plan.slug}),
        {"kind": "annex", "title": "Kort i skyen", "file": pdf_upload("kort.pdf")},
    )
    assert response.status_code == 302
    version = PlanDocument.objects.in_plan(amager_plan).get(title="Kort i skyen").versions.get()
    [stored] = s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert stored["Key"] == version.file.name
    grants = s3_storage.get_object_acl(Bucket=BUCKET, Key=stored["Key"])["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner only: no public read

    url = reverse("documents:version_download", kwargs={"plan": amager_plan.slug, "pk": version.pk})
    downloaded = client_for(personas.reviewer).get(url)
    assert downloaded.status_code == 200
    assert hashlib.sha256(b"".join(downloaded.streaming_content)).hexdigest() == version.sha256
    assert client_for(personas.outsider).get(url).status_code == 404
    page = coordinator.get(version.document.get_absolute_url()).content.decode()
    assert BUCKET not in page and "amazonaws" not in page

    # Changed in the bucket behind the app's back: refused, logged, and nothing else changes.
    s3_storage.put_object(Bucket=BUCKET, Key=stored["Key"], Body=PDF_BYTES + b"% changed in the bucket\n")
    before = snapshot()
    with caplog.at_level("ERROR", logger="helhedsplan.files"):
        refused = client_for(personas.reviewer).get(url)
    assert refused.status_code == 500
    assert "Filen er beskadiget" in refused.content.decode()
    assert any(version.sha256 in record.getMessage() for record in caplog.records)
    assert snapshot() == before
