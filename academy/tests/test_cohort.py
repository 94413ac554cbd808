import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from academy.models import HELSINKI, Cohort, CohortPhase
from academy.tests.factories import CohortFactory

UTC = dt.UTC
SECOND = dt.timedelta(seconds=1)


def helsinki(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HELSINKI)


@pytest.fixture
def cohort() -> Cohort:
    return CohortFactory.build()


@pytest.mark.parametrize(
    ("instant", "phase"),
    [
        (helsinki(2022, 1, 16, 23, 59, 59), CohortPhase.UPCOMING),
        (helsinki(2022, 1, 17, 0, 0, 0), CohortPhase.APPLICATIONS_OPEN),
        (helsinki(2022, 1, 17, 0, 0, 1), CohortPhase.APPLICATIONS_OPEN),
        (helsinki(2022, 2, 11, 23, 59, 58), CohortPhase.APPLICATIONS_OPEN),
        (helsinki(2022, 2, 11, 23, 59, 59), CohortPhase.APPLICATIONS_OPEN),
        # Still 23:59:59 on a Helsinki clock: on time.
        (helsinki(2022, 2, 11, 23, 59, 59, 999999), CohortPhase.APPLICATIONS_OPEN),
        (helsinki(2022, 2, 12, 0, 0, 0), CohortPhase.INTERVIEWS),
        (helsinki(2022, 3, 16, 8, 59, 59), CohortPhase.INTERVIEWS),
        (helsinki(2022, 3, 16, 9, 0, 0), CohortPhase.RUNNING),
        # A summer date, in daylight saving time (UTC+3).
        (helsinki(2022, 7, 15, 12, 0, 0), CohortPhase.RUNNING),
        (helsinki(2022, 11, 30, 23, 59, 59), CohortPhase.RUNNING),
        (helsinki(2022, 12, 1, 0, 0, 0), CohortPhase.FINISHED),
    ],
)
def test_phase_at_boundary_instants_in_helsinki_time(cohort, instant, phase):
    assert cohort.phase_at(instant) == phase


def test_close_is_read_in_helsinki_time_not_utc(cohort):
    # 11.2.2022 23:59:59 in Helsinki (UTC+2) is 21:59:59 UTC.
    assert cohort.is_application_open(dt.datetime(2022, 2, 11, 21, 59, 59, tzinfo=UTC))
    assert not cohort.is_application_open(dt.datetime(2022, 2, 11, 22, 0, 0, tzinfo=UTC))
    # An applicant in UTC who still sees 11.2. at 23:00 is already two hours late.
    assert not cohort.is_application_open(dt.datetime(2022, 2, 11, 23, 0, 0, tzinfo=UTC))


def test_summer_window_boundaries_follow_daylight_saving_time():
    summer = CohortFactory.build(
        application_opens=helsinki(2023, 6, 1, 0, 0, 0),
        application_closes=helsinki(2023, 6, 30, 23, 59, 59),
        kickoff_start=helsinki(2023, 8, 16, 9, 0),
        kickoff_end=helsinki(2023, 8, 16, 11, 0),
        ends_on=dt.date(2023, 12, 15),
    )
    closes = helsinki(2023, 6, 30, 23, 59, 59)
    assert closes.utcoffset() == dt.timedelta(hours=3)
    assert summer.phase_at(closes - SECOND) == CohortPhase.APPLICATIONS_OPEN
    assert summer.phase_at(closes) == CohortPhase.APPLICATIONS_OPEN
    assert summer.phase_at(closes + SECOND) == CohortPhase.INTERVIEWS
    assert summer.is_application_open(dt.datetime(2023, 6, 30, 20, 59, 59, tzinfo=UTC))
    assert not summer.is_application_open(dt.datetime(2023, 6, 30, 21, 0, 0, tzinfo=UTC))
    opens = helsinki(2023, 6, 1, 0, 0, 0)
    assert summer.phase_at(opens - SECOND) == CohortPhase.UPCOMING
    assert summer.phase_at(opens) == CohortPhase.APPLICATIONS_OPEN


def test_moving_a_date_moves_the_phase(cohort):
    instant = helsinki(2022, 2, 14, 12, 0)
    assert cohort.phase_at(instant) == CohortPhase.INTERVIEWS
    cohort.application_closes = helsinki(2022, 2, 18, 23, 59, 59)
    assert cohort.phase_at(instant) == CohortPhase.APPLICATIONS_OPEN


def test_ends_at_is_midnight_after_the_last_day(cohort):
    assert cohort.ends_at == helsinki(2022, 12, 1, 0, 0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"application_closes": helsinki(2022, 1, 16)}, "application_closes"),
        ({"interviews_end": dt.date(2022, 1, 30)}, "interviews_end"),
        ({"kickoff_end": helsinki(2022, 3, 16, 8, 0)}, "kickoff_end"),
        ({"kickoff_start": helsinki(2022, 2, 1, 9, 0)}, "kickoff_start"),
        ({"ends_on": dt.date(2022, 3, 1)}, "ends_on"),
    ],
)
def test_clean_explains_dates_out_of_order_next_to_the_field(changes, field):
    cohort = CohortFactory.build(**changes)
    with pytest.raises(ValidationError) as error:
        cohort.clean()
    assert field in error.value.message_dict


@pytest.mark.django_db
def test_current_cohort_is_the_one_that_opened_last():
    old = CohortFactory(slug="2022")
    assert Cohort.objects.current() == old
    new = CohortFactory(
        slug="2023",
        year=2023,
        application_opens=helsinki(2023, 1, 16),
        application_closes=helsinki(2023, 2, 10, 23, 59, 59),
    )
    assert Cohort.objects.current() == new
