"""The budget page as people read it, with the Amager plan's own figures, and the coordinators' forms at work."""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl import load_workbook

from helhedsplan.budget.models import ActualSpend, BudgetAmount, BudgetLine, Funding, FundingSource

pytestmark = pytest.mark.django_db


def url(name: str, plan, **kwargs) -> str:
    return reverse(f"budget:{name}", kwargs={"plan": plan.slug, **kwargs})


def text_of(response) -> str:
    """The page's text without tags, whitespace collapsed, so assertions read like what people see."""
    html = response.content.decode()
    html = html[html.index("<main") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def coordinator_client(client, personas):
    client.force_login(personas.coordinator)
    return client


@pytest.fixture
def reviewer_client(client, personas):
    client.force_login(personas.reviewer)
    return client


def line_named(plan, description: str) -> BudgetLine:
    return BudgetLine.objects.in_plan(plan).get(description=description)


def test_the_amager_figures_are_on_the_page(reviewer_client, amager_plan):
    response = reviewer_client.get(url("overview", amager_plan))

    assert response.status_code == 200
    text = text_of(response)
    assert "31,2 mio. kr." in text  # in all
    assert "31.200.000 kr." in text
    assert "4,62 mio. kr." in text  # the municipality, and the housing associations matching it
    assert "2,91 mio. kr." in text  # Sikker By
    assert "19,05 mio. kr." in text  # LBF
    assert "12,15 mio. kr." in text  # local co-financing
    assert "39 %" in text
    assert "61 %" in text
    assert "14,8 %" in text  # the municipality's share, against its 12,5 %


def test_the_headline_figures_sit_in_their_cards(reviewer_client, amager_plan):
    html = reviewer_client.get(url("overview", amager_plan)).content.decode()

    assert re.search(r'data-figure="total">\s*31,2 mio\. kr\.', html)
    assert re.search(r'data-figure="local-share">\s*39 %', html)
    assert re.search(r'data-figure="municipality">\s*4,62 mio\. kr\.', html)
    assert re.search(r'data-figure="lbf">\s*19,05 mio\. kr\.', html)
    assert re.search(r'data-share="lbf">\s*61 %', html)


def test_the_checks_are_shown_in_words_and_symbols(reviewer_client, amager_plan):
    html = reviewer_client.get(url("overview", amager_plan)).content.decode()

    met = re.findall(r'<span class="status status-ok"><span aria-hidden="true">✓</span>\s*(\w+)', html)
    # Two places each for LBF's 25 % and the municipality's 12,5 %: the key figures and the requirements list.
    assert len(met) >= 4
    assert "status-problem" not in html  # Amager balances and meets both


def test_a_check_not_met_says_so(reviewer_client, amager_plan):
    # Without the municipality's money the municipal commitment is not met.
    Funding.objects.filter(source__plan=amager_plan, source__kind=FundingSource.Kind.MUNICIPALITY).update(
        amount=Decimal(0)
    )
    html = reviewer_client.get(url("overview", amager_plan)).content.decode()

    assert re.search(r'status-problem"><span aria-hidden="true">✗</span>', html)


def test_the_budget_table_has_totals_per_delaftale_per_year_and_in_all(reviewer_client, amager_plan):
    text = text_of(reviewer_client.get(url("overview", amager_plan)))

    # Uddannelse og livschancer: 1.200.000 + 400.000 in 2022, 6.200.000 in all (see data/amager-2022-2025.yaml).
    assert "1.600.000 kr. 1.600.000 kr. 1.550.000 kr. 1.450.000 kr. 6.200.000 kr." in text
    # The secretariat's shared costs: 2.250.000 kr. a year until the evaluation grows in 2024 and 2025.
    assert "2.250.000 kr. 2.250.000 kr. 2.300.000 kr. 2.400.000 kr. 9.200.000 kr." in text
    # The plan in all, per year and together.
    assert "7.800.000 kr. 7.800.000 kr. 7.800.000 kr. 7.800.000 kr. 31.200.000 kr." in text


def test_the_shared_costs_come_last(reviewer_client, amager_plan):
    text = text_of(reviewer_client.get(url("overview", amager_plan)))
    shared = text.index("Boligsocial leder og sekretariat")
    for description in ["Lektiecaféer og læseprojekter", "Mødregrupper og beboerarrangementer"]:
        assert text.index(description) < shared


def test_funding_against_budget_names_the_difference(reviewer_client, amager_plan):
    funding = Funding.objects.get(source__plan=amager_plan, source__kind=FundingSource.Kind.LBF, year=2023)
    funding.amount -= Decimal(200_000)
    funding.save()

    html = reviewer_client.get(url("overview", amager_plan)).content.decode()

    cell = re.search(r'data-balance-year="2023">(.*?)</td>', html, re.S).group(1)
    assert "200.000 kr." in cell
    assert "2023" in cell
    assert "status-problem" in cell
    assert "status-ok" in re.search(r'data-balance-year="2022">(.*?)</td>', html, re.S).group(1)


def test_actual_spend_with_variance_and_a_chart(reviewer_client, amager_plan):
    html = reviewer_client.get(url("overview", amager_plan)).content.decode()

    # The chart is an SVG with a text alternative and a bar per year for budget and for each known actual.
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg
    assert svg.count('class="chart-budget"') == 4
    assert svg.count('class="chart-actual"') == 3  # 2025 is not yet known
    assert "," not in re.sub(r"<text[^>]*>.*?</text>|<title.*?</title>|<desc.*?</desc>", "", svg, flags=re.S)
    # Its table equivalent: 2022's budget 7.800.000 kr. against the yaml's actual spend.
    actual_2022 = sum(a.amount for a in ActualSpend.objects.in_plan(amager_plan).filter(year=2022))
    table = re.search(r'id="actual-by-year".*?</table>', html, re.S).group(0)
    assert f"{actual_2022:,.0f}".replace(",", ".") + " kr." in table
    variance = actual_2022 - Decimal(7_800_000)  # an underspend: shown with a minus sign
    assert "−" + f"{abs(variance):,.0f}".replace(",", ".") + " kr." in table


def test_a_line_without_actuals_has_no_variance(reviewer_client, amager_plan):
    line = line_named(amager_plan, "Revision")
    line.actuals.all().delete()
    html = reviewer_client.get(url("overview", amager_plan)).content.decode()

    block = re.search(rf'id="actual-line-{line.pk}">(.*?)</tbody>', html, re.S).group(1)
    cells = [c.strip() for c in re.findall(r'<td class="num">(.*?)</td>', block, re.S)]
    assert len(cells) == 4 * 4  # budget, actual, variance in kr., variance in % for each year
    assert cells[0::4] == ["60.000 kr."] * 4
    assert cells[2::4] == ["—"] * 4  # no variance while the spend is not known
    assert cells[3::4] == ["—"] * 4


def test_reviewers_see_no_edit_controls_and_no_action_columns(reviewer_client, amager_plan):
    html = reviewer_client.get(url("overview", amager_plan)).content.decode()
    line = line_named(amager_plan, "Revision")
    source = FundingSource.objects.in_plan(amager_plan).get(kind=FundingSource.Kind.LBF)
    assert url("line_edit", amager_plan, pk=line.pk) not in html
    assert url("line_create", amager_plan) not in html
    assert url("source_create", amager_plan) not in html
    # No "Historik" on every row, and no column left empty where the buttons were.
    assert url("line_history", amager_plan, pk=line.pk) not in html
    assert url("source_history", amager_plan, pk=source.pk) not in html
    assert "Handlinger" not in html
    assert "dropdown" not in html
    # The history stays readable at its own address.
    assert reviewer_client.get(url("line_history", amager_plan, pk=line.pk)).status_code == 200


def test_each_row_has_one_menu_with_its_actions(coordinator_client, amager_plan):
    html = coordinator_client.get(url("overview", amager_plan)).content.decode()
    line = line_named(amager_plan, "Revision")

    row = re.search(rf'<tr id="line-{line.pk}">(.*?)</tr>', html, re.S).group(1)
    # One button opens the menu (Bootstrap's dropdown, keyboard-operable); its links are menu items.
    assert row.count("<button") == 1
    assert 'data-bs-toggle="dropdown" ' in row and 'aria-expanded="false"' in row
    assert 'Handlinger<span class="visually-hidden">: ' in row
    assert 'class="btn' not in row.replace('class="btn btn-sm btn-outline-secondary dropdown-toggle"', "")
    items = re.findall(r'<a class="dropdown-item[^"]*" href="([^"]+)">', row)
    assert items == [
        url("line_edit", amager_plan, pk=line.pk),
        url("line_actuals", amager_plan, pk=line.pk),
        url("line_history", amager_plan, pk=line.pk),
        url("line_delete", amager_plan, pk=line.pk),
    ]


def test_actual_spend_is_listed_in_the_budget_tables_order(reviewer_client, amager_plan):
    html = reviewer_client.get(url("overview", amager_plan)).content.decode()

    budget_order = re.findall(r'<tr id="line-(\d+)">', html)
    actual_order = re.findall(r'<tbody id="actual-line-(\d+)">', html)
    assert len(budget_order) == BudgetLine.objects.in_plan(amager_plan).count()
    assert actual_order == budget_order


def test_coordinators_see_edit_controls(coordinator_client, amager_plan):
    html = coordinator_client.get(url("overview", amager_plan)).content.decode()
    line = line_named(amager_plan, "Revision")
    source = FundingSource.objects.in_plan(amager_plan).get(kind=FundingSource.Kind.LBF)
    for link in [
        url("line_create", amager_plan),
        url("line_edit", amager_plan, pk=line.pk),
        url("line_actuals", amager_plan, pk=line.pk),
        url("line_delete", amager_plan, pk=line.pk),
        url("source_create", amager_plan),
        url("source_edit", amager_plan, pk=source.pk),
        url("source_delete", amager_plan, pk=source.pk),
        url("source_history", amager_plan, pk=source.pk),
    ]:
        assert link in html


def test_editing_a_line_changes_the_totals(coordinator_client, amager_plan):
    line = line_named(amager_plan, "Revision")
    response = coordinator_client.post(
        url("line_edit", amager_plan, pk=line.pk),
        {
            "lock_version": line.lock_version,
            "sub_agreement": "",
            "category": line.category,
            "description": "Revision og regnskab",
            "amount_2022": "1,06 mio.",
            "amount_2023": "60.000",
            "amount_2024": "60.000,00",
            "amount_2025": "60000",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#line-{line.pk}")
    line.refresh_from_db()
    assert line.description == "Revision og regnskab"
    assert line.amounts.get(year=2022).amount == Decimal(1_060_000)

    html = coordinator_client.get(url("overview", amager_plan)).content.decode()
    assert "32,2 mio. kr." in html
    short = re.search(r'data-balance-year="2022">(.*?)</td>', html, re.S).group(1)
    assert "status-problem" in short and "1.000.000 kr." in short and "2022" in short


def test_a_stale_form_is_refused_even_when_only_an_amount_changed(coordinator_client, amager_plan):
    line = line_named(amager_plan, "Revision")
    opened_version = line.lock_version
    data = {
        "lock_version": opened_version,
        "sub_agreement": "",
        "category": line.category,
        "description": line.description,
        "amount_2022": "60.000",
        "amount_2023": "60.000",
        "amount_2024": "60.000",
        "amount_2025": "60.000",
    }
    # Someone else changes only 2023's amount...
    first = coordinator_client.post(
        url("line_edit", amager_plan, pk=line.pk), {**data, "amount_2023": "70.000"}
    )
    assert first.status_code == 302
    # ...so a save from the form opened before is refused and changes nothing.
    second = coordinator_client.post(
        url("line_edit", amager_plan, pk=line.pk), {**data, "amount_2024": "90.000"}
    )
    assert second.status_code == 200
    assert second.context["form"].non_field_errors()
    assert line.amounts.get(year=2023).amount == Decimal(70_000)
    assert line.amounts.get(year=2024).amount == Decimal(60_000)


def test_a_stale_actual_spend_form_is_refused(coordinator_client, amager_plan):
    line = line_named(amager_plan, "Revision")
    data = {
        "lock_version": line.lock_version,
        "amount_2022": "58.750",
        "amount_2023": "61.250",
        "amount_2024": "60.000",
    }
    assert (
        coordinator_client.post(
            url("line_actuals", amager_plan, pk=line.pk), {**data, "amount_2025": "15.001"}
        ).status_code
        == 302
    )
    response = coordinator_client.post(
        url("line_actuals", amager_plan, pk=line.pk), {**data, "amount_2025": "15.002"}
    )
    assert response.status_code == 200
    assert line.actuals.get(year=2025).amount == Decimal(15_001)


def test_entering_actual_spend(coordinator_client, amager_plan):
    line = line_named(amager_plan, "Revision")
    response = coordinator_client.post(
        url("line_actuals", amager_plan, pk=line.pk),
        {
            "lock_version": line.lock_version,
            "amount_2022": "58.750",
            "amount_2023": "",
            "amount_2024": "60.000",
            "amount_2025": "15.000",
        },
    )
    assert response.status_code == 302
    assert dict(line.actuals.values_list("year", "amount")) == {
        2022: Decimal(58_750),
        2024: Decimal(60_000),
        2025: Decimal(15_000),
    }  # 2023 left empty: not yet known, so its row is gone


def test_creating_and_deleting_a_line(coordinator_client, amager_plan):
    sub_agreement = amager_plan.sub_agreements.get(focus_area="employment")
    response = coordinator_client.post(
        url("line_create", amager_plan),
        {
            "sub_agreement": sub_agreement.pk,
            "category": "training",
            "description": "Kurser",
            "amount_2022": "25.000",
            "amount_2023": "",
            "amount_2024": "",
            "amount_2025": "",
        },
    )
    assert response.status_code == 302
    line = line_named(amager_plan, "Kurser")
    assert line.sub_agreement == sub_agreement
    assert list(line.amounts.values_list("year", "amount")) == [(2022, Decimal(25_000))]

    response = coordinator_client.post(url("line_delete", amager_plan, pk=line.pk))
    assert response.status_code == 302
    assert not BudgetLine.objects.filter(pk=line.pk).exists()
    assert not BudgetAmount.objects.filter(line_id=line.pk).exists()


def test_creating_editing_and_deleting_a_funding_source(coordinator_client, amager_plan):
    response = coordinator_client.post(
        url("source_create", amager_plan),
        {
            "name": "Fonden for boligsocialt arbejde",
            "kind": "other",
            "organisation": "",
            "basis": "Bevilling 2022",
            "amount_2022": "100.000",
            "amount_2023": "",
            "amount_2024": "",
            "amount_2025": "",
        },
    )
    assert response.status_code == 302
    source = FundingSource.objects.in_plan(amager_plan).get(name="Fonden for boligsocialt arbejde")
    assert list(source.fundings.values_list("year", "amount")) == [(2022, Decimal(100_000))]
    assert response["Location"].endswith(f"#source-{source.pk}")

    response = coordinator_client.post(
        url("source_edit", amager_plan, pk=source.pk),
        {
            "lock_version": source.lock_version,
            "name": source.name,
            "kind": "other",
            "organisation": "",
            "basis": "",
            "amount_2022": "100.000",
            "amount_2023": "0,2 mio.",
            "amount_2024": "",
            "amount_2025": "",
        },
    )
    assert response.status_code == 302
    assert source.fundings.get(year=2023).amount == Decimal(200_000)

    assert coordinator_client.post(url("source_delete", amager_plan, pk=source.pk)).status_code == 302
    assert not FundingSource.objects.filter(pk=source.pk).exists()


def test_a_funding_source_name_is_unique_in_the_plan(coordinator_client, amager_plan):
    response = coordinator_client.post(
        url("source_create", amager_plan),
        {"name": "Landsbyggefonden", "kind": "lbf", "amount_2022": "1"},
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert FundingSource.objects.in_plan(amager_plan).filter(name="Landsbyggefonden").count() == 1


def test_the_line_history_shows_the_yearly_amounts(coordinator_client, amager_plan):
    line = line_named(amager_plan, "Revision")
    coordinator_client.post(
        url("line_edit", amager_plan, pk=line.pk),
        {
            "lock_version": line.lock_version,
            "sub_agreement": "",
            "category": line.category,
            "description": line.description,
            "amount_2022": "60.000",
            "amount_2023": "65.000",
            "amount_2024": "60.000",
            "amount_2025": "60.000",
        },
    )
    response = coordinator_client.get(url("line_history", amager_plan, pk=line.pk))
    assert response.status_code == 200
    text = text_of(response)
    assert "2023" in text
    assert "60.000" in text and "65.000" in text
    user = response.wsgi_request.user
    assert (user.get_full_name() or user.username) in text


def test_the_source_history_shows_the_yearly_funding(reviewer_client, amager_plan):
    source = FundingSource.objects.in_plan(amager_plan).get(kind=FundingSource.Kind.LBF)
    response = reviewer_client.get(url("source_history", amager_plan, pk=source.pk))
    assert response.status_code == 200
    assert "4.762.500" in text_of(response)


def test_the_spreadsheet_holds_the_page_tables(reviewer_client, amager_plan):
    response = reviewer_client.get(url("export_xlsx", amager_plan))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert len(book.sheetnames) == 4
    budget = book[book.sheetnames[0]]
    last = [c.value for c in budget[budget.max_row]]
    assert last[3:] == [7_800_000, 7_800_000, 7_800_000, 7_800_000, 31_200_000]
    funding = book[book.sheetnames[1]]
    values = [[c.value for c in row] for row in funding.iter_rows()]
    shares = {row[0]: row[-1] for row in values if row and row[-1] is not None and isinstance(row[-1], float)}
    assert round(shares["Landsbyggefonden"], 4) == round(19.05 / 31.2, 4)
    # Every sheet names the plan and the day its figures are from; so does the file.
    today = timezone.localdate()
    for sheet in book.worksheets:
        assert sheet["A1"].value == amager_plan.name
        assert sheet["A2"].value == f"Budget pr. {date_format(today, 'DATE_FORMAT')}"
    assert f"{amager_plan.slug}-budget-{today.isoformat()}.xlsx" in response["Content-Disposition"]


def test_every_budget_page_sits_under_the_budget(coordinator_client, amager_plan):
    """Lines and sources declare the budget page as their parent; the breadcrumbs and returns follow from it."""
    line = line_named(amager_plan, "Revision")
    source = FundingSource.objects.in_plan(amager_plan).get(kind=FundingSource.Kind.LBF)
    lines_at, funding_at = (
        url("overview", amager_plan) + "#budget-lines",
        url("overview", amager_plan) + "#funding",
    )
    expected = {
        url("line_create", amager_plan): [lines_at, None],
        url("line_edit", amager_plan, pk=line.pk): [lines_at, line.get_absolute_url(), None],
        url("line_actuals", amager_plan, pk=line.pk): [lines_at, line.get_absolute_url(), None],
        url("line_history", amager_plan, pk=line.pk): [lines_at, line.get_absolute_url(), None],
        url("line_delete", amager_plan, pk=line.pk): [lines_at, line.get_absolute_url(), None],
        url("source_create", amager_plan): [funding_at, None],
        url("source_edit", amager_plan, pk=source.pk): [funding_at, source.get_absolute_url(), None],
        url("source_history", amager_plan, pk=source.pk): [funding_at, source.get_absolute_url(), None],
    }
    for page, links in expected.items():
        crumbs = coordinator_client.get(page).context["breadcrumbs"]
        assert [crumb.url for crumb in crumbs] == links, page
        assert crumbs[0].title == coordinator_client.get(url("overview", amager_plan)).context["page_title"]

    html = coordinator_client.get(url("line_create", amager_plan)).content.decode()
    assert f'href="{lines_at}"' in html  # "cancel" goes back to the budget lines
    response = coordinator_client.post(url("line_delete", amager_plan, pk=line.pk))
    assert response["Location"] == lines_at


# --- An actual amount far below the line's scale asks to be confirmed ------------------------------------------


def actuals_data(line, **amounts) -> dict:
    return {
        "lock_version": line.lock_version,
        **{f"amount_{year}": "" for year in range(2022, 2026)},
        **amounts,
    }


def test_an_amount_far_below_the_lines_budget_asks_to_confirm_and_saves_nothing(
    coordinator_client, amager_plan
):
    line = line_named(amager_plan, "Lektiecaféer og læseprojekter")
    budget_2023 = line.amounts.get(year=2023).amount
    before = dict(line.actuals.values_list("year", "amount"))

    response = coordinator_client.post(
        url("line_actuals", amager_plan, pk=line.pk), actuals_data(line, amount_2023="12,50")
    )

    assert response.status_code == 200
    html = response.content.decode()
    budget = f"{budget_2023:,.0f}".replace(",", ".") + " kr."
    message = (
        f"12,50 kr. er under 1 % af linjens budget på {budget}. Tjek beløbet; er det rigtigt, så sæt kryds ved "
        "“Ja, beløbet er rigtigt” nedenfor og gem igen."
    )
    assert response.context["form"].errors["amount_2023"] == [message]
    assert "Der er et problem" in html
    # The confirm box appears, unticked.
    assert 'type="checkbox" name="confirm_small_amounts"' in html
    assert "Ja, beløbet er rigtigt" in html
    assert dict(line.actuals.values_list("year", "amount")) == before


def test_a_confirmed_small_amount_is_saved(coordinator_client, amager_plan):
    line = line_named(amager_plan, "Lektiecaféer og læseprojekter")
    response = coordinator_client.post(
        url("line_actuals", amager_plan, pk=line.pk),
        actuals_data(line, amount_2023="12,50", confirm_small_amounts="on"),
    )
    assert response.status_code == 302
    assert line.actuals.get(year=2023).amount == Decimal("12.50")


def test_ordinary_amounts_need_no_confirmation_and_show_no_box(coordinator_client, amager_plan):
    line = line_named(amager_plan, "Lektiecaféer og læseprojekter")
    form_page = coordinator_client.get(url("line_actuals", amager_plan, pk=line.pk)).content.decode()
    assert 'type="checkbox"' not in form_page and "Ja, beløbet er rigtigt" not in form_page

    # 1 % of the line's budget and more, nothing, and 0 kr. (nothing was spent) save straight away.
    budget_2022 = line.amounts.get(year=2022).amount
    response = coordinator_client.post(
        url("line_actuals", amager_plan, pk=line.pk),
        actuals_data(line, amount_2022=str(int(budget_2022 / 100)), amount_2023="0", amount_2024="350.000"),
    )
    assert response.status_code == 302
    assert line.actuals.get(year=2023).amount == 0
