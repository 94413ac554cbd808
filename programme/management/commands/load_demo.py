from django.conf import settings
from django.core.management.base import BaseCommand

from academy.demo import STAFF_EMAIL, STAFF_PASSWORD, load_demo
from academy.models import User
from applications.demo import load_demo_applications
from programme.demo import PARTICIPANT_EMAIL, PARTICIPANT_PASSWORD, load_demo_programme


class Command(BaseCommand):
    help = (
        "Create the 2022 demo cohort, demo organisations and their applications, the six "
        "participants' sessions and pre-assignment, and staff and participant users. Safe to "
        "run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", help="Where the site runs, to print its addresses.")

    def handle(self, *args, url: str | None = None, **options) -> None:
        cohort, password = load_demo()
        load_demo_applications(cohort, User.objects.get(email=STAFF_EMAIL))
        participant_password = load_demo_programme(cohort)
        self.stdout.write(self.style.SUCCESS(f"Demo cohort ready: {cohort}"))
        if url:
            self.stdout.write(f"  Programme page: {url}")
            self.stdout.write(f"  Administration: {url}admin/")
        if password is None and settings.DEBUG:
            password = STAFF_PASSWORD
        shown = password or "(unchanged since it was created)"
        self.stdout.write(f"  Staff login:    {STAFF_EMAIL} / {shown}")
        if participant_password is None and settings.DEBUG:
            participant_password = PARTICIPANT_PASSWORD
        shown = participant_password or "(unchanged since it was created)"
        self.stdout.write(f"  Participant:    {PARTICIPANT_EMAIL} / {shown}")
