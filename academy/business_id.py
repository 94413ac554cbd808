"""The Finnish business ID (Y-tunnus): seven digits, a hyphen and a check digit.

The check digit is computed from the seven digits with the weights
7, 9, 10, 5, 8, 4, 2: the weighted sum modulo 11 gives 0 for a check digit 0,
and 11 minus the remainder otherwise; a remainder of 1 is never issued.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2)
# ASCII digits only: \d would also take other scripts' digits, e.g. full-width ones.
SHAPE = re.compile(r"^([0-9]{7})-([0-9])$")


# Dashes a word processor or a phone keyboard puts where the hyphen belongs.
DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))


def normalise_business_id(value: str) -> str:
    """Trim white space, read any dash as the hyphen, and pad an old six-digit ID with its zero."""
    value = "".join((value or "").split()).translate(DASHES)
    if re.fullmatch(r"[0-9]{6}-[0-9]", value):
        value = "0" + value
    return value


def check_digit(digits: str) -> int | None:
    """The check digit for seven digits, or None when no valid ID has them."""
    remainder = sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def validate_business_id(value: str) -> None:
    match = SHAPE.match(normalise_business_id(value))
    if not match:
        raise ValidationError(
            _("Enter the business ID as seven digits, a hyphen and a check digit, e.g. 0201256-6."),
            code="format",
        )
    digits, given = match.groups()
    if check_digit(digits) != int(given):
        raise ValidationError(
            _("The check digit of this business ID does not match: please check the number."),
            code="check_digit",
        )
