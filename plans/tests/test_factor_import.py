"""Staff import another factor set from a file; a bad file saves nothing and says why."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from academy.tests.programme import staff_user
from plans.models import EmissionFactor, FactorSet
from plans.services.factor_import import FactorImportError, import_factor_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


METADATA = {
    "name": "Suomalaiset kertoimet",
    "publisher": "Esimerkkiyhtiö",
    "version": "2024.1",
    "licence": "Lisensoitu organisaatiolle",
    "unit": "kg CO2e / EUR",
    "currency": "EUR",
    "price_year": 2023,
    "region": "Suomi",
    "indicative": False,
    "notes": "",
}


def upload(text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile("kertoimet.csv", text.encode(encoding))


def run(text: str, **kwargs):
    return import_factor_set(
        upload(text),
        metadata=METADATA,
        code_column="koodi",
        name_column="nimi",
        value_column="kerroin",
        **kwargs,
    )


def test_a_good_file_becomes_a_set_with_its_factors():
    factor_set = run("koodi;nimi;kerroin\nA1;Kaukolämpö;0,215\nB2;Ruokapalvelut;0,31\n")
    assert str(factor_set) == "Suomalaiset kertoimet 2024.1"
    assert not factor_set.is_default
    values = dict(factor_set.factors.values_list("code", "kg_per_eur"))
    assert values == {"A1": Decimal("0.215000"), "B2": Decimal("0.310000")}


def test_the_multiplier_converts_the_unit():
    factor_set = run("koodi;nimi;kerroin\nA1;X;0,578\n", multiplier=Decimal("1.053"))
    assert factor_set.factors.get().kg_per_eur == Decimal("0.608634")


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_saved(english):
    text = (
        "koodi;nimi;kerroin\nA1;Hyvä;0,2\n;Tyhjä koodi;0,1\nA1;Kahdesti;0,3\n"
        "C3;Ei luku;abc\nD4;Negatiivinen;-1\n"
    )
    with pytest.raises(FactorImportError) as raised:
        run(text)
    assert [(p.line, p.message) for p in raised.value.problems] == [
        (3, "The code is empty."),
        (4, "The code A1 appears twice."),
        (5, "The factor abc is not a number."),
        (6, "A factor cannot be negative."),
    ]
    assert not FactorSet.objects.filter(name=METADATA["name"]).exists()
    assert not EmissionFactor.objects.filter(code="A1").exists()


def test_a_missing_column_is_named_with_those_the_file_has(english):
    with pytest.raises(FactorImportError) as raised:
        run("code;name;value\nA1;X;1\n")
    (problem,) = raised.value.problems
    assert "koodi, nimi, kerroin" in problem.message
    assert "code, name, value" in problem.message


def test_the_admin_imports_a_set_and_shows_the_problems_of_a_bad_one(client):
    client.force_login(staff_user())
    form = {
        **{key: value for key, value in METADATA.items() if key != "indicative"},
        "code_column": "koodi",
        "name_column": "nimi",
        "value_column": "kerroin",
        "multiplier": "1",
    }
    bad = client.post(
        "/en/admin/plans/factorset/import/",
        {**form, "file": upload("koodi;nimi;kerroin\nA1;X;ei\n")},
    )
    assert bad.status_code == 200
    assert "Line 2:" in bad.content.decode()
    assert "Suomalaiset kertoimet" in bad.content.decode()  # what was typed stays
    assert not FactorSet.objects.filter(name=METADATA["name"]).exists()
    good = client.post(
        "/en/admin/plans/factorset/import/",
        {**form, "file": upload("koodi;nimi;kerroin\nA1;X;0,5\n", "cp1252")},
    )
    assert good.status_code == 302
    assert FactorSet.objects.get(name=METADATA["name"]).factors.count() == 1


def test_a_file_over_the_limit_says_its_own_size(client, monkeypatch):
    from plans import admin as plans_admin

    monkeypatch.setattr(plans_admin, "MAX_FACTOR_FILE", 1000)
    client.force_login(staff_user())
    content = "koodi;nimi;kerroin\n" + "A1;X;0,5\n" * 120
    response = client.post(
        "/en/admin/plans/factorset/import/",
        {
            **{key: value for key, value in METADATA.items() if key != "indicative"},
            "code_column": "koodi",
            "name_column": "nimi",
            "value_column": "kerroin",
            "multiplier": "1",
            "file": SimpleUploadedFile("kertoimet.csv", content.encode()),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The file is too large: 1.1\xa0KB. The limit is 1000\xa0bytes."
    ]
