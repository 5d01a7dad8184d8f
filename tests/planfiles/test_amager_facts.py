"""The Amager plan file tells the truth (issue 9 §7; DESIGN.md, "Facts of the Amager plan").

Every value is what the seed (Teknik- og Miljøforvaltningen's recommendation) states, what a named public source
adds, or unknown — and example data is marked as such, while facts are not. These tests read the plan as
data/amager-2022-2025.yaml imports it, and two of its pages as a reviewer sees them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from decimal import Decimal

from django.urls import reverse

from helhedsplan.agreements.models import StrategicAgreement
from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from helhedsplan.approvals.selectors import approval_summary
from helhedsplan.budget.models import FundingSource
from helhedsplan.goals.models import Indicator
from helhedsplan.planfiles.demo import AMAGER_FILE
from helhedsplan.planfiles.exporter import export_plan
from helhedsplan.planfiles.importer import parse, read
from tests.world import client_for

#: The seed's day: "Den 27. september 2021 havde 18 ud af 19 boligafdelinger godkendt helhedsplanen".
SEED_DATE = datetime.date(2021, 9, 27)
STOBERIGARDEN = "Støberigården I+II"
UNNAMED = [f"Afdeling {n} (navn ukendt)" for n in range(13, 20)]

#: Each estate's housing association as the sources give it (None: no source says).
ASSOCIATIONS = {
    # The Amager Partnerskab contract (lawinsider) places these with 3B v. KAB.
    "Hørgården": "3B",
    "Remisevænget Øst": "3B",
    "Remisevænget Vest": "3B",
    "Remisevænget Nord": "3B",
    "Dyvekevænget": "3B",
    # The same contract names "VIBO and HAB II" for these three without saying which is whose.
    "Gullandsgården": None,
    "Skotlandsgade": None,
    "Røgeritoften": None,
    # The seed.
    STOBERIGARDEN: "VIBO",
    # dominia.dk, bogl.no, urbanplanen.com.
    "Signalgården": "3B",
    "Sundholm Syd": "3B",
    "Store Solvænget": "3B",
    **dict.fromkeys(UNNAMED),
}

MIO = Decimal(1_000_000)


def texts(value) -> Iterator[str]:
    """Every piece of text in a plan file's data."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts(item)


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# Estates and their housing associations.


def test_each_estate_has_the_housing_association_the_sources_give_or_none(amager_plan):
    estates = amager_plan.estates.select_related("housing_association")
    found = {e.name: e.housing_association.short_name if e.housing_association else None for e in estates}
    assert found == ASSOCIATIONS
    # fsb, DFB and HAB take part in the plan (the seed), but no source places an estate with them.
    assert not {"fsb", "DFB", "HAB"} & set(found.values())


def test_an_estate_without_a_known_housing_association_is_written_without_one(amager_plan):
    exported = {row["name"]: row for row in parse(export_plan(amager_plan, personal_data=True))["estates"]}
    assert "housing_association" not in exported["Gullandsgården"]
    assert "housing_association" not in exported["Afdeling 13 (navn ukendt)"]
    assert exported["Hørgården"]["housing_association"] == "3B"


def test_no_estate_size_is_invented_while_the_areas_figures_name_their_source(amager_plan):
    assert not amager_plan.estates.filter(homes__isnull=False).exists()
    assert not amager_plan.estates.filter(residents__isnull=False).exists()
    assert (amager_plan.homes, amager_plan.residents) == (4135, 9027)
    assert "kk.dk 18. november 2021" in one_line(amager_plan.description)


# The estates' approval: 18 of 19 by 27 September 2021 is a fact.


def test_18_of_19_had_approved_by_27_september_2021_and_that_is_not_marked_as_an_example(amager_plan):
    summary = approval_summary(amager_plan, SEED_DATE)
    assert (summary.approved_count, summary.total) == (18, 19)
    assert [state.estate.name for state in summary.pending] == [STOBERIGARDEN]
    for state in summary.approved:
        decision = state.decision
        assert not decision.is_example
        assert decision.date <= SEED_DATE
        # The row mixes the fact and the example: its note says which part is which.
        note = one_line(decision.note)
        assert note.startswith("Faktum (indstillingen): den 27. september 2021 havde 18 af")
        assert "Eksempel: den præcise dato og beslutningsorganet er ikke oplyst" in note


