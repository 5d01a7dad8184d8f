"""Where a fact comes from: the plan's homes and residents, an indicator's baseline, a funding amount and an
approval's date name their source (a document of the plan and its page, a public web address with the day it was
read, a public document by name), or are marked as example data; the rest is listed for the coordinator."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from helhedsplan.approvals.models import ApprovalStep
from helhedsplan.budget.models import FundingSource
from helhedsplan.documents import services
from helhedsplan.documents.facts import FACTS
from helhedsplan.documents.models import FactSource
from helhedsplan.documents.selectors import fact_sources
from helhedsplan.goals.models import Indicator
from tests.documents.factories import document_with_version
from tests.world import limited_to, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def without_the_files_sources(amager_plan):
    """The Amager plan without the sources its plan file names (tests/planfiles/test_amager_facts.py reads
    those): each test starts from facts without a source."""
    FactSource.objects.all().delete()


def _sources_url(plan) -> str:
    return reverse("documents:sources", kwargs={"plan": plan.slug})


def _set_url(plan, fact: str, object_id: int) -> str:
    return reverse(
        "documents:source_update", kwargs={"plan": plan.slug, "fact": fact, "object_id": object_id}
    )


def _set(plan, fact="plan-homes", object_id=None, **data):
    """Set a source as the service's callers do: an update names the edit it is based on (the current one)."""
    object_id = plan.pk if object_id is None else object_id
    existing = FactSource.objects.filter(plan=plan, fact=fact, object_id=object_id).first()
    return services.fact_source_set(
        plan=plan,
        fact=fact,
        object_id=object_id,
        data=data,
        expected_lock_version=existing.lock_version if existing else None,
        actor=None,
    )


def test_every_app_registers_its_facts(amager_plan):
    assert set(FACTS) >= {
        "plan-homes",
        "plan-residents",
        "indicator-baseline",
        "funding-amount",
        "approval-date",
    }


def test_the_coordinator_names_a_document_and_its_page_and_the_page_shows_it(
    amager_plan, personas, client_for
):
    document = document_with_version(amager_plan, title="Indstilling til Teknik- og Miljøudvalget")
    coordinator = client_for(personas.coordinator)
    response = coordinator.post(
        _set_url(amager_plan, "plan-homes", amager_plan.pk), {"document": document.pk, "page": 3}
    )
    assert response.status_code == 302
    source = FactSource.objects.get(plan=amager_plan, fact="plan-homes")
    assert (source.document, source.page, source.kind) == (document, 3, "document")
    assert source.history.count() == 1

    html = client_for(personas.reviewer).get(_sources_url(amager_plan)).content.decode()
    assert "Indstilling til Teknik- og Miljøudvalget" in html and "side 3" in html and "4.135" in html
    # The reviewer reads, but is offered no way to set a source.
    assert _set_url(amager_plan, "plan-homes", amager_plan.pk) not in html


