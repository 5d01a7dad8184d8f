"""Where an estate lies: a point inside Denmark and an optional closed outline (the model's rules, in Danish),
set in the plan file or from a CSV by ``import_estate_locations``; and the static picture of the estates the
report's PDF and print view show."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from helhedsplan.planfiles.demo import AMAGER_FILE
from helhedsplan.planfiles.exporter import export_plan
from helhedsplan.planfiles.importer import import_plan, parse, read
from helhedsplan.planfiles.schema import PlanFileError
from helhedsplan.plans.locations import static_map
from helhedsplan.plans.models import Estate
from helhedsplan.plans.services import estate_update
from helhedsplan.reports import documents as report_documents
from helhedsplan.reports.models import Report
from helhedsplan.reports.report import status_report
from tests.plans.factories import EstateFactory
from tests.world import snapshot

pytestmark = pytest.mark.django_db

#: A small square on Amager (for the tests only; not a claim about any estate).
SQUARE = [[12.60, 55.66], [12.61, 55.66], [12.61, 55.665], [12.60, 55.665], [12.60, 55.66]]


def _set(estate, **data):
    return estate_update(estate=estate, data=data, expected_lock_version=estate.lock_version, actor=None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"latitude": Decimal("48.85"), "longitude": Decimal("2.35")},
            "Koordinaterne ligger uden for Danmark",
        ),
        (
            {"latitude": Decimal("55.66"), "longitude": Decimal("-12.6")},
            "Koordinaterne ligger uden for Danmark",
        ),
        ({"latitude": Decimal("55.66")}, "Angiv både bredde- og længdegrad eller ingen af dem."),
        (
            {"latitude": Decimal("55.66"), "longitude": Decimal("12.6"), "outline": SQUARE[:-1]},
            "Omridset skal være en lukket polygon",
        ),
        (
            {"latitude": Decimal("55.66"), "longitude": Decimal("12.6"), "outline": [[12.6, 55.66], "x"]},
            "Omridset skal være en lukket polygon",
        ),
        (
            {
                "latitude": Decimal("55.66"),
                "longitude": Decimal("12.6"),
                "outline": [[2.3, 48.8], [2.4, 48.8], [2.4, 48.9], [2.3, 48.8]],
            },
            "Koordinaterne ligger uden for Danmark",
        ),
        ({"outline": SQUARE}, "En afdeling med omrids skal også have sit punkt"),
    ],
)
def test_bad_locations_are_refused_in_danish_and_nothing_saved(amager_plan, data, message):
    estate = Estate.objects.in_plan(amager_plan).order_by("pk").first()
    before = snapshot()
    with pytest.raises(ValidationError) as refusal:
        _set(estate, **data)
    assert any(message in text for text in refusal.value.messages), refusal.value.messages
    assert snapshot() == before


def test_a_location_with_its_outline_is_kept(amager_plan):
    estate = Estate.objects.in_plan(amager_plan).order_by("pk").first()
    _set(
        estate,
        latitude=Decimal("55.6625"),
        longitude=Decimal("12.605"),
        outline=SQUARE,
        location_source="Test",
    )
    estate.refresh_from_db()
    assert (estate.latitude, estate.outline) == (Decimal("55.662500"), SQUARE)


def test_the_csv_command_sets_locations_or_nothing(amager_plan, tmp_path):
    estates = list(Estate.objects.in_plan(amager_plan).order_by("pk")[:2])
    good = tmp_path / "good.csv"
    good.write_text(
        "estate,latitude,longitude,source\n"
        f"{estates[0].name},55.6601,12.6011,Testkilde\n"
        f"{estates[1].name},55.6702,12.5812,Testkilde\n",
        encoding="utf-8",
    )
    call_command("import_estate_locations", amager_plan.slug, str(good))
    estates[0].refresh_from_db()
    assert estates[0].latitude == Decimal("55.660100") and estates[0].location_source == "Testkilde"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"estate,latitude,longitude,source\n{estates[1].name},59.9,10.7,Oslo\nIngen sådan,55.6,12.6,x\n",
        encoding="utf-8",
    )
    before = snapshot()
    with pytest.raises(CommandError) as refusal:
        call_command("import_estate_locations", amager_plan.slug, str(bad))
    assert "uden for Danmark" in str(refusal.value) and "Ingen sådan" in str(refusal.value)
    assert snapshot() == before


def test_the_plan_file_carries_a_location_both_ways():
    data = copy.deepcopy(read(AMAGER_FILE))
    data["plan"]["slug"] = "amager-med-kort"
    data["estates"][0].update(
        latitude=Decimal("55.6625"),
        longitude=Decimal("12.605"),
        outline=[[Decimal(str(c)) for c in point] for point in SQUARE],
        location_source="Testkilde",
    )
    plan = import_plan(data)
    estate = Estate.objects.in_plan(plan).get(name=data["estates"][0]["name"])
    assert estate.outline == SQUARE
    exported = parse(export_plan(plan, personal_data=True))
    row = next(e for e in exported["estates"] if e["name"] == estate.name)
    assert (row["latitude"], row["longitude"], row["location_source"]) == (
        Decimal("55.6625"),
        Decimal("12.605"),
        "Testkilde",
    )
    assert [[float(c) for c in point] for point in row["outline"]] == SQUARE


def test_a_plan_file_location_outside_denmark_is_refused_at_its_place():
    data = copy.deepcopy(read(AMAGER_FILE))
    data["plan"]["slug"] = "amager-i-paris"
    data["estates"][0].update(latitude=Decimal("48.85"), longitude=Decimal("2.35"))
    with pytest.raises(PlanFileError) as refusal:
        import_plan(data)
    assert any(
        m.startswith("estates[0].latitude: Koordinaterne ligger uden for Danmark")
        for m in refusal.value.messages
    )


def test_the_amager_estates_have_no_invented_location(amager_plan):
    # No public source at hand gives the estates' coordinates: none is set, rather than guessed.
    assert not Estate.objects.in_plan(amager_plan).filter(latitude__isnull=False).exists()


def test_the_reports_pdf_shows_the_static_map(amager_plan):
    estate = Estate.objects.in_plan(amager_plan).get(name="Hørgården")
    _set(
        estate,
        latitude=Decimal("55.6611"),
        longitude=Decimal("12.5892"),
        outline=None,
        location_source="Test",
    )
    data = status_report(
        Report(plan=amager_plan, kind=Report.Kind.YEARLY, year=2024), as_of=datetime.date(2025, 1, 31)
    )
    svg = data.estate_map_svg
    assert svg.startswith("<svg") and "Hørgården" in svg and "<script" not in svg
    from tests.reports.test_lbf_reports import pdf_text

    assert "Kort over afdelingerne" in pdf_text(report_documents.report_pdf(data))


def test_the_static_map_escapes_names():
    svg = static_map(
        [{"name": "<script>x</script>", "lat": 55.66, "lon": 12.6, "outline": SQUARE, "approved": True}],
        title="Kort",
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_the_approvals_page_and_the_overview_show_the_map_with_a_marker_per_located_estate(
    amager_plan, personas, client_for
):
    from django.urls import reverse

    for name, lat, lon in [("Hørgården", "55.6611", "12.5892"), ("Signalgården", "55.6500", "12.6100")]:
        _set(
            Estate.objects.in_plan(amager_plan).get(name=name), latitude=Decimal(lat), longitude=Decimal(lon)
        )
    for address in ("approvals:overview", "overview:dashboard"):
        page = client_for(personas.reviewer).get(reverse(address, kwargs={"plan": amager_plan.slug}))
        html = page.content.decode()
        assert 'id="estate-map"' in html and "vendor/leaflet/leaflet.js" in html, address
        assert html.count('"lat":') == 2
        assert "tile.openstreetmap" not in html


def test_an_estate_factory_has_no_location():
    assert EstateFactory.build().latitude is None
