"""Hostile or broken uploads through the page: refused next to the file field, nothing kept.

Django's own upload parser strips directories from a posted file name, so a
path in the name never reaches our code through the page; the service refuses
one that does, and the storage name is generated whatever the upload was called.
"""

import io
import re
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from academy.models import StoredFile
from academy.tests.programme import PDF, docx_bytes
from assignments import services
from assignments.models import SubmittedFile

from .support import BEFORE_DUE, file_error, get, post, private_files, upload

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.domain)</script></svg>"
)


def nothing_kept() -> None:
    assert StoredFile.objects.count() == 0
    assert SubmittedFile.objects.count() == 0
    assert private_files() == []


def refused(response, message: str) -> None:
    assert response.status_code == 200
    html = response.content.decode()
    assert message in file_error(html)
    nothing_kept()


def test_a_file_over_the_size_cap_is_refused(signed_in, url, assignment):
    assignment.max_size_mb = 1
    assignment.save()
    big = PDF + b"0" * (1024 * 1024 + 512 * 1024)
    response = upload(signed_in, url, "Iso.pdf", content=big)
    refused(response, "The file is too large: 1.5\xa0MB. The limit is 1.0\xa0MB.")


def test_a_file_too_large_to_keep_in_memory_is_refused_and_its_temporary_copy_is_not_kept(
    signed_in, url, assignment, settings
):
    # Over FILE_UPLOAD_MAX_MEMORY_SIZE, Django spools the upload to a temporary file.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    assignment.max_size_mb = 1
    assignment.save()
    response = upload(signed_in, url, "Iso.pdf", content=PDF + b"0" * (2 * 1024 * 1024))
    refused(response, "The file is too large")


def test_a_file_of_exactly_the_cap_is_accepted(signed_in, url, assignment):
    assignment.max_size_mb = 1
    assignment.save()
    exact = PDF + b"0" * (1024 * 1024 - len(PDF))
    response = upload(signed_in, url, "Täsmälleen.pdf", content=exact)
    assert response.status_code == 302
    assert StoredFile.objects.get().size == 1024 * 1024


def test_an_executable_renamed_pdf_is_refused(signed_in, url):
    response = upload(signed_in, url, "Vastaus.pdf", content=EXECUTABLE)
    refused(response, "The file name ends in .pdf, but its content is not in that format")


def test_a_web_page_renamed_pdf_is_refused(signed_in, url):
    response = upload(signed_in, url, "Vastaus.pdf", content=HTML)
    refused(response, "The file name ends in .pdf, but its content is not in that format")


def test_a_web_page_carrying_a_pdf_header_is_refused(signed_in, url):
    response = upload(signed_in, url, "Vastaus.pdf", content=b"  \n" + HTML + b"\n%PDF-1.4\n")
    refused(response, "its content is not in that format")


def test_an_svg_is_not_an_accepted_type(signed_in, url):
    response = upload(signed_in, url, "Kaavio.svg", content=SVG)
    refused(response, "Files ending in .svg are not accepted here.")


@pytest.mark.parametrize(
    "content",
    [SVG, b"Muistiinpanot\n<svg onload=x><script>alert(1)</script></svg>\n"],
    ids=["svg", "text-then-script"],
)
def test_an_svg_with_a_script_renamed_txt_is_refused_where_text_is_allowed(
    signed_in, url, assignment, content
):
    assignment.allowed_types = ["pdf", "txt"]
    assignment.save()
    response = upload(signed_in, url, "Muistiinpanot.txt", content=content)
    refused(
        response,
        "The file contains web page or program code, which is not accepted in a text file.",
    )


def test_plain_text_is_accepted_where_text_is_allowed(signed_in, url, assignment):
    assignment.allowed_types = ["pdf", "txt"]
    assignment.save()
    response = upload(signed_in, url, "Muistiinpanot.txt", content="Hyvä alku, 3 < 5.\n".encode())
    assert response.status_code == 302
    assert StoredFile.objects.get().content_type == "text/plain"


def test_an_empty_file_is_refused(signed_in, url):
    response = upload(signed_in, url, "Tyhjä.pdf", content=b"")
    refused(response, "The file is empty.")


def test_a_type_that_is_not_allowed_is_refused(signed_in, url, assignment):
    assignment.allowed_types = ["pdf"]
    assignment.save()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    response = upload(signed_in, url, "Kuva.png", content=png)
    refused(response, "Files ending in .png are not accepted here. Allowed: .pdf.")


def test_a_word_document_with_macros_is_refused(signed_in, url):
    buffer = io.BytesIO(docx_bytes())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"\x00macro")
    response = upload(signed_in, url, "Vastaus.docx", content=buffer.getvalue())
    refused(response, "The document contains macros, which are not accepted.")


def test_a_file_without_an_extension_is_refused(signed_in, url):
    response = upload(signed_in, url, "Vastaus", content=PDF)
    refused(response, "The file name must end in an extension, such as .pdf, that tells its type.")


