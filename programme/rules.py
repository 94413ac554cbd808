"""Who may do what on the pages that bring the programme together (see academy.rules)."""

import rules

from academy.rules import is_programme_staff

from .downloads import is_for

# A private file: programme staff, or the people it is for.
rules.add_perm("programme.download_file", is_programme_staff | is_for)