def test_nothing_after_the_seed_is_invented_for_the_estates(amager_plan):
    decisions = EstateDecision.objects.filter(estate__plan=amager_plan)
    assert not decisions.filter(date__gt=SEED_DATE).exists()
    [stoberigarden] = decisions.filter(estate__name=STOBERIGARDEN)
    # Whether and when Støberigården I+II approved is unknown: pending as the seed left it, and said so.
    assert stoberigarden.result == EstateDecision.Result.PENDING
    assert stoberigarden.expected_date == datetime.date(2021, 11, 4)
    assert not stoberigarden.is_example
    assert "Ukendt: om og hvornår afdelingen godkendte" in one_line(stoberigarden.note)


# Texts claim nothing no source says.


def test_no_text_claims_the_residents_had_approved_the_plan(amager_plan):
    for data in (read(AMAGER_FILE), parse(export_plan(amager_plan, personal_data=True))):
        for text in map(one_line, texts(data)):
            assert "er godkendt i det almene beboerdemokrati" not in text
            assert "19 af 19" not in text and "19 ud af 19" not in text
            # Said once as a fact; not in the seed nor in any public source.
            assert "Der er tilknyttet en medarbejder til hver boligafdeling" not in text


def test_the_strategic_agreement_says_what_the_seed_says_about_the_residents_approval(amager_plan):
    agreement = StrategicAgreement.objects.get(plan=amager_plan)
    text = one_line(agreement.resident_involvement)
    assert (
        "den 27. september 2021 havde 18 ud af 19 boligafdelinger godkendt helhedsplanen, på nær "
        "VIBO-afdelingen Støberigården I+II" in text
    )
    assert "Om og hvornår Støberigården I+II godkendte, er ikke kendt." in text
    # What the agreement holds beyond the seed is marked as an example in the text itself.
    assert text.endswith("Eksempel: beboerrepræsentanter i følgegrupperne for hver delaftale.")


# Funding: the totals are facts, their split over the years is an example.


def test_the_funding_totals_the_seed_states_are_not_marked_as_examples(amager_plan):
    sources = {
        source.kind: source
        for source in FundingSource.objects.in_plan(amager_plan).prefetch_related("fundings")
    }
    totals = {kind: sum(f.amount for f in source.fundings.all()) for kind, source in sources.items()}
    stated = {
        FundingSource.Kind.MUNICIPALITY: Decimal("4.62") * MIO,
        FundingSource.Kind.OTHER_PUBLIC: Decimal("2.91") * MIO,
        FundingSource.Kind.HOUSING_ASSOCIATIONS: Decimal("4.62") * MIO,
    }
    for kind, amount in stated.items():
        assert totals[kind] == amount
        assert not sources[kind].is_example
        assert "fordelingen på år er et eksempel" in one_line(sources[kind].basis)
    # LBF's 19,05 mio. kr. (61 %) follows from the seed (31,2 mio. kr. less the seed's 39 % local money): a fact,
    # never marked; only its split over the years is an example, as its basis says.
    lbf = sources[FundingSource.Kind.LBF]
    assert totals[FundingSource.Kind.LBF] == Decimal("31.2") * MIO - sum(stated.values(), Decimal(0))
    assert totals[FundingSource.Kind.LBF] == Decimal("19.05") * MIO
    assert not lbf.is_example
    assert "fordelingen på år er et eksempel" in one_line(lbf.basis)


def test_the_one_known_baseline_names_its_source_and_what_is_example(amager_plan):
    indicator = Indicator.objects.get(strategic_goal__plan=amager_plan, baseline_value=375)
    assert indicator.name == "Unge uden for uddannelse og beskæftigelse"
    assert indicator.data_source.startswith("Baseline 375: amagerplanen.dk. Eksempel:")
    assert indicator.is_example  # its date, target and measurements are examples


# The political and funder steps after the seed: from a named public source, or pending and unknown.


