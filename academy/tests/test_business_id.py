import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from academy.business_id import normalise_business_id, validate_business_id
from academy.models import Organisation


@pytest.mark.parametrize(
    "business_id",
    [
        "0201256-6",  # City of Helsinki
        "1234567-1",
        "9000007-0",  # remainder 0 gives check digit 0
        " 0201256-6 ",
    ],
)
def test_valid_business_ids_pass(business_id):
    validate_business_id(business_id)


def test_old_six_digit_id_is_padded_with_its_leading_zero():
    assert normalise_business_id("201256-6") == "0201256-6"


@pytest.mark.parametrize("typed", ["0201256\u20136", "0201256\u22126", " 0201256 - 6 "])
def test_dashes_and_spaces_are_read_as_the_hyphen(typed):
    assert normalise_business_id(typed) == "0201256-6"
    validate_business_id("201256-6")


@pytest.mark.parametrize("business_id", ["0201256-5", "1234567-2", "9000007-1"])
def test_wrong_check_digit_is_refused_with_its_own_message(business_id):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            validate_business_id(business_id)
        assert error.value.code == "check_digit"
        assert "check digit" in str(error.value.message)


@pytest.mark.parametrize(
    "business_id",
    [
        "",
        "02012566",
        "0201256_6",
        "020125-66",
        "A201256-6",
        "10201256-6",
        "0201256-",
        "０２０１２５６-６",  # full-width digits
    ],
)
def test_wrong_format_is_refused_with_an_example(business_id):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            validate_business_id(business_id)
        assert error.value.code == "format"
        assert "0201256-6" in str(error.value.message)


def test_seven_digits_without_any_valid_check_digit_are_refused():
    # 1111111 weighs to a remainder of 1, for which no check digit is issued.
    for digit in range(10):
        with pytest.raises(ValidationError):
            validate_business_id(f"1111111-{digit}")


@pytest.mark.django_db
def test_organisation_full_clean_normalises_and_validates():
    organisation = Organisation(name="Helsinki", business_id=" 201256-6", kind="municipality")
    organisation.full_clean()
    assert organisation.business_id == "0201256-6"

    wrong = Organisation(name="Wrong", business_id="0201256-7", kind="municipality")
    with pytest.raises(ValidationError) as error:
        wrong.full_clean()
    assert "business_id" in error.value.message_dict


@pytest.mark.django_db
def test_finnish_message_for_a_wrong_check_digit():
    with translation.override("fi"):
        with pytest.raises(ValidationError) as error:
            validate_business_id("0201256-5")
        assert "tarkistusnumero" in str(error.value.message).lower()
