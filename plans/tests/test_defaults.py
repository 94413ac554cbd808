"""The factor set and categories shipped by the data migration."""

from decimal import Decimal

import pytest
from django.db import IntegrityError

from plans.models import CategoryFactor, EmissionFactor, FactorSet, ProcurementCategory
from plans.services import defaults
from plans.services.analysis import category_factors

pytestmark = pytest.mark.django_db


def test_the_epa_set_is_the_default_with_every_row_converted_to_euros():
    factor_set = FactorSet.objects.default()
    assert factor_set.version == "1.3.0"
    assert factor_set.indicative
    assert factor_set.price_year == 2022
    assert factor_set.factors.count() == 1016
    # Steam and air-conditioning supply: 0.578 kg/USD × 1.0530 USD/EUR = 0.608634 kg/EUR.
    assert factor_set.factors.get(code="221330").kg_per_eur == Decimal("0.608634")
    # Soybean farming: 0.532 × 1.053 = 0.560196.
    assert factor_set.factors.get(code="111110").kg_per_eur == Decimal("0.560196")


def test_the_default_categories_are_named_in_three_languages_and_mapped():
    categories = ProcurementCategory.objects.all()
    assert 20 <= categories.count() <= 30
    assert all(c.name_fi and c.name_sv and c.name_en for c in categories)
    factors = category_factors(FactorSet.objects.default())
    unmapped = {c.code for c in categories if c.pk not in factors}
    # Electricity has no factor in the EPA set; every other category has one.
    assert unmapped == {"electricity"}
    heating = ProcurementCategory.objects.get(code="heating")
    assert factors[heating.pk] == Decimal("0.608634")


def test_every_mapping_s_shares_add_up_to_one():
    for category in ProcurementCategory.objects.prefetch_related("mappings"):
        shares = [m.share for m in category.mappings.all()]
        assert not shares or sum(shares) == Decimal("1"), category.code


def test_loading_again_changes_nothing():
    from django.apps import apps

    before = (EmissionFactor.objects.count(), CategoryFactor.objects.count())
    defaults.load(apps)
    assert (EmissionFactor.objects.count(), CategoryFactor.objects.count()) == before


def test_only_one_set_is_the_default():
    with pytest.raises(IntegrityError):
        FactorSet.objects.create(
            name="Toinen", publisher="-", version="1", licence="-", price_year=2022,
            region="FI", is_default=True,
        )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_shipped_data_comes_back_after_a_flush_but_not_over_staff_s_changes():
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert FactorSet.objects.default().factors.count() == 1016
    assert ProcurementCategory.objects.count() == 28
    ProcurementCategory.objects.filter(code="printing").delete()
    call_command("migrate", verbosity=0)
    assert not ProcurementCategory.objects.filter(code="printing").exists()


def test_new_shipped_words_replace_only_the_words_staff_have_not_changed():
    from django.apps import apps

    shipped = defaults.keywords()
    previous = {"heating": "lämpö|ateria", "cleaning": "siivous|pesu", "printing": "paino"}
    # Saved again in the admin, unchanged: the browser sends the lines with CR LF.
    ProcurementCategory.objects.filter(code="heating").update(keywords="lämpö\r\nateria\r\n")
    ProcurementCategory.objects.filter(code="cleaning").update(keywords="siivous\npesu\nsauna")
    ProcurementCategory.objects.filter(code="printing").update(keywords="")
    defaults.replace_keywords(apps, previous)
    found = dict(ProcurementCategory.objects.values_list("code", "keywords"))
    assert found["heating"] == shipped["heating"]
    assert found["cleaning"] == "siivous\npesu\nsauna"  # staff's own words stay
    assert found["printing"] == ""  # staff emptied it
    assert found["fuels"] == shipped["fuels"]  # not in ``previous``: untouched
