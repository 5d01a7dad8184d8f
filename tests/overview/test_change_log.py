"""The plan's change log: every historical record knows its plan (read by plan through an index, never by
scanning the country's history), the full paged change log page, and what the dashboard's feed says changed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhedsplan.goals.models import Indicator, Measurement
from helhedsplan.overview import selectors
from helhedsplan.plans.models import PlanHistory
from helhedsplan.preparedness.models import Contact

pytestmark = pytest.mark.django_db


def change_log_url(plan, page: int | None = None) -> str:
    url = reverse("overview:change_log", kwargs={"plan": plan.slug})
    return f"{url}?side={page}" if page else url


def history_models() -> list:
    return [model for model in apps.get_models() if issubclass(model, PlanHistory)]


def resave(obj, times: int) -> None:
    """``times`` saves of ``obj``, each changing a field (as people do: one record per save)."""
    for _ in range(times):
        obj.value += 1
        obj.save()


# --- The plan on every record ---------------------------------------------------------------------------------


def test_every_model_in_a_plan_keeps_its_plan_on_its_history(amager_plan, other_plan):
    # Every model in a plan, and the change log follows each one.
    from helhedsplan.plans.models import PlanContent

    plan_models = {m for m in apps.get_models() if issubclass(m, PlanContent)}
    assert {m.history.model for m in plan_models} == set(history_models())
    assert {tracked.model for tracked in selectors.TRACKED} == plan_models
    # Importing two plans stored each record with its own plan: none without one, none in the wrong plan.
    for model in history_models():
        assert not model.objects.filter(history_plan__isnull=True).exists(), model
    measurement = Measurement.objects.in_plan(amager_plan).first()
    assert {r.history_plan_id for r in measurement.history.all()} == {amager_plan.pk}


def test_a_deleted_row_keeps_its_plan_on_the_record_of_its_deletion(amager_plan):
    indicator = Indicator.objects.in_plan(amager_plan).filter(measurements__isnull=False).first()
    measurement_ids = list(indicator.measurements.values_list("pk", flat=True))

    indicator.delete()  # its measurements go with it

    deletions = Measurement.history.filter(id__in=measurement_ids, history_type="-")
    assert len(deletions) == len(measurement_ids)
    assert {record.history_plan_id for record in deletions} == {amager_plan.pk}


def test_the_index_on_plan_and_date_is_used(amager_plan):
    # The (plan, date) index exists on the historical tables; on PostgreSQL the planner reads a plan's newest
    # records through it instead of sorting the country's history.
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Measurement.history.model._meta.db_table)
    assert any(index["columns"] == ["history_plan_id", "history_date"] for index in indexes.values())


# --- The dashboard's feed -------------------------------------------------------------------------------------


def test_the_feed_says_what_a_repeated_save_changed(amager_plan, personas):
    measurement = Measurement.objects.in_plan(amager_plan).order_by("pk").first()
    old = measurement.value
    resave(measurement, 2)

    newest = selectors.recent_changes(amager_plan)[0]

    assert newest.kind == "~"
    assert [(c.label, c.old, c.new) for c in newest.changes] == [
        ("Værdi", f"{old + 1:.0f}", f"{old + 2:.0f}")
    ]


def test_the_dashboard_shows_what_changed_and_links_to_the_change_log(amager_plan, personas, client_for):
    measurement = Measurement.objects.in_plan(amager_plan).order_by("pk").first()
    measurement.value = Decimal("12345")
    measurement.save()

    page = client_for(personas.reviewer).get(amager_plan.get_absolute_url()).content.decode()

    assert "Værdi: " in page and "→ 12.345" in page
    assert f'href="{change_log_url(amager_plan)}"' in page
    assert "Hele ændringsloggen" in page


# --- The change log page --------------------------------------------------------------------------------------


def test_the_change_log_is_paged_newest_first_and_says_what_changed(amager_plan, personas, client_for):
    measurement = Measurement.objects.in_plan(amager_plan).order_by("pk").first()
    resave(measurement, 3)
    client = client_for(personas.coordinator)

    first = client.get(change_log_url(amager_plan))

    assert first.status_code == 200
    total = sum(m.objects.filter(history_plan=amager_plan).count() for m in history_models())
    assert first.context["page_obj"].paginator.count == total
    assert len(first.context["changes"]) == selectors.CHANGE_LOG_PAGE_SIZE
    whens = [change.when for change in first.context["changes"]]
    assert whens == sorted(whens, reverse=True)
    html = first.content.decode()
    assert "Ændret: måling" in html
    assert f'href="{measurement_history_url(amager_plan, measurement)}"' in html
    assert "Side 1 af" in html and "Ældre" in html

    last_page = first.context["page_obj"].paginator.num_pages
    last = client.get(change_log_url(amager_plan, last_page))
    assert last.status_code == 200
    assert last.context["page_obj"].number == last_page
    # A page number out of range or not a number shows the last or first page, never an error.
    assert client.get(change_log_url(amager_plan, 9999)).context["page_obj"].number == last_page
    assert client.get(change_log_url(amager_plan) + "?side=x").context["page_obj"].number == 1


def measurement_history_url(plan, measurement) -> str:
    return reverse(
        "history",
        kwargs={"plan": plan.slug, "app_label": "goals", "model_name": "measurement", "pk": measurement.pk},
    )


def test_a_deleted_object_is_named_without_a_link(amager_plan, personas, client_for):
    measurement = Measurement.objects.in_plan(amager_plan).order_by("pk").first()
    url = measurement_history_url(amager_plan, measurement)
    measurement.delete()

    response = client_for(personas.coordinator).get(change_log_url(amager_plan))

    newest = response.context["changes"][0]
    assert (newest.kind, newest.history_url) == ("-", None)
    assert url not in response.content.decode()


def test_reviewers_do_not_see_changes_of_contacts_and_memberships(amager_plan, personas, client_for):
    contact = Contact.objects.in_plan(amager_plan).first()
    contact.phone = "+45 99 88 77 66"
    contact.save()

    def models_seen(user) -> set[str]:
        response = client_for(user).get(change_log_url(amager_plan))
        log = response.context["page_obj"].paginator
        return {
            change.model_label
            for change in selectors.changes_for_keys(
                amager_plan,
                selectors.tracked_for(personal=user.has_perm("plan.view_contact_details", amager_plan)),
                log.object_list[0 : log.count],
            )
        }

    assert {"kontakt", "medlemskab"} <= models_seen(personas.coordinator)
    assert {"kontakt", "medlemskab"} <= models_seen(personas.editor)
    assert not {"kontakt", "medlemskab"} & models_seen(personas.reviewer)
    # The dashboard's feed leaves them out for a reviewer the same way.
    assert not {"kontakt", "medlemskab"} & {
        change.model_label for change in selectors.recent_changes(amager_plan, personal=False, limit=1000)
    }
    assert "kontakt" in {
        change.model_label for change in selectors.recent_changes(amager_plan, personal=True)
    }
    page = client_for(personas.reviewer).get(change_log_url(amager_plan)).content.decode()
    assert "+45 99 88 77 66" not in page


# The change log page, whatever the length of the history: 1 session, 2 user, 3 the user's membership with its
# plan and organisation, 4 the delaftaler it is limited to (whether the user may see contacts and memberships
# asks the same cached membership); 5 how many changes (a count over the UNION ALL of the historical tables, read
# by plan); 6 which changes are on the page (the same union, sorted and sliced); then for each kind of object on
# the page 7 its records (with user, what the label reads, whether the object still exists, which record came
# before) and 8 the records before the changes. On these pages: measurements only.
def change_log_queries(client, plan, page: int) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(change_log_url(plan, page))
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_change_log_takes_as_many_queries_with_a_long_history_as_with_a_short_one(
    amager_plan, personas, client_for
):
    measurement = Measurement.objects.in_plan(amager_plan).order_by("pk").first()
    client = client_for(personas.coordinator)
    resave(measurement, 60)
    short = change_log_queries(client, amager_plan, 1)

    resave(measurement, 240)
    long = change_log_queries(client, amager_plan, 1)
    deep = change_log_queries(client, amager_plan, 5)

    assert short == long == deep == 8


def test_a_report_is_named_as_the_report_not_as_its_historical_record(amager_plan, personas, client_for):
    """A submitted report's record reads "Årsrapport 2024", never "Årsrapport 2024 as of <timestamp>"."""
    import datetime

    from helhedsplan.reports import services

    services.report_submit(
        plan=amager_plan,
        kind="yearly",
        year=2024,
        actor=personas.coordinator,
        today=datetime.date(2026, 12, 1),
        gaps_confirmed=True,
    )
    response = client_for(personas.reviewer).get(change_log_url(amager_plan))
    labels = [change.label for change in response.context["changes"]]
    assert "Årsrapport 2024" in labels
    assert " as of " not in response.content.decode()
