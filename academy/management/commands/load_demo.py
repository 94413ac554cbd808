from django.core.management.base import BaseCommand

from academy.demo import STAFF_EMAIL, STAFF_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Create the 2022 demo cohort, demo organisations and a staff user. Safe to run again."

    def handle(self, *args, **options) -> None:
        cohort = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo cohort ready: {cohort}"))
        self.stdout.write(f"Staff login: {STAFF_EMAIL} / {STAFF_PASSWORD}")
