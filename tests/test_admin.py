"""Every admin page answers for a superuser, with a whole plan in the database."""

import pytest
from django import forms
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhedsplan.agreements.models import FocusArea
from helhedsplan.core.admin import BaseAdmin
from helhedsplan.core.models import OutgoingMail
from helhedsplan.goals.models import Goal, Indicator, Measurement
from helhedsplan.imports.models import ImportPreview
from helhedsplan.plans.models import EmailDomain, Membership, Organisation, Plan
from tests.agreements.factories import SubAgreementFactory
from tests.documents.factories import document_with_version
from tests.goals.factories import GoalFactory
from tests.plans.factories import (
    AffiliationFactory,
    HousingAssociationFactory,
    MembershipFactory,
    OrganisationGrantFactory,
    PlanFactory,
    UserFactory,
)
from tests.world import client_for

#: Session, user, count, rows, a prefetch or two and the filter sidebar's choices.
MAX_CHANGELIST_QUERIES = 12

#: Records the app writes and administrators only read (each with its own test below).
READ_ONLY_RECORDS = {OutgoingMail, ImportPreview}
PROJECT_MODELS = [
    model
    for model in admin.site._registry
    if model.__module__.startswith("helhedsplan.") and model not in READ_ONLY_RECORDS
]


@pytest.fixture
def whole_plan(amager_plan):
    """The Amager plan from its plan file, an editor limited to one delaftale (the file holds no users), and
    Landsbyggefonden's reviewers of every plan of LBF (an organisation-wide role) with one user."""
    MembershipFactory(
        plan=amager_plan,
        role=Membership.Role.EDITOR,
        sub_agreements=[amager_plan.sub_agreements.order_by("pk").first()],
    )
    lbf = amager_plan.organisations.get(short_name="LBF")
    OrganisationGrantFactory(organisation=lbf, users=[UserFactory(password=None)])
    EmailDomain.objects.create(organisation=lbf, domain="lbf.dk")
    # Documents are uploaded, never in a plan file: one, with its file.
    document_with_version(amager_plan, title="Kommissorium (test)")
    return amager_plan


@pytest.fixture
def superuser_client(client, db):
    user = UserFactory(
        username="superadmin",
        is_staff=True,
        is_superuser=True,
        password=None,  # unusable, and no slow hashing: the test client logs in without it
    )
    client.force_login(user)
    return client


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_project_model_is_registered_with_history():
    registered = {model._meta.label for model in PROJECT_MODELS}
    assert {
        "plans.Organisation",
        "plans.Plan",
        "plans.Estate",
        "plans.Membership",
        "agreements.StrategicAgreement",
        "agreements.StrategicGoal",
        "agreements.SubAgreement",
        "agreements.SubAgreementParty",
        "goals.Goal",
        "goals.Indicator",
        "goals.Measurement",
        "goals.Activity",
        "budget.BudgetLine",
        "budget.BudgetAmount",
        "budget.ActualSpend",
        "budget.FundingSource",
        "budget.Funding",
        "approvals.EstateDecision",
        "approvals.ApprovalStep",
        "preparedness.PreparednessPlan",
        "preparedness.EscalationLevel",
        "preparedness.Contact",
        "preparedness.ActionCard",
        "preparedness.Incident",
        "preparedness.IncidentLogEntry",
    } <= registered
    assert all(isinstance(admin.site._registry[model], BaseAdmin) for model in PROJECT_MODELS)


def test_site_header(superuser_client):
    response = superuser_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.context["site_header"] == "Helhedsplan – administration"


