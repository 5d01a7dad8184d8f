"""Readers' pages carry no row actions: no "Historik" button on every row and no empty action column, for anyone
without the right to change the rows (the histories stay open at their own addresses and on objects' own pages)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.approvals.models import EstateDecision
from helhedsplan.preparedness.models import Contact

pytestmark = pytest.mark.django_db


def page_for(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def pages(plan) -> dict[str, str]:
    # The first by focus area (cohesion): not the limited editor's delaftale.
    sub_agreement = SubAgreement.objects.in_plan(plan).order_by("focus_area").first()
    return {
        "strategic agreement": reverse("agreements:strategic", kwargs={"plan": plan.slug}),
        "delaftale": reverse("agreements:sub_agreement", kwargs={"plan": plan.slug, "pk": sub_agreement.pk}),
        "budget": reverse("budget:overview", kwargs={"plan": plan.slug}),
        "approvals": reverse("approvals:overview", kwargs={"plan": plan.slug}),
        "emergency plan": reverse("preparedness:overview", kwargs={"plan": plan.slug}),
        "contacts": reverse("preparedness:contacts", kwargs={"plan": plan.slug}),
    }


@pytest.mark.parametrize("role", ["reviewer", "editor", "limited_editor"])
def test_readers_see_no_history_buttons_or_action_columns_on_list_pages(personas, amager_plan, role):
    """The reviewer may change nothing; an editor changes goals and activities only, so it reads the other pages
    as a reader (the delaftale is left out for the editor, who edits in all of them, and kept for the limited
    editor, who edits in another one)."""
    for name, url in pages(amager_plan).items():
        if name == "delaftale" and role == "editor":
            continue
        html = page_for(personas[role], url)
        main = html[html.index("<main") :]
        # At most the page's own object's history (the strategic agreement's, the delaftale's), never a row's.
        assert main.count("/historik/") <= 1, f"{name} has history buttons on its rows for {role}"
        assert "Ændringer</th>" not in main, f"{name} has an empty changes column for {role}"
        assert ">Handlinger</span></th>" not in main, f"{name} has an empty actions column for {role}"


def test_coordinators_keep_their_row_actions(personas, amager_plan):
    urls = pages(amager_plan)
    decision = EstateDecision.objects.filter(estate__plan=amager_plan).first()
    contact = Contact.objects.in_plan(amager_plan).first()
    approvals = page_for(personas.coordinator, urls["approvals"])
    contacts = page_for(personas.coordinator, urls["contacts"])
    assert f"/historik/approvals.estatedecision/{decision.pk}/" in approvals
    assert f"/historik/preparedness.contact/{contact.pk}/" in contacts
    assert "Ændringer</th>" in contacts


def test_the_histories_stay_open_to_readers(personas, amager_plan):
    decision = EstateDecision.objects.filter(estate__plan=amager_plan).first()
    url = reverse(
        "history",
        kwargs={
            "plan": amager_plan.slug,
            "app_label": "approvals",
            "model_name": "estatedecision",
            "pk": decision.pk,
        },
    )
    assert "Historik" in page_for(personas.reviewer, url)
