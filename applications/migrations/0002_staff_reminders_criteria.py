from django.db import migrations
from django.utils import translation

from academy.staff import ALL, grant_to_programme_staff

# (rule, days, direction): what a new cohort gets from the rules in applications.reminders.
REMINDERS = [
    ("application_draft", 3, "before"),
    ("application_draft", 1, "before"),
    ("interview_unbooked", 3, "after"),
    ("interview_upcoming", 1, "before"),
    ("interview_upcoming_interviewer", 1, "before"),
    ("decision_unconfirmed", 2, "before"),
]


def grant_staff(apps, schema_editor):
    grant_to_programme_staff(
        apps,
        {
            "applications.application": ("change", "view"),
            "applications.proposedmember": ("view",),
            "applications.applicationversion": ("view",),
            "applications.statechange": ("view",),
            "applications.reviewcriterion": ALL,
            "applications.review": ALL,
            "applications.score": ALL,
            "applications.internalnote": ("add", "view"),
            "applications.interviewslot": ALL,
            "applications.interview": ("add", "change", "view"),
        },
    )


def existing_cohorts(apps, schema_editor):
    """Cohorts made before this app get what a new cohort gets: draft reminders and criteria."""
    from applications.criteria import default_criteria

    cohort_model = apps.get_model("academy", "Cohort")
    offset_model = apps.get_model("notifications", "ReminderOffset")
    criterion_model = apps.get_model("applications", "ReviewCriterion")
    with translation.override("fi"):
        criteria = default_criteria()
    for cohort in cohort_model.objects.all():
        for rule, days, direction in REMINDERS:
            offset_model.objects.get_or_create(
                cohort=cohort, rule=rule, days=days, direction=direction
            )
        for position, (name, description, weight) in enumerate(criteria):
            criterion_model.objects.get_or_create(
                cohort=cohort,
                name=name,
                defaults={"description": description, "weight": weight, "position": position},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0001_initial"),
        ("academy", "0003_cohort_interviews_decisions_and_invitations"),
        ("notifications", "0003_outgoingemail_sensitive"),
    ]

    operations = [
        migrations.RunPython(grant_staff, migrations.RunPython.noop),
        migrations.RunPython(existing_cohorts, migrations.RunPython.noop),
    ]