def test_no_file_at_all_is_refused_next_to_the_field(signed_in, url):
    response = post(signed_in, url, BEFORE_DUE, action="upload")
    assert response.status_code == 200
    assert file_error(response.content.decode())
    nothing_kept()


def test_a_refused_upload_keeps_the_earlier_files(signed_in, url):
    upload(signed_in, url, "Vastaus.pdf")
    first = SubmittedFile.objects.get()
    response = upload(signed_in, url, "Vastaus.pdf", content=HTML, replaces=first.pk)
    assert response.status_code == 200
    html = response.content.decode()
    # The refusal is shown at the file being replaced; "Add a file" stays a plain,
    # empty form that adds, and carries no hidden replacement.
    row_error = re.search(rf'id="replace-{first.pk}-error"[^>]*>(.*?)</div>', html, re.S)
    assert "its content is not in that format" in row_error.group(1)
    assert file_error(html) == ""
    assert 'name="replaces"' not in html.split('id="upload-form"', 1)[1].split("</form>", 1)[0]
    first.refresh_from_db()
    assert first.is_current
    assert SubmittedFile.objects.count() == StoredFile.objects.count() == 1
    assert len(private_files()) == 1


BOUNDARY = "RawBoundary7MA4YWxkTrZu0gW"


def raw_upload(client, url, file_name: str, content: bytes = PDF):
    """A multipart body written by hand, so the file name is sent exactly as given."""
    body = b"\r\n".join(
        [
            f"--{BOUNDARY}".encode(),
            b'Content-Disposition: form-data; name="action"',
            b"",
            b"upload",
            f"--{BOUNDARY}".encode(),
            f'Content-Disposition: form-data; name="file"; filename="{file_name}"'.encode(),
            b"Content-Type: application/pdf",
            b"",
            content,
            f"--{BOUNDARY}--".encode(),
            b"",
        ]
    )
    with time_machine.travel(BEFORE_DUE, tick=False):
        return client.post(url, body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


@pytest.mark.parametrize(
    ("sent_name", "kept_as"),
    [
        ("..\\..\\evil.pdf", "evil.pdf"),
        ("../../evil.pdf", "evil.pdf"),
        ("../x.pdf", "x.pdf"),
        ("&#46;&#46;&#47;x.pdf", "x.pdf"),
        ("..%2F..%2Fevil.pdf", None),
    ],
)
def test_a_path_in_the_file_name_never_reaches_the_file_system(
    signed_in, url, sent_name, kept_as, tmp_path
):
    # Django keeps the last part of the name; what still has ".." in it we refuse.
    before = {path for path in tmp_path.parent.rglob("*") if path.is_file()}
    response = raw_upload(signed_in, url, sent_name)
    written = {path for path in tmp_path.parent.rglob("*") if path.is_file()} - before
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    if kept_as is None:
        refused(response, "The file name is not allowed")
        assert written == set()
        return
    assert response.status_code == 302
    stored = StoredFile.objects.get()
    assert stored.original_name == kept_as
    assert kept_as not in stored.file.name
    assert "evil" not in stored.file.name
    assert Path(stored.file.path).resolve().parent.parent.parent == private
    assert written == {Path(stored.file.path)}


def test_a_name_with_parent_dots_that_survives_the_parser_is_refused(signed_in, url):
    response = raw_upload(signed_in, url, "..evil..pdf")
    refused(response, "The file name is not allowed")


def test_a_drive_letter_in_the_name_is_kept_for_display_only(signed_in, url):
    response = raw_upload(signed_in, url, "C:evil.pdf")
    assert response.status_code == 302
    stored = StoredFile.objects.get()
    assert stored.original_name == "C:evil.pdf"
    assert "evil" not in stored.file.name
    assert (
        Path(stored.file.path).resolve().is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    )


@pytest.mark.parametrize("name", ["../x.pdf", "..\\..\\evil.pdf", "/etc/evil.pdf", ".pdf"])
def test_the_service_refuses_a_path_that_reaches_it(assignment, ours, contact, name):
    class Named(SimpleUploadedFile):
        # UploadedFile takes the base name of what it is given; a hostile caller may not.
        @property
        def name(self):
            return self._raw

        @name.setter
        def name(self, value):
            self._raw = value

    submission = services.submission_for(assignment, ours.organisation)
    hostile = Named(name, PDF, content_type="application/pdf")
    assert hostile.name == name
    with pytest.raises(ValidationError) as refused_error:
        services.upload(submission, hostile, by=contact, now=BEFORE_DUE)
    assert refused_error.value.code == "bad_name"
    nothing_kept()


def test_a_file_name_with_markup_is_shown_as_text(signed_in, url):
    name = "<img src=x onerror=alert(1)>.pdf"
    response = upload(signed_in, url, name)
    assert response.status_code == 302
    html = get(signed_in, url)
    assert "<img src=x onerror" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in html


def test_a_refused_first_upload_leaves_no_empty_submission(signed_in, url):
    from assignments.models import Submission

    response = upload(signed_in, url, "Tyhjä.pdf", content=b"")
    assert response.status_code == 200
    assert not Submission.objects.exists()
