import factory

from helhedsplan.periods.models import CatalogueIndicator, FundingPeriod


class FundingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingPeriod
        django_get_or_create = ("code",)

    code = "2015-2018"
    name = factory.LazyAttribute(lambda p: f"Landsbyggefondens boligsociale pulje {p.code}")
    first_year = 2015
    last_year = 2018


class CatalogueIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogueIndicator

    period = factory.SubFactory(FundingPeriodFactory)
    code = factory.Sequence(lambda n: f"indikator-{n}")
    name = factory.Sequence(lambda n: f"Standardindikator {n}")
    definition = "Eksempel: en optælling."
    unit = "%"
    direction = CatalogueIndicator.Direction.HIGHER_IS_BETTER
    source = "Danmarks Statistik via Landsbyggefonden (Beboerdata)"
    update_cadence = "Årligt"
    level = CatalogueIndicator.Level.PLAN
    is_example = True
