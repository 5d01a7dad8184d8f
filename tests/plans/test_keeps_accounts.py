""" "Fører regnskab": a member who keeps the plan's accounts enters actual spend, whatever their role or
organisation — by the form and by the spreadsheet import — and a coordinator grants it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helhedsplan.budget.models import ActualSpend, BudgetLine
from helhedsplan.imports.services import import_preview_apply, import_preview_create
from helhedsplan.plans.models import Membership
from helhedsplan.plans.services import membership_update
from tests.imports.filling import fill, rows_of, template_for
from tests.world import snapshot

pytestmark = pytest.mark.django_db


def _grant(membership: Membership, keeps: bool = True) -> Membership:
    return membership_update(
        membership=membership,
        data={"keeps_accounts": keeps},
        expected_lock_version=membership.lock_version,
        actor=None,
    )


def test_an_editor_who_keeps_the_accounts_enters_actual_spend_by_the_form(amager_plan, personas, client_for):
    line = BudgetLine.objects.in_plan(amager_plan).order_by("pk").first()
    url = reverse("budget:line_actuals", kwargs={"plan": amager_plan.slug, "pk": line.pk})
    client = client_for(personas.editor)
    assert client.get(url).status_code == 403  # an editor as such does not

    _grant(Membership.objects.get(user=personas.editor, plan=amager_plan))
    client = client_for(personas.editor)
    assert client.get(url).status_code == 200
    data = {
        "lock_version": line.lock_version,
        "amount_2022": "",
        "amount_2023": "98.765",
        "amount_2024": "",
        "amount_2025": "",
    }
    assert client.post(url, data).status_code == 302
    assert ActualSpend.objects.get(line=line, year=2023).amount == Decimal("98765")
    # The budget page offers them the actual spend, and still not the budget's own forms.
    page = client.get(reverse("budget:overview", kwargs={"plan": amager_plan.slug})).content.decode()
    assert url in page
    assert reverse("budget:line_edit", kwargs={"plan": amager_plan.slug, "pk": line.pk}) not in page


def test_a_limited_editor_who_keeps_the_accounts_imports_actual_spend_and_only_their_measurements(
    amager_plan, personas
):
    _grant(Membership.objects.get(user=personas.limited_editor, plan=amager_plan))
    template = template_for(amager_plan, personas.limited_editor)
    # Their template now has the budget's sheets, one per year.
    assert len(rows_of(template, 4)) > 1
    line = BudgetLine.objects.in_plan(amager_plan).order_by("pk").first()
    preview = import_preview_create(
        plan=amager_plan,
        file_name="regnskab.xlsx",
        content=fill(template, spend={(line.pk, 2023): "77.000"}),
        actor=personas.limited_editor,
    )
    assert not [row for row in preview.rows if row["outcome"] == "refused"]
    import_preview_apply(preview=preview, actor=personas.limited_editor)
    assert ActualSpend.objects.get(line=line, year=2023).amount == Decimal("77000")


def test_only_actual_spend_follows_from_keeping_the_accounts(amager_plan, personas):
    membership = _grant(Membership.objects.get(user=personas.editor, plan=amager_plan))
    editor = personas.editor
    assert editor.has_perm("plan.enter_actual_spend", amager_plan)
    assert not editor.has_perm("plan.manage", amager_plan)
    # The querysets agree with the rules.
    lines = BudgetLine.objects.in_plan(amager_plan)
    assert lines.for_user(editor, "plan.enter_actual_spend").count() == lines.count()
    _grant(membership, keeps=False)
    editor.__dict__.pop("_membership_cache", None)
    assert not editor.has_perm("plan.enter_actual_spend", amager_plan)
    assert not lines.for_user(editor, "plan.enter_actual_spend").exists()


def test_a_reviewer_keeps_no_accounts(amager_plan, personas):
    membership = Membership.objects.get(user=personas.reviewer, plan=amager_plan)
    before = snapshot()
    with pytest.raises(ValidationError) as refusal:
        _grant(membership)
    assert refusal.value.message_dict["keeps_accounts"] == [
        "En læser ændrer intet i planen og fører derfor ikke regnskab."
    ]
    assert snapshot() == before


def test_a_coordinator_grants_it_on_the_members_page(amager_plan, personas, client_for):
    membership = Membership.objects.get(user=personas.editor, plan=amager_plan)
    url = reverse("member_update", kwargs={"plan": amager_plan.slug, "pk": membership.pk})
    response = client_for(personas.coordinator).post(
        url,
        {
            "lock_version": membership.lock_version,
            "organisation": membership.organisation_id,
            "role": "editor",
            "keeps_accounts": "on",
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.keeps_accounts
    assert (
        "fører regnskab"
        in client_for(personas.coordinator)
        .get(reverse("members", kwargs={"plan": amager_plan.slug}))
        .content.decode()
    )
