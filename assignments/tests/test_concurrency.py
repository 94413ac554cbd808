"""Two people at once: row locks keep versions and the final mark consistent (PostgreSQL)."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from academy.tests.programme import PDF, pdf_upload
from assignments import services
from assignments.models import Submission, SubmissionState, SubmittedFile

from .support import BEFORE_DUE

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL"),
]


def run_together(*targets) -> None:
    barrier = threading.Barrier(len(targets))

    def run(target):
        barrier.wait()
        try:
            target()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_two_replacements_of_one_file_make_one_version_2(assignment, ours, contact, colleague):
    submission = services.submission_for(assignment, ours.organisation)
    first = services.upload(submission, pdf_upload(), by=contact, now=BEFORE_DUE)
    results = []

    def replace(person):
        def attempt():
            try:
                services.upload(
                    submission,
                    pdf_upload(f"{person.name}.pdf", PDF + person.email.encode()),
                    by=person,
                    now=BEFORE_DUE,
                    replaces=first.pk,
                )
                results.append("replaced")
            except services.SubmissionError:
                results.append("refused")

        return attempt

    run_together(replace(contact), replace(colleague))
    assert sorted(results) == ["refused", "replaced"]
    assert SubmittedFile.objects.filter(previous=first).count() == 1
    assert [item.version for item in SubmittedFile.objects.filter(replaced_at__isnull=True)] == [2]


def test_an_upload_while_another_marks_final_is_either_before_or_refused(
    assignment, ours, contact, colleague
):
    submission = services.submission_for(assignment, ours.organisation)
    services.upload(submission, pdf_upload(), by=contact, now=BEFORE_DUE)
    outcome = {}

    def final():
        services.finalise(submission, by=contact, now=BEFORE_DUE)

    def add():
        try:
            services.upload(submission, pdf_upload("Toinen.pdf"), by=colleague, now=BEFORE_DUE)
            outcome["upload"] = "added"
        except services.SubmissionError:
            outcome["upload"] = "refused"

    run_together(final, add)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.FINAL
    files = SubmittedFile.objects.filter(submission=submission).count()
    assert files == (2 if outcome["upload"] == "added" else 1)


def test_one_organisation_s_upload_does_not_wait_for_another_s(
    assignment, ours, theirs, contact, outsider
):
    # Near the due date every organisation uploads: locking ours must not lock theirs,
    # nor the pre-assignment they share.
    ours_submission = services.submission_for(assignment, ours.organisation)
    theirs_submission = services.submission_for(assignment, theirs.organisation)
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def hold_ours():
        with transaction.atomic():
            services._locked(ours_submission, BEFORE_DUE)
            holding.set()
            release.wait(10)

    def upload_theirs():
        holding.wait(10)
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '1s'")
                services.upload(theirs_submission, pdf_upload(), by=outsider, now=BEFORE_DUE)
            outcome["theirs"] = "added"
        except DatabaseError as error:
            outcome["theirs"] = f"waited: {error}"
        finally:
            release.set()

    run_together(hold_ours, upload_theirs)
    assert outcome["theirs"] == "added"
    assert Submission.objects.get(pk=theirs_submission.pk).files.count() == 1
