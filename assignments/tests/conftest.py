from academy.tests.programme_fixtures import (  # noqa: F401 - fixtures
    cohort,
    colleague,
    contact,
    nobody,
    ours,
    outsider,
    staff,
    theirs,
)

from .support import assignment, signed_in, url  # noqa: F401 - fixtures
