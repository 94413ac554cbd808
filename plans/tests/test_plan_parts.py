"""The parts of the plan as the page, the frozen copy and the PDF show them: the ledger behind
the spend, the team's hints on the page only, scrollable regions for the chart and the table,
header cells with their scope, and the category plans' Markdown."""

import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from django.utils import translation
from pypdf import PdfReader

from academy.models import StoredFile
from academy.tests.programme import member
from plans.models import (
    AccountMapping,
    ActionItem,
    CategoryPlan,
    CategorySpend,
    ImportState,
    LedgerAccountTotal,
    LedgerImport,
    ProcurementCategory,
    SpendSource,
)
from plans.services import collaboration, exports
from plans.services import plan as plan_service
from plans.tests.test_exports import heat_measure, with_pilot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def plan_url(participation) -> str:
    return f"/en/workspace/{participation.pk}/plan/"


@pytest.fixture
def team_member(plan):
    return member(plan.participation, "tiimi@example.fi")


@pytest.fixture
def from_ledger(plan, team_member):
    """Heat's spend read from ostot.csv, whose accounts 4200 and 4300 (1 234,50 €) have no
    category yet; the other categories' spend entered by hand."""
    stored = StoredFile.objects.create(
        file="ledger/ostot.csv",
        original_name="ostot.csv",
        file_type="csv",
        content_type="text/csv",
        size=1,
        sha256="0" * 64,
    )
    ledger_import = LedgerImport.objects.create(
        plan=plan, year=2021, file=stored, state=ImportState.APPLIED
    )
    for account, amount in (("4100", "100000"), ("4200", "1000.25"), ("4300", "234.25")):
        LedgerAccountTotal.objects.create(
            ledger_import=ledger_import, account=account, amount_eur=amount, rows=1
        )
    AccountMapping.objects.create(
        organisation=plan.participation.organisation,
        account="4100",
        category=plan.categories["heat"],
    )
    CategorySpend.objects.filter(plan=plan, category=plan.categories["heat"]).update(
        source=SpendSource.LEDGER
    )
    return plan


def pdf_text(plan) -> str:
    """The PDF's text, each page's words run together (a line may wrap anywhere)."""
    reader = PdfReader(io.BytesIO(exports.plan_pdf(plan)))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def squeezed(text: str) -> str:
    return "".join(text.split())


