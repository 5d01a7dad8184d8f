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
    sub_agreement = SubAgreement.objects.in_plan(plan).order_by("focus_area").first()
    return {
        "strategic agreement": reverse("agreements:strategic", kwargs={"plan": plan.slug}),
        "delaftale": reverse("agreements:sub_agreement", kwargs={"plan": plan.slug, "pk": sub_agreement.pk}),
        "budget": reverse("budget:overview", kwargs={"plan": plan.slug}),
        "approvals": reverse("approvals:overview", kwargs={"plan": plan.slug}),
        "emergency plan": reverse("preparedness:overview", kwargs={"plan": plan.slug}),
        "contacts": reverse("preparedness:contacts", kwargs={"plan": plan.slug}),
    }


@pytest.mark.parametrize("username", ["lbf", "boligorg"])
def test_readers_see_no_history_buttons_or_action_columns_on_list_pages(demo_users, amager_plan, username):
    """The reviewer (LBF) may change nothing; the housing association's editor changes goals and activities of
    its own delaftaler only, so it reads the other pages as a reader (its delaftaler are left out here)."""
    for name, url in pages(amager_plan).items():
        if username == "boligorg" and name == "delaftale":
            continue
        html = page_for(demo_users[username], url)
        main = html[html.index("<main") :]
        # At most the page's own object's history (the strategic agreement's, the delaftale's), never a row's.
        assert main.count("/historik/") <= 1, f"{name} has history buttons on its rows for {username}"
        assert "Ændringer</th>" not in main, f"{name} has an empty changes column for {username}"
        assert ">Handlinger</span></th>" not in main, f"{name} has an empty actions column for {username}"


def test_coordinators_keep_their_row_actions(demo_users, amager_plan):
    urls = pages(amager_plan)
    decision = EstateDecision.objects.filter(estate__plan=amager_plan).first()
    contact = Contact.objects.in_plan(amager_plan).first()
    approvals = page_for(demo_users["kommune"], urls["approvals"])
    contacts = page_for(demo_users["kommune"], urls["contacts"])
    assert f"/historik/approvals.estatedecision/{decision.pk}/" in approvals
    assert f"/historik/preparedness.contact/{contact.pk}/" in contacts
    assert "Ændringer</th>" in contacts


def test_the_histories_stay_open_to_readers(demo_users, amager_plan):
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
    assert "Historik" in page_for(demo_users["lbf"], url)
