"""Private files in an S3 bucket (several hosts): stored there, not on the host's disk,
and still served only through the view that checks who asks. Tested against moto's
S3-compatible server on this machine."""

import urllib.request

import boto3
import pytest
from moto.server import ThreadedMotoServer

from academy.backup import backup
from academy.models import StoredFile
from academy.tests.programme_fixtures import (  # noqa: F401 - fixtures
    cohort,
    contact,
    ours,
    outsider,
    theirs,
)

from .support import assignment, private_files, signed_in, upload, url  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

BUCKET = "akatemia-private"


@pytest.fixture
def bucket(settings, monkeypatch):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # moto keeps its buckets for the whole process: each test starts from none.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))  # noqa: S310
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "akatemia-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "akatemia-test-secret")
    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-north-1")
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "eu-north-1",
                "location": "uploads",
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
    }
    yield client
    server.stop()


def keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_an_upload_goes_to_the_bucket_and_is_served_only_to_its_team(
    bucket,
    signed_in,  # noqa: F811 - the fixture imported above
    url,  # noqa: F811 - the fixture imported above
    client,
    outsider,  # noqa: F811 - the fixture imported above
):
    content = b"%PDF-1.4\n% vastaukset\n"
    response = upload(signed_in, url, "Vastaus.pdf", content=content)
    assert response.status_code == 302
    stored = StoredFile.objects.get()
    assert keys(bucket) == [f"uploads/{stored.file.name}"]
    assert private_files() == []  # nothing on this host's disk
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=f"uploads/{stored.file.name}")["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner alone

    download = signed_in.get(f"/files/{stored.public_id}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    signed_in.logout()
    assert signed_in.get(f"/files/{stored.public_id}/").status_code == 302  # to sign in
    signed_in.force_login(outsider)
    assert signed_in.get(f"/files/{stored.public_id}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_backup_copies_the_files_from_the_bucket(
    bucket,
    signed_in,  # noqa: F811 - the fixture imported above
    url,  # noqa: F811 - the fixture imported above
    tmp_path,
):
    upload(signed_in, url, "Vastaus.pdf", content=b"%PDF-1.4\n% yksi\n")
    stored = StoredFile.objects.get()
    written = backup(tmp_path)
    assert (written / "files" / stored.file.name).read_bytes() == b"%PDF-1.4\n% yksi\n"