def category_cell(html: str, name: str) -> str:
    """The text of the heading cell of the analysis table's row of category ``name``."""
    table = html.split('id="analysis-table"')[1].split("</table>")[0]
    cells = (part.split("</th>")[0] for part in table.split('<th scope="row">')[1:])
    texts = (" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells)
    return next(text for text in texts if text.startswith(f"{name} "))


UNMAPPED = "2 accounts (1,235 €) have no category yet and are outside the analysis."


# The ledger behind the spend, on the page, in the frozen copy and in the PDF.


def test_the_page_names_the_ledger_its_accounts_without_a_category_and_each_row_s_source(
    client, from_ledger, team_member
):
    client.force_login(team_member)
    page = client.get(plan_url(from_ledger.participation)).content.decode()
    assert "Spend from the purchase ledger: ostot.csv." in page
    assert UNMAPPED in page
    assert "?show=unmapped" in page
    assert "from the ledger" in category_cell(page, "heat")
    assert "entered by hand" in category_cell(page, "food")


def test_the_frozen_copy_names_the_ledger_and_each_row_s_source(from_ledger, team_member):
    submission = collaboration.submit_plan(from_ledger, team_member)
    submission.refresh_from_db()
    # As stored at submission, and as drawn again from the JSON it keeps.
    for html in (submission.html, collaboration.render_snapshot(submission.snapshot)):
        assert "Spend from the purchase ledger: ostot.csv." in html
        assert UNMAPPED in html
        assert "?show=unmapped" not in html
        assert "from the ledger" in category_cell(html, "heat")
        assert "entered by hand" in category_cell(html, "food")


def test_the_pdf_names_the_ledger_and_each_row_s_source(from_ledger):
    text = pdf_text(from_ledger)
    assert squeezed("Spend from the purchase ledger: ostot.csv.") in text
    assert squeezed(UNMAPPED) in text
    assert squeezed("heat from the ledger 100,000") in text
    assert squeezed("food entered by hand 300,000") in text


def test_a_version_frozen_before_the_ledger_was_kept_still_renders(plan):
    content = collaboration.snapshot(plan)
    del content["sections"][0]["data"]["ledger"]
    html = collaboration.render_snapshot(content)
    assert "Procurement categories by emissions" in html
    assert "purchase ledger" not in html
    assert "entered by hand" not in html


def test_spend_entered_by_hand_names_no_ledger(client, plan, team_member):
    client.force_login(team_member)
    page = client.get(plan_url(plan.participation)).content.decode()
    assert "purchase ledger:" not in page
    assert "entered by hand" not in page


# Hints to the team: on the page while it may change the plan, never in the PDF.

OWN_FACTOR = "Give it an own factor with its justification."
NO_SPEND_YET = (
    "No spend yet. Enter your procurement spend by category to see where the emissions are."
)


def test_the_page_tells_the_team_it_may_give_an_own_factor(client, plan, team_member):
    client.force_login(team_member)
    page = client.get(plan_url(plan.participation)).content.decode()
    assert "One category has spend but no factor in this set" in page
    assert OWN_FACTOR in page


def test_staff_and_the_pdf_read_no_instructions(client, plan, staff):
    client.force_login(staff)
    page = client.get(plan_url(plan.participation)).content.decode()
    html = exports.plan_html(plan)
    for shown in (page, html):
        assert "One category has spend but no factor in this set" in shown
        assert OWN_FACTOR not in shown


def test_without_spend_the_page_says_how_to_enter_it_and_the_pdf_only_that_there_is_none(
    client, ours, contact
):
    client.force_login(contact)
    page = client.get(plan_url(ours)).content.decode()
    assert NO_SPEND_YET in page
    html = exports.plan_html(plan_service.plan_for(ours))
    assert "No spend has been entered." in html
    assert "No spend yet" not in html


def test_a_submitted_plan_gives_no_instructions(client, plan, team_member):
    collaboration.submit_plan(plan, team_member)
    client.force_login(team_member)
    page = client.get(plan_url(plan.participation)).content.decode()
    assert "One category has spend but no factor in this set" in page
    assert OWN_FACTOR not in page


# The chart and the table scroll sideways on a narrow screen, in named, focusable regions.


class Ancestors(HTMLParser):
    """The elements open around each element that matches ``wanted``."""

    VOID = {"br", "hr", "img", "input", "meta", "link", "circle", "line", "rect", "polyline"}

    def __init__(self, wanted):
        super().__init__()
        self.wanted, self.stack, self.found, self.ids = wanted, [], [], {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids[attributes["id"]] = tag
        if self.wanted(tag, attributes):
            self.found.append(list(self.stack))
        if tag not in self.VOID:
            self.stack.append((tag, attributes))

    def handle_startendtag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids[attributes["id"]] = tag

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def scroll_region(html: str, wanted) -> dict:
    """The region that scrolls the one element ``wanted`` finds: its nearest ancestor div
    that Bootstrap's ``table-responsive`` lets scroll sideways (``overflow-x: auto``)."""
    parser = Ancestors(wanted)
    parser.feed(html)
    [stack] = parser.found
    regions = [
        attributes
        for tag, attributes in stack
        if tag == "div" and "table-responsive" in attributes.get("class", "").split()
    ]
    assert regions, "not in a region that scrolls"
    region = regions[-1]
    region["named"] = bool(region.get("aria-label")) or region.get("aria-labelledby") in parser.ids
    return region


def is_chart(tag, attributes):
    return tag == "svg"


def is_analysis_table(tag, attributes):
    return tag == "table" and attributes.get("id") == "analysis-table"


@pytest.mark.parametrize("wanted", [is_chart, is_analysis_table], ids=["chart", "table"])
def test_the_chart_and_the_table_scroll_in_a_region_the_keyboard_reaches(
    client, plan, team_member, wanted
):
    client.force_login(team_member)
    page = client.get(plan_url(plan.participation)).content.decode()
    frozen = collaboration.render_snapshot(collaboration.snapshot(plan))
    for html in (page, frozen):
        region = scroll_region(html, wanted)
        assert region["tabindex"] == "0"
        assert region["role"] == "region"
        assert region["named"]


def test_the_table_s_region_is_named_after_the_table(client, plan, team_member):
    client.force_login(team_member)
    page = client.get(plan_url(plan.participation)).content.decode()
    region = scroll_region(page, is_analysis_table)
    assert region["aria-label"] == "Procurement categories by emissions"


# Links and header cells.


def test_the_pdf_names_the_table_rather_than_link_to_its_id(plan):
    reader = PdfReader(io.BytesIO(exports.plan_pdf(plan)))
    described = [
        annotation.get_object().get("/Contents")
        for page in reader.pages
        for annotation in page.get("/Annots") or []
    ]
    assert "analysis-table" not in described
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    assert squeezed("The same figures are in the table Procurement categories by emissions") in text


def test_the_page_links_to_the_table_by_its_name(client, plan, team_member):
    client.force_login(team_member)
    page = client.get(plan_url(plan.participation)).content.decode()
    assert '<a href="#analysis-table">Procurement categories by emissions</a>' in page


class HeaderCells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells = []

    def handle_starttag(self, tag, attrs):
        if tag == "th":
            self.cells.append(dict(attrs).get("scope"))


def test_every_header_cell_of_every_part_says_what_it_heads(client, plan, team_member):
    heat_measure(plan)
    with_pilot(plan)
    ActionItem.objects.create(plan=plan, title="Markkinakartoitus", due=dt.date(2023, 3, 15))
    client.force_login(team_member)
    page = client.get(plan_url(plan.participation)).content.decode()
    frozen = collaboration.render_snapshot(collaboration.snapshot(plan))
    for html in (page, frozen, exports.plan_html(plan)):
        parser = HeaderCells()
        parser.feed(html)
        assert set(parser.cells) == {"col", "row"}


# The list of category plans.


def test_the_list_of_category_plans_renders_their_goals_markdown_safely(client, ours, contact):
    plan = plan_service.plan_for(ours)
    CategoryPlan.objects.create(
        plan=plan,
        category=ProcurementCategory.objects.get(code="catering_food"),
        goals="Kasvisruoan osuus **50 %** <script>alert('x')</script> vuoteen 2025",
    )
    client.force_login(contact)
    page = client.get(f"/en/workspace/{ours.pk}/plan/implementation/").content.decode()
    goals = page.split("<tbody>")[1].split("</tbody>")[0]
    assert "<strong>50 %</strong>" in goals
    assert "**" not in goals
    assert "<script" not in goals
