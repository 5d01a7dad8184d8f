import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from helhedsplan.plans.models import (
    Affiliation,
    Estate,
    Invitation,
    Membership,
    Organisation,
    OrganisationGrant,
    PartyConfirmation,
    Plan,
)
from helhedsplan.plans.services import token_hash


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("secret-password-1")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("short_name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    short_name = factory.Sequence(lambda n: f"ORG{n}")
    kind = Organisation.Kind.MUNICIPAL_ADMINISTRATION


class HousingAssociationFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Boligorganisation {n}")
    short_name = factory.Sequence(lambda n: f"BO{n}")
    kind = Organisation.Kind.HOUSING_ASSOCIATION


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    name = factory.Sequence(lambda n: f"Helhedsplan {n} 2022-2025")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    area = "Bydel"
    start_date = datetime.date(2022, 1, 1)
    end_date = datetime.date(2025, 12, 31)


class EstateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Estate

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Afdeling {n}")
    housing_association = factory.SubFactory(HousingAssociationFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    plan = factory.SubFactory(PlanFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.EDITOR

    @factory.post_generation
    def sub_agreements(self, create, extracted, **kwargs):
        if create and extracted:
            self.sub_agreements.set(extracted)

    @factory.post_generation
    def affiliated(self, create, extracted, **kwargs):
        """A role is held for the organisation, which has confirmed the person (``affiliated=False``: not)."""
        if create and extracted is not False:
            Affiliation.objects.get_or_create(
                user=self.user,
                organisation=self.organisation,
                defaults={"state": Affiliation.State.CONFIRMED},
            )


class OrganisationGrantFactory(factory.django.DjangoModelFactory):
    """An organisation-wide reviewer's role; ``users=[...]`` names who holds it (each confirmed by the
    organisation as one of its people, as the role requires)."""

    class Meta:
        model = OrganisationGrant
        django_get_or_create = ("organisation", "role")
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    role = OrganisationGrant.Role.REVIEWER

    @factory.post_generation
    def users(self, create, extracted, **kwargs):
        if create and extracted:
            for user in extracted:
                AffiliationFactory(user=user, organisation=self.organisation)
            self.users.add(*extracted)


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation; its link's token is ``invitation.token`` (only its hash is stored)."""

    class Meta:
        model = Invitation
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    email = factory.Sequence(lambda n: f"inviteret{n}@example.org")
    organisation = factory.LazyAttribute(
        lambda i: i.plan.organisations.order_by("pk").first() or OrganisationFactory()
    )
    role = Membership.Role.EDITOR
    token = factory.Sequence(lambda n: f"token-{n}-abcdefghijklmnopqrstuvwxyz")
    token_hash = factory.LazyAttribute(lambda i: token_hash(i.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=Invitation.VALID_DAYS))

    @classmethod
    def _create(cls, model_class, *args, token=None, **kwargs):
        invitation = super()._create(model_class, *args, **kwargs)
        invitation.token = token
        return invitation

    @factory.post_generation
    def sub_agreements(self, create, extracted, **kwargs):
        if create and extracted:
            self.sub_agreements.set(extracted)


class AffiliationFactory(factory.django.DjangoModelFactory):
    """A person confirmed by an organisation as one of its people (``is_administrator=True``: one of its
    administrators)."""

    class Meta:
        model = Affiliation
        django_get_or_create = ("user", "organisation")

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    state = Affiliation.State.CONFIRMED


class PartyConfirmationFactory(factory.django.DjangoModelFactory):
    """An organisation's confirmation of its part in a plan (it must be a party: ``plan.organisations``)."""

    class Meta:
        model = PartyConfirmation
        django_get_or_create = ("plan", "organisation")

    plan = factory.SubFactory(PlanFactory)
    organisation = factory.SubFactory(OrganisationFactory)


def landsbyggefonden() -> Organisation:
    """Landsbyggefonden (LBF), made if the test has not got it yet."""
    return OrganisationFactory(short_name="LBF", name="Landsbyggefonden", kind=Organisation.Kind.FUNDER)


def confirmed_party(plan: Plan, organisation: Organisation) -> Organisation:
    """``organisation`` made a party to ``plan`` that has confirmed its part (its grants cover the plan)."""
    plan.organisations.add(organisation)
    PartyConfirmationFactory(plan=plan, organisation=organisation)
    return organisation