def problems_with_admin_pages(client, model) -> list[str]:
    """Changelist (in a fixed number of queries, and searched), add, change and history pages of ``model``."""
    label = model._meta.label
    obj = model.objects.order_by("pk").first()
    if obj is None:
        return [f"{label}: the Amager data has none"]
    problems = []
    # Amager has 56 budget amounts, 42 actuals and 39 measurements: a query per row would show here.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model, "changelist"))
    if response.status_code != 200:
        problems.append(f"{label} changelist: {response.status_code}")
    elif response.context["cl"].result_count != model.objects.count():
        problems.append(f"{label} changelist does not list every row")
    if len(queries) > MAX_CHANGELIST_QUERIES:
        problems.append(f"{label} changelist: {len(queries)} queries")
    if not admin.site._registry[model].search_fields:
        problems.append(f"{label}: no search fields")
    elif client.get(admin_url(model, "changelist"), {"q": "Amager"}).status_code != 200:
        problems.append(f"{label}: search fails")
    for view, args in (("add", ()), ("change", (obj.pk,)), ("history", (obj.pk,))):
        status = client.get(admin_url(model, view, *args)).status_code
        if status != 200:
            problems.append(f"{label} {view}: {status}")
    return problems


def test_every_admin_page_answers_with_the_amager_data(superuser_client, whole_plan):
    # One walk over the registry (one import of the plan file), so a newly registered model is covered too.
    problems = [
        problem for model in PROJECT_MODELS for problem in problems_with_admin_pages(superuser_client, model)
    ]
    assert problems == []


def test_change_page_offers_only_the_plans_own_sub_agreements(superuser_client, whole_plan):
    other = SubAgreementFactory(focus_area=FocusArea.COHESION)
    membership = Membership.objects.get(plan=whole_plan)
    response = superuser_client.get(admin_url(Membership, "change", membership.pk))
    choices = list(response.context["adminform"].form.fields["sub_agreements"].queryset)
    assert choices == list(whole_plan.sub_agreements.all())
    assert len(choices) == 4
    assert other not in choices


def test_a_choice_from_another_plan_is_refused(superuser_client, whole_plan):
    other_plan = PlanFactory()
    other_goal = GoalFactory(sub_agreement=SubAgreementFactory(plan=other_plan))
    indicator = Indicator.objects.filter(goal__isnull=False).first()
    response = superuser_client.get(admin_url(Indicator, "add"))
    form_class = type(response.context["adminform"].form)
    data = {
        "plan": whole_plan.pk,
        "goal": other_goal.pk,
        "name": "Andel i job",
        "unit": "%",
        "direction": Indicator.Direction.HIGHER_IS_BETTER,
        "baseline_value": "40",
        "baseline_date": "2022-01-01",
        "target_value": "50",
        "target_date": "2025-12-31",
        "measurement_interval_months": "12",
    }
    form = form_class(data=data)
    assert not form.is_valid()
    assert "goal" in form.errors
    form = form_class(data={**data, "goal": indicator.goal_id})
    assert form.is_valid(), form.errors


def form_data(form) -> dict:
    """What the browser would post back for an unchanged bound-less form."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, "") and isinstance(
            form.fields[name], forms.MultipleChoiceField | forms.ModelMultipleChoiceField
        ):
            continue  # a browser posts nothing for a multiple choice with nothing chosen
        if isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [str(v) for v in value]
        else:
            data[form.add_prefix(name)] = "" if value is None else value
    return data


def change_page_data(response) -> dict:
    """The whole change page as posted back unchanged: the object's form and every inline formset."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for form in formset.initial_forms:
            data.update(form_data(form))
    return data


def add_inline_row(data: dict, prefix: str, values: dict) -> None:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": value for name, value in values.items()})


