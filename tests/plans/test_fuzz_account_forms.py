"""Generated submissions to the forms outside any plan that decide who someone is and whom they speak for (issue
19): asking an organisation to confirm you, an organisation's e-mail domain, and choosing a password to accept an
invitation. As tests/test_fuzz_forms.py does for the plan's forms: no answer is a server error, and every object a
request saved keeps its model's rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import given, settings

from helhedsplan.plans.models import Organisation
from tests.plans.factories import AffiliationFactory, InvitationFactory, UserFactory
from tests.test_fuzz_forms import assert_keeps_the_rules, saved_objects, submissions
from tests.world import client_for

pytestmark = pytest.mark.django_db

settings.register_profile("account-forms-fuzz", parent=settings.get_profile("forms-fuzz"), max_examples=40)


@dataclass(frozen=True)
class AccountForm:
    id: str
    #: The address, the user who posts (None: nobody signed in) and the valid data, made on the Amager plan.
    setup: Callable[[object], tuple[str, object, dict]]
    #: The form's name in the page's context.
    context_name: str = "form"


def _lbf(plan) -> Organisation:
    return plan.organisations.get(short_name="LBF")


def _ask(plan):
    person = UserFactory(username="fuzz-person", password=None)
    return reverse("organisations"), person, {"organisation": str(_lbf(plan).pk)}


def _domain(plan):
    administrator = UserFactory(username="fuzz-admin", password=None)
    AffiliationFactory(user=administrator, organisation=_lbf(plan), is_administrator=True)
    return reverse("organisation", kwargs={"short_name": "LBF"}), administrator, {"domain": "lbf.dk"}


def _accept(plan):
    invitation = InvitationFactory(plan=plan, email="fuzz@example.org", role="editor")
    address = reverse("invitation_accept", kwargs={"token": invitation.token})
    return address, None, {"new_password1": "Solsikke-Amager-42", "new_password2": "Solsikke-Amager-42"}


FORMS = [
    AccountForm("ask an organisation", _ask),
    AccountForm("an organisation's e-mail domain", _domain, context_name="domain_form"),
    AccountForm("accept an invitation with a new password", _accept),
]


@pytest.mark.parametrize("case", FORMS, ids=[case.id for case in FORMS])
def test_generated_submissions_never_break_anything(amager_plan, personas, case: AccountForm):
    address, user, valid = case.setup(amager_plan)
    client = client_for(user)
    page = client.get(address)
    assert page.status_code == 200
    form = page.context[case.context_name]
    answers: dict[int, int] = {}

    @settings(settings.get_profile("account-forms-fuzz"))
    @given(data=submissions(form, valid))
    def post(data: dict) -> None:
        savepoint = transaction.savepoint()
        try:
            with saved_objects() as saved:
                response = client.post(address, data)
            assert response.status_code < 500
            answers[response.status_code] = answers.get(response.status_code, 0) + 1
            for obj in saved:
                assert_keeps_the_rules(obj)
        finally:
            transaction.savepoint_rollback(savepoint)

    post()
    assert sum(answers.values()) >= 40
    # Refused at a field (200 or 400, with the form's errors) or done (302): never anything else.
    assert set(answers) <= {200, 302, 400}, answers
