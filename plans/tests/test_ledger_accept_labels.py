"""Each box that accepts a suggestion on the accounts page is named for its account."""

from html.parser import HTMLParser

import pytest

from .test_ledger import csv_bytes, import_file, ledger_url

pytestmark = pytest.mark.django_db

ROWS = [
    "4570;Lämmitys;1100;15.01.2021;1001;12 000,00;Lämpö Oy;1234567-8",
    "4340;Jätehuolto;1200;03.03.2021;1002;2 000,00;Kierrätys Oy;2345678-9",
    "4341;Jätehuolto;1300;04.03.2021;1003;1 000,00;Kierrätys Oy;2345678-9",
    "4999;Sisäiset vyörytykset;1300;31.12.2021;1004;500,00;Kaupunki;0000000-0",
]


class AccessibleNames(HTMLParser):
    """The name a screen reader gives each checkbox: its label's text, less what is hidden."""

    def __init__(self) -> None:
        super().__init__()
        self.checkboxes: list[str] = []
        self.labels: dict[str, str] = {}
        self._label: str | None = None
        self._hidden = 0  # depth inside an aria-hidden element of the label

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "checkbox":
            self.checkboxes.append(attrs["id"])
        elif tag == "label":
            self._label = attrs.get("for")
            self.labels.setdefault(self._label, "")
        elif self._label and (self._hidden or attrs.get("aria-hidden") == "true"):
            self._hidden += 1

    def handle_endtag(self, tag) -> None:
        if tag == "label":
            self._label = None
        elif self._hidden:
            self._hidden -= 1

    def handle_data(self, data) -> None:
        if self._label and not self._hidden:
            self.labels[self._label] += data

    def names(self) -> list[str]:
        return [" ".join(self.labels.get(box, "").split()) for box in self.checkboxes]


def accept_box_names(html: str) -> list[str]:
    parser = AccessibleNames()
    parser.feed(html)
    return parser.names()


def test_each_accept_box_has_its_own_name_saying_the_account_and_category(member, ours):
    with member.run_tasks():
        import_file(member, ours, csv_bytes(ROWS))
    page = member.get(ledger_url(ours, "accounts/")).content.decode()
    names = accept_box_names(page)
    assert names == [
        "Accept the suggestion “Heating” for account 4570 Lämmitys",
        "Accept the suggestion “Waste management” for account 4340 Jätehuolto",
        "Accept the suggestion “Waste management” for account 4341 Jätehuolto",
        "Accept the suggestion “Not procurement: leave out” for account 4999 Sisäiset vyörytykset",
    ]
    assert len(set(names)) == len(names)
    # Sighted users read the short text, which the name begins with.
    assert page.count('<span aria-hidden="true">Accept the suggestion</span>') == 4