def test_each_later_step_cites_a_public_source_or_is_pending_and_unknown(amager_plan):
    steps = list(ApprovalStep.objects.in_plan(amager_plan).order_by("order"))
    later = [
        s for s in steps if not (s.status == ApprovalStep.Status.DONE and s.date and s.date <= SEED_DATE)
    ]
    assert [s.order for s in later] == [3, 4, 5, 6]
    for step in later:
        assert not step.is_example
        if step.status == ApprovalStep.Status.DONE:
            assert "kk.dk" in step.reference
            assert "kk.dk" in step.note
        else:
            # Pending, or the estates' step, which follows their decisions (Støberigården I+II's is pending).
            assert step.status in (ApprovalStep.Status.PENDING, ApprovalStep.Status.FROM_ESTATES)
            assert "Ukendt:" in step.note
    by_body = {step.body: step for step in steps}
    tmu = by_body["Teknik- og Miljøudvalget"]
    assert (tmu.status, tmu.date) == (ApprovalStep.Status.DONE, None)  # "November 2021": no exact day
    assert "i november 2021" in one_line(tmu.note)
    assert by_body["Landsbyggefonden"].status == ApprovalStep.Status.PENDING
    start = by_body["Helhedsplanen"]
    assert (start.status, start.date, start.date_is_expected) == (
        ApprovalStep.Status.DONE,
        datetime.date(2022, 1, 1),
        False,
    )


# What a reader sees.


def test_the_approvals_page_says_which_associations_are_unknown(amager_plan, personas):
    url = reverse("approvals:overview", kwargs={"plan": amager_plan.slug})
    page = one_line(client_for(personas.reviewer).get(url, {"dato": "2021-09-27"}).content.decode())
    assert "18 af 19 godkendt" in page
    unknown = [name for name, association in ASSOCIATIONS.items() if association is None]
    assert page.count("Ukendt boligorganisation") == len(unknown) == 10
    for estate in amager_plan.estates.filter(name__in=unknown):
        row = re.search(rf'<tr id="estate-{estate.pk}">(.*?)</tr>', page).group(1)
        assert "Ukendt boligorganisation" in row


def test_the_budget_page_marks_no_funding_total_the_seed_states(amager_plan, personas):
    # Every source's total is the seed's (LBF's 19,05 mio. kr. is the 31,2 less the seed's 39 % local money).
    url = reverse("budget:overview", kwargs={"plan": amager_plan.slug})
    page = one_line(client_for(personas.reviewer).get(url).content.decode())
    sources = list(FundingSource.objects.in_plan(amager_plan))
    assert {s.kind for s in sources} >= {FundingSource.Kind.LBF, FundingSource.Kind.MUNICIPALITY}
    for source in sources:
        row = re.search(rf'<tr id="source-{source.pk}">(.*?)</tr>', page).group(1)
        assert "example-badge" not in row, source.name


def test_the_amager_file_names_the_sources_the_seed_and_public_sources_give(amager_plan):
    """The plan's homes and residents (kk.dk's press release), the funding amounts (the indstilling itself) and
    the one baseline a public source gives (375, amagerplanen.dk) name their source; the approval steps name
    theirs in their reference. Nothing else is presented as a fact without a source."""
    from helhedsplan.documents.selectors import fact_sources

    sources = fact_sources(amager_plan)
    by_key = {(row.fact.key, getattr(row.row, "name", "")): row for row in sources.rows}
    press = "Københavns Kommunes pressemeddelelse på kk.dk 18. november 2021; urbanplanen.com"
    assert by_key[("plan-homes", amager_plan.name)].source.reference == press
    assert by_key[("plan-residents", amager_plan.name)].source.reference == press
    funding = [row for row in sources.rows if row.fact.key == "funding-amount"]
    assert len(funding) == 4
    assert all(
        row.source.reference.startswith("Indstilling fra Teknik- og Miljøforvaltningen") for row in funding
    )
    baseline = by_key[("indicator-baseline", "Unge uden for uddannelse og beskæftigelse")]
    assert baseline.source.reference.startswith("amagerplanen.dk")
    assert sources.without_source == []
