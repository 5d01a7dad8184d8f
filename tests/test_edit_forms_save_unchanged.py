"""Every object of the Amager plan that has an edit form saves unchanged: open the form, send back what it shows,
and the object is saved (a redirect) exactly as it was.

The police — an organisation in the emergency plan that is not one of the plan's parties — once could not be
saved so: the contact's and the delaftale party's forms offered only the plan's parties, so the field came back
empty ("Dette felt er påkrævet"). A form must always offer what the object already holds.
"""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.db import models
from django.urls import NoReverseMatch, resolve, reverse

from helhedsplan.documents.models import FactSource
from tests.documents.factories import document_with_version
from tests.reports.factories import ReportFactory
from tests.test_every_url import NO_DATA, TABLE

pytestmark = pytest.mark.django_db

#: The URL of every form that edits an object (not one creating, deleting or closing it).
EDIT_URLS = sorted(
    {
        row.name
        for row in TABLE
        if row.post is not None
        and row.post is not NO_DATA
        and row.name.rsplit("_", 1)[-1] in {"update", "edit", "actuals"}
        # A party's decision on a version is recorded once, never edited (tests/versions).
        and row.name != "versions:signoff_update"
    }
)


def shown_values(form) -> dict:
    """What the browser would send back for the unchanged ``form``: each field's value as its widget shows it."""
    data: dict = {}
    for name in form.fields:
        bound = form[name]
        widget = bound.field.widget
        value = bound.value()
        if isinstance(widget, forms.FileInput):
            continue  # an upload is not sent back; the stored file stays
        if isinstance(widget, forms.CheckboxInput):
            if widget.check_test(value):
                data[name] = "on"
        elif getattr(widget, "allow_multiple_selected", False):
            data[name] = [str(v) for v in value or []]
        elif isinstance(widget, forms.widgets.ChoiceWidget):
            shown = widget.format_value(value)
            data[name] = shown[0] if shown else ""
        else:
            shown = widget.format_value(value)
            data[name] = "" if shown is None else str(shown)
    return data


def stored(obj) -> dict:
    """The object's fields as stored, times to the minute (the form's precision), the lock counter aside."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name == "lock_version":
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, datetime.datetime):
            value = value.replace(second=0, microsecond=0)
        if isinstance(field, models.FileField):
            value = value.name
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").strip()  # as a browser sends a textarea, as a form cleans it
        values[field.name] = value
    return values


def test_every_edit_url_is_walked():
    assert {"preparedness:contact_update", "agreements:party_update", "budget:line_actuals"} <= set(EDIT_URLS)


@pytest.mark.parametrize("url_name", EDIT_URLS)
def test_every_object_saves_unchanged(client_for, personas, amager_plan, url_name):
    client = client_for(personas.coordinator)
    # A report's own texts are edited at its period's address; the 2024 report, stored, is the object.
    extra: dict = {}
    if url_name == "reports:report_texts_update":
        ReportFactory(plan=amager_plan, kind="yearly", year=2024)
        extra = {"period": "2024"}
    if url_name == "documents:document_update":
        # Documents are uploaded, never in a plan file: one, with its file.
        document_with_version(
            amager_plan, title="Kommissorium", kind="terms_of_reference", fulfils="terms-of-reference"
        )
    if url_name == "documents:source_update":
        # A fact's source is addressed by its fact and the row stating it: every source the plan file names.
        sources = list(FactSource.objects.filter(plan=amager_plan).order_by("pk"))
        assert sources
        for source in sources:
            address = reverse(
                url_name,
                kwargs={"plan": amager_plan.slug, "fact": source.fact, "object_id": source.object_id},
            )
            page = client.get(address)
            assert page.status_code == 200, address
            before = stored(source)
            response = client.post(address, shown_values(page.context["form"]))
            assert response.status_code == 302, (
                address,
                response.context and response.context["form"].errors,
            )
            source = FactSource.objects.get(plan=amager_plan, fact=source.fact, object_id=source.object_id)
            assert {k: v for k, v in stored(source).items() if k != "id"} == {
                k: v for k, v in before.items() if k != "id"
            }, address
        return
    try:
        model, takes_pk = resolve(reverse(url_name, kwargs={"plan": amager_plan.slug, **extra})), False
    except NoReverseMatch:
        model, takes_pk = resolve(reverse(url_name, kwargs={"plan": amager_plan.slug, "pk": 1})), True
    model = model.func.view_class.model
    # A URL with a pk: every object of its model in the plan; one without (the strategic agreement): that one.
    objects = list(model.objects.in_plan(amager_plan).order_by("pk")) if takes_pk else [None]
    saved = 0
    for obj in objects:
        address = reverse(
            url_name, kwargs={"plan": amager_plan.slug, **extra, **({"pk": obj.pk} if obj else {})}
        )
        page = client.get(address)
        assert page.status_code == 200, address
        obj = obj or page.context["form"].instance
        before = stored(obj)

        response = client.post(address, shown_values(page.context["form"]))

        assert response.status_code == 302, (address, response.context and response.context["form"].errors)
        obj.refresh_from_db()
        obj.full_clean()
        assert stored(obj) == before, address
        saved += 1
    assert saved
