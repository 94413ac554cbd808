from academy.tests.programme_fixtures import (  # noqa: F401 - fixtures
    cohort,
    contact,
    nobody,
    ours,
    outsider,
    staff,
    theirs,
)