def test_measurement_added_from_the_indicators_page_is_stamped_with_the_administrator(
    superuser_client, whole_plan
):
    """The indicator's page links to adding a measurement with the indicator filled in; the administrator is
    recorded as who entered it."""
    indicator = Indicator.objects.filter(goal__isnull=False).first()
    add_url = f"{admin_url(Measurement, 'add')}?indicator={indicator.pk}"
    assert add_url in superuser_client.get(admin_url(Indicator, "change", indicator.pk)).content.decode()
    data = change_page_data(superuser_client.get(add_url))
    assert data["indicator"] == str(indicator.pk)

    response = superuser_client.post(add_url, {**data, "date": "2024-06-30", "value": "55"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    added = indicator.measurements.get(date="2024-06-30")
    assert added.entered_by.username == "superadmin"
    assert added.history.get().history_user.username == "superadmin"


def test_indicator_added_under_a_goal_takes_the_goals_plan(superuser_client, whole_plan):
    goal = Goal.objects.filter(sub_agreement__plan=whole_plan).order_by("pk").first()
    url = admin_url(Goal, "change", goal.pk)
    data = change_page_data(superuser_client.get(url))
    add_inline_row(
        data,
        "indicators",
        {
            "name": "Unge uden for uddannelse og job",
            "unit": "personer",
            "direction": Indicator.Direction.LOWER_IS_BETTER,
            "baseline_value": "375",
            "baseline_date": "2021-12-31",
            "target_value": "300",
            "target_date": "2025-12-31",
        },
    )

    response = superuser_client.post(url, data)

    assert response.status_code == 302
    added = goal.indicators.get(name="Unge uden for uddannelse og job")
    assert added.plan == whole_plan
    assert added.strategic_goal is None


def test_indicator_inline_refuses_a_target_against_the_direction(superuser_client, whole_plan):
    goal = Goal.objects.filter(sub_agreement__plan=whole_plan).order_by("pk").first()
    url = admin_url(Goal, "change", goal.pk)
    data = change_page_data(superuser_client.get(url))
    add_inline_row(
        data,
        "indicators",
        {
            "name": "Forkert retning",
            "unit": "%",
            "direction": Indicator.Direction.HIGHER_IS_BETTER,
            "baseline_value": "50",
            "baseline_date": "2022-01-01",
            "target_value": "40",
            "target_date": "2025-12-31",
        },
    )

    response = superuser_client.post(url, data)

    assert response.status_code == 200
    assert not goal.indicators.filter(name="Forkert retning").exists()
    assert response.context["errors"]


def management_form(prefix: str) -> dict:
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0"}


def test_a_plan_is_built_from_nothing_with_its_estates(superuser_client, db):
    housing_association = HousingAssociationFactory(short_name="VIBO", name="VIBO")
    data = {
        "name": "Boligsocial helhedsplan Amager 2022-2025",
        "slug": "amager",
        "area": "Amager",
        "start_date": "2022-01-01",
        "end_date": "2025-12-31",
        "homes": "4135",
        "residents": "9027",
        "report_due_months": "6",
        "budget_deviation_percent": "10",
        **management_form("estates"),
        **management_form("memberships"),
    }
    add_inline_row(
        data,
        "estates",
        {"name": "Støberigården I+II", "housing_association": housing_association.pk, "name_is_known": "on"},
    )

    response = superuser_client.post(admin_url(Plan, "add"), data)

    assert response.status_code == 302
    plan = Plan.objects.get(slug="amager")
    assert plan.lock_version == 1
    assert [(e.name, e.housing_association) for e in plan.estates.all()] == [
        ("Støberigården I+II", housing_association)
    ]
    assert plan.history.get().history_user.username == "superadmin"


def test_a_membership_limited_to_another_plans_delaftale_is_refused(superuser_client, whole_plan):
    other_plan = PlanFactory()
    foreign = SubAgreementFactory(plan=other_plan)
    own = whole_plan.sub_agreements.order_by("pk").first()
    user = UserFactory(password=None)
    organisation = Organisation.objects.order_by("pk").first()
    AffiliationFactory(user=user, organisation=organisation)  # a role is held for a confirming organisation
    data = {
        "user": user.pk,
        "plan": whole_plan.pk,
        "organisation": organisation.pk,
        "role": Membership.Role.EDITOR,
    }

    response = superuser_client.post(admin_url(Membership, "add"), {**data, "sub_agreements": [foreign.pk]})
    assert response.status_code == 200
    assert "sub_agreements" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(user=user).exists()

    response = superuser_client.post(admin_url(Membership, "add"), {**data, "sub_agreements": [own.pk]})
    assert response.status_code == 302
    assert list(Membership.objects.get(user=user).sub_agreements.all()) == [own]


@pytest.mark.django_db
def test_the_admin_never_links_to_a_minutes_file(admin_client, amager_plan):
    from django.core.files.base import ContentFile

    from helhedsplan.approvals.models import EstateDecision

    decision = EstateDecision.objects.in_plan(amager_plan).first()
    decision.minutes.save("referat.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    response = admin_client.get(reverse("admin:approvals_estatedecision_change", args=[decision.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert decision.minutes.name in html
    assert f'href="{decision.minutes.url}"' not in html


# --- Stale saves: two administrators open the same object ---------------------------------------------------


@pytest.fixture
def second_admin_client(db):
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(username="otheradmin", is_staff=True, is_superuser=True, password=None))
    return client


STALE = "En anden har gemt ændringer i"


def test_the_change_form_carries_the_lock_counter_hidden(superuser_client, whole_plan):
    response = superuser_client.get(admin_url(Plan, "change", whole_plan.pk))

    form = response.context["adminform"].form
    assert form["lock_version"].is_hidden
    assert form["lock_version"].value() == whole_plan.lock_version
    assert f'type="hidden" name="lock_version" value="{whole_plan.lock_version}"' in response.content.decode()


def test_the_second_of_two_admin_saves_is_refused_and_nothing_of_it_saved(
    superuser_client, second_admin_client, whole_plan
):
    url = admin_url(Plan, "change", whole_plan.pk)
    first = change_page_data(superuser_client.get(url))
    second = change_page_data(second_admin_client.get(url))

    assert superuser_client.post(url, {**first, "name": "Først gemt"}).status_code == 302
    response = second_admin_client.post(url, {**second, "name": "Gemt bagefter", "homes": "1"})

    assert response.status_code == 200
    [error] = response.context["adminform"].form.non_field_errors()
    assert error.startswith(STALE)
    assert STALE in response.content.decode()
    whole_plan.refresh_from_db()
    assert (whole_plan.name, whole_plan.homes, whole_plan.lock_version) == ("Først gemt", 4135, 2)
    assert whole_plan.history.filter(history_user__username="otheradmin").count() == 0


def test_a_stale_inline_row_is_refused_and_nothing_of_the_page_saved(
    superuser_client, second_admin_client, whole_plan
):
    goal = Goal.objects.filter(sub_agreement__plan=whole_plan).order_by("pk").first()
    indicator = goal.indicators.order_by("pk").first()
    url = admin_url(Goal, "change", goal.pk)
    stale_page = change_page_data(second_admin_client.get(url))
    # Meanwhile the first administrator changes the indicator on its own page (the goal is untouched).
    indicator_url = admin_url(Indicator, "change", indicator.pk)
    own = change_page_data(superuser_client.get(indicator_url))
    assert superuser_client.post(indicator_url, {**own, "unit": "personer først"}).status_code == 302

    row = next(key for key, value in stale_page.items() if key.endswith("-id") and value == indicator.pk)
    prefix = row.removesuffix("-id")
    response = second_admin_client.post(
        url, {**stale_page, f"{prefix}-unit": "personer bagefter", "title": "Ny titel fra en gammel side"}
    )

    assert response.status_code == 200
    errors = [str(e) for formset in response.context["inline_admin_formsets"] for e in formset.formset.errors]
    assert any(STALE in error for error in errors)
    indicator.refresh_from_db()
    goal.refresh_from_db()
    assert indicator.unit == "personer først"
    assert goal.title != "Ny titel fra en gammel side"


def test_a_stale_inline_row_that_would_write_nothing_does_not_block_the_save(
    superuser_client, second_admin_client, whole_plan
):
    goal = next(
        goal
        for goal in Goal.objects.filter(sub_agreement__plan=whole_plan).order_by("pk")
        if goal.indicators.count() >= 2
    )
    first, second = goal.indicators.order_by("pk")[:2]
    url = admin_url(Goal, "change", goal.pk)
    page = change_page_data(second_admin_client.get(url))
    # Meanwhile the first administrator saves the first indicator unchanged: only its lock counter moves.
    indicator_url = admin_url(Indicator, "change", first.pk)
    assert (
        superuser_client.post(
            indicator_url, change_page_data(superuser_client.get(indicator_url))
        ).status_code
        == 302
    )

    row = next(key for key, value in page.items() if key.endswith("-id") and value == second.pk)
    response = second_admin_client.post(url, {**page, f"{row.removesuffix('-id')}-unit": "husstande"})

    assert response.status_code == 302
    second.refresh_from_db()
    assert second.unit == "husstande"
    assert second.history.first().history_user.username == "otheradmin"


def test_the_mail_records_are_read_by_superusers_only_and_never_edited(
    superuser_client, amager_plan, personas, django_capture_on_commit_callbacks
):
    from helhedsplan.core.mail import RenderedMail, outgoing_mail_queue

    with django_capture_on_commit_callbacks(execute=True):
        outgoing_mail_queue(
            key="test:1",
            to="karen@example.org",
            mail=RenderedMail(subject="Amager: en rapport", text="tekst", html=""),
            plan=amager_plan,
        )
    record = OutgoingMail.objects.get(key="test:1")
    listed = superuser_client.get(admin_url(OutgoingMail, "changelist"), {"status": "sent"})
    assert listed.status_code == 200 and "karen@example.org" in listed.content.decode()
    assert superuser_client.get(admin_url(OutgoingMail, "change", record.pk)).status_code == 200
    assert superuser_client.get(admin_url(OutgoingMail, "add")).status_code == 403
    assert (
        superuser_client.post(admin_url(OutgoingMail, "delete", record.pk), {"post": "yes"}).status_code
        == 403
    )

    coordinator = UserFactory(is_staff=True, password=None)
    MembershipFactory(plan=amager_plan, user=coordinator, role=Membership.Role.COORDINATOR)
    staff = client_for(coordinator)
    assert staff.get(admin_url(OutgoingMail, "changelist")).status_code == 403
    assert staff.get(admin_url(OutgoingMail, "change", record.pk)).status_code == 403


def test_the_import_previews_are_read_by_superusers_only_and_never_edited(
    superuser_client, amager_plan, personas
):
    from helhedsplan.imports.services import import_preview_create

    content = "Indikator nr.;Ny værdi;Dato for ny værdi\n999999;5;29.06.2024\n".encode()
    preview = import_preview_create(
        plan=amager_plan, file_name="tal.csv", content=content, actor=personas.editor
    )
    listed = superuser_client.get(admin_url(ImportPreview, "changelist"))
    assert listed.status_code == 200
    assert "tal.csv" in listed.content.decode() and "afvist 1" in listed.content.decode()
    assert superuser_client.get(admin_url(ImportPreview, "change", preview.pk)).status_code == 200
    assert superuser_client.get(admin_url(ImportPreview, "add")).status_code == 403
    assert (
        superuser_client.post(admin_url(ImportPreview, "delete", preview.pk), {"post": "yes"}).status_code
        == 403
    )
    assert ImportPreview.objects.filter(pk=preview.pk).exists()

    coordinator = UserFactory(is_staff=True, password=None)
    MembershipFactory(plan=amager_plan, user=coordinator, role=Membership.Role.COORDINATOR)
    staff = client_for(coordinator)
    assert staff.get(admin_url(ImportPreview, "changelist")).status_code == 403
    assert staff.get(admin_url(ImportPreview, "change", preview.pk)).status_code == 403