def test_a_public_web_address_with_the_day_it_was_read(amager_plan, personas, client_for):
    step = (
        ApprovalStep.objects.in_plan(amager_plan).filter(date__isnull=False, date_is_expected=False).first()
    )
    coordinator = client_for(personas.coordinator)
    response = coordinator.post(
        _set_url(amager_plan, "approval-date", step.pk),
        {"url": "https://www.kk.dk/dagsordener-og-referater", "read_on": "2026-11-30"},
    )
    assert response.status_code == 302
    html = coordinator.get(_sources_url(amager_plan)).content.decode()
    assert "https://www.kk.dk/dagsordener-og-referater" in html and "læst 30. november 2026" in html
    # Changing it again changes the same row, with the lock counter the form carried.
    source = FactSource.objects.get(plan=amager_plan, fact="approval-date", object_id=step.pk)
    response = coordinator.post(
        _set_url(amager_plan, "approval-date", step.pk),
        {"reference": "Borgerrepræsentationens referat", "lock_version": source.lock_version},
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.kind, source.url, source.read_on) == ("reference", "", None)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"url": "javascript:alert(1)", "read_on": "2026-01-01"},
            "url",
            "Angiv en offentlig webadresse, der begynder med http:// eller https://.",
        ),
        (
            {"url": "ftp://kk.dk/indstilling.pdf", "read_on": "2026-01-01"},
            "url",
            "Angiv en offentlig webadresse, der begynder med http:// eller https://.",
        ),
        ({"url": "https://www.kk.dk/"}, "read_on", "En webadresse hører sammen med den dag, den blev læst"),
        ({"reference": "Indstillingen", "read_on": "2026-01-01"}, "read_on", "En webadresse hører sammen"),
        ({}, None, "Angiv én kilde"),
        (
            {"reference": "Indstillingen", "url": "https://kk.dk/", "read_on": "2026-01-01"},
            None,
            "Angiv én kilde",
        ),
        ({"reference": "Indstillingen", "page": 2}, "page", "Et sidetal (fra 1) hører til et dokument"),
    ],
)
def test_bad_sources_are_refused_with_a_danish_message_and_nothing_saved(
    amager_plan, personas, client_for, data, field, message
):
    before = snapshot()
    response = client_for(personas.coordinator).post(
        _set_url(amager_plan, "plan-residents", amager_plan.pk), data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    if field:
        assert field in response.context["form"].errors
    assert snapshot() == before
    assert not FactSource.objects.exists()


def test_the_day_read_may_not_lie_in_the_future(amager_plan, personas, client_for):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(personas.coordinator).post(
        _set_url(amager_plan, "plan-residents", amager_plan.pk),
        {"url": "https://www.kk.dk/", "read_on": tomorrow.isoformat()},
    )
    assert "Dagen, den blev læst, kan ikke ligge i fremtiden." in response.content.decode()
    assert not FactSource.objects.exists()


def test_another_plans_document_is_refused(amager_plan, other_plan, personas, client_for):
    other = document_with_version(other_plan, title="Den anden plans bilag")
    # Through the page: not among the choices.
    response = client_for(personas.coordinator).post(
        _set_url(amager_plan, "plan-homes", amager_plan.pk), {"document": other.pk}
    )
    assert response.status_code == 200 and "document" in response.context["form"].errors
    # Through the service: the model's rule.
    with pytest.raises(ValidationError) as refusal:
        _set(amager_plan, document=other)
    assert refusal.value.message_dict["document"] == ["Vælg et dokument fra denne plan."]
    assert not FactSource.objects.exists()


def test_another_plans_row_and_an_unknown_fact_are_not_found(amager_plan, other_plan, personas, client_for):
    coordinator = client_for(personas.coordinator)
    assert coordinator.get(_set_url(amager_plan, "plan-homes", other_plan.pk)).status_code == 404
    assert coordinator.get(_set_url(amager_plan, "no-such-fact", amager_plan.pk)).status_code == 404
    other_source = FundingSource.objects.create(
        plan=other_plan, name="Anden plans kilde", kind="other_public"
    )
    assert coordinator.get(_set_url(amager_plan, "funding-amount", other_source.pk)).status_code == 404
    with pytest.raises(ValidationError) as refusal:
        _set(amager_plan, fact="funding-amount", object_id=other_source.pk, reference="Indstillingen")
    assert "fact" in refusal.value.message_dict


def test_who_may_set_a_source(amager_plan, personas, client_for):
    limited_sub_agreement = limited_to(personas)
    homes = _set_url(amager_plan, "plan-homes", amager_plan.pk)
    data = {"reference": "Indstillingen"}
    for who in (personas.reviewer, personas.editor, personas.limited_editor):
        assert client_for(who).post(homes, data).status_code == 403
    assert client_for(personas.outsider).post(homes, data).status_code == 404
    # An editor names the source of a baseline of a delaftale they edit; a limited editor only of theirs.
    inside = Indicator.objects.in_plan(amager_plan).filter(goal__sub_agreement=limited_sub_agreement).first()
    outside = (
        Indicator.objects.in_plan(amager_plan)
        .exclude(goal__sub_agreement=limited_sub_agreement)
        .filter(goal__isnull=False)
        .first()
    )
    limited = client_for(personas.limited_editor)
    assert limited.post(_set_url(amager_plan, "indicator-baseline", outside.pk), data).status_code == 403
    assert limited.post(_set_url(amager_plan, "indicator-baseline", inside.pk), data).status_code == 302
    assert (
        client_for(personas.reviewer)
        .post(_set_url(amager_plan, "indicator-baseline", inside.pk), {"reference": "Andet"})
        .status_code
        == 403
    )
    assert FactSource.objects.get().reference == "Indstillingen"


def test_the_coordinators_list_of_facts_without_a_source(amager_plan, personas, client_for):
    unsourced = {(row.fact.key, row.row.pk) for row in fact_sources(amager_plan).without_source}
    assert ("plan-homes", amager_plan.pk) in unsourced
    # A step that names its reference counts as sourced; an example row needs no source.
    for row in fact_sources(amager_plan).rows:
        if row.own_source or getattr(row.row, "is_example", False):
            assert (row.fact.key, row.row.pk) not in unsourced

    _set(amager_plan, reference="Københavns Kommunes pressemeddelelse 18. november 2021")
    _set(amager_plan, fact="plan-residents", is_example=True)
    unsourced_now = {(row.fact.key, row.row.pk) for row in fact_sources(amager_plan).without_source}
    assert unsourced_now == unsourced - {("plan-homes", amager_plan.pk), ("plan-residents", amager_plan.pk)}

    html = client_for(personas.coordinator).get(_sources_url(amager_plan)).content.decode()
    unsourced_section = html[html.index('id="unsourced"') : html.index('id="facts-heading"')]
    assert "Boliger i planens område" not in unsourced_section
    assert "Københavns Kommunes pressemeddelelse 18. november 2021" in html
    assert "eksempeldata: ingen kilde" in html


def test_the_sources_page_reads_a_fixed_number_of_queries(
    amager_plan, personas, client_for, django_assert_num_queries
):
    document = document_with_version(amager_plan, title="Indstillingen")
    _set(amager_plan, document=document, page=2)
    for source in FundingSource.objects.in_plan(amager_plan):
        _set(amager_plan, fact="funding-amount", object_id=source.pk, reference="Indstillingen")
    client = client_for(personas.coordinator)
    url = _sources_url(amager_plan)
    client.get(url)
    # Session, user; the plan with the user's membership, the membership's limits (access); the sources with
    # their documents; the indicators; the funding sources, their yearly amounts; the approval steps. The
    # permission checks read the membership already read.
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
    FundingSource.objects.create(plan=amager_plan, name="Endnu en kilde", kind="other_public")
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200


def test_a_source_changed_meanwhile_is_not_overwritten(amager_plan, personas, client_for):
    source = _set(amager_plan, reference="Indstillingen")
    stale = source.lock_version
    _set(amager_plan, reference="Pressemeddelelsen")  # someone else, meanwhile
    response = client_for(personas.coordinator).post(
        _set_url(amager_plan, "plan-homes", amager_plan.pk),
        {"reference": "Mit forslag", "lock_version": stale},
    )
    assert response.status_code == 200
    assert "En anden har gemt dette, efter du åbnede det." in response.content.decode()
    assert FactSource.objects.get().reference == "Pressemeddelelsen"


def test_the_dashboard_links_the_plans_figures_to_their_sources(amager_plan, personas, client_for):
    html = (
        client_for(personas.reviewer)
        .get(reverse("overview:dashboard", kwargs={"plan": amager_plan.slug}))
        .content.decode()
    )
    assert f'{_sources_url(amager_plan)}#fact-plan-homes-{amager_plan.pk}">Hvor tallene kommer fra' in html


def _delete_url(plan, source: FactSource) -> str:
    return reverse("documents:source_delete", kwargs={"plan": plan.slug, "pk": source.pk})


def test_the_coordinator_deletes_a_source_on_a_confirm_page_and_its_history_stays(
    amager_plan, personas, client_for
):
    from tests.documents.factories import FactSourceFactory

    source = FactSourceFactory(plan=amager_plan, reference="Københavns Kommunes pressemeddelelse")
    coordinator = client_for(personas.coordinator)
    page = coordinator.get(_sources_url(amager_plan)).content.decode()
    assert f'href="{_delete_url(amager_plan, source)}"' in page
    confirm = coordinator.get(_delete_url(amager_plan, source))
    assert confirm.status_code == 200 and "Kilde til" in confirm.content.decode()
    assert FactSource.objects.filter(pk=source.pk).exists()  # GET asks, deletes nothing

    response = coordinator.post(_delete_url(amager_plan, source), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(_sources_url(amager_plan))
    assert "Kilde til Boliger i planens område er slettet." in html
    assert not FactSource.objects.filter(pk=source.pk).exists()
    # The fact is listed as without a source again; the deleted source's history is kept, with who deleted it.
    assert any(row.row.pk == amager_plan.pk for row in fact_sources(amager_plan).without_source)
    history = FactSource.history.filter(id=source.pk).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "-"]
    assert history.last().history_user == personas.coordinator


def test_only_a_coordinator_deletes_a_source_and_another_plans_is_not_found(
    amager_plan, other_plan, personas, client_for
):
    from tests.documents.factories import FactSourceFactory

    source = FactSourceFactory(plan=amager_plan)
    for who in (personas.editor, personas.limited_editor, personas.reviewer):
        client = client_for(who)
        assert 'slet/"' not in client.get(_sources_url(amager_plan)).content.decode()
        before = snapshot()
        assert client.get(_delete_url(amager_plan, source)).status_code == 403
        assert client.post(_delete_url(amager_plan, source)).status_code == 403
        assert snapshot() == before
    # Another plan's source through this plan's address: not found, even for a coordinator; nothing deleted.
    foreign = FactSource.objects.filter(plan=other_plan).first() or FactSourceFactory(plan=other_plan)
    before = snapshot()
    coordinator = client_for(personas.coordinator)
    assert coordinator.get(_delete_url(amager_plan, foreign)).status_code == 404
    assert coordinator.post(_delete_url(amager_plan, foreign)).status_code == 404
    assert client_for(personas.coordinator).post(_delete_url(other_plan, foreign)).status_code == 404
    assert snapshot() == before
