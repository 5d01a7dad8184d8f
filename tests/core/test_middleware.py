"""What every response says (Permissions-Policy), which pages no cache may keep (Cache-Control: no-store), and
a request body too large to read (413, refused from its length alone)."""

import io

import pytest
from django.test import RequestFactory
from django.urls import reverse

from helhedsplan.approvals.models import EstateDecision
from helhedsplan.core.middleware import RequestBodyLimitMiddleware
from helhedsplan.goals.models import Goal
from helhedsplan.preparedness.models import Contact

MIB = 1024 * 1024


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


# Permissions-Policy.


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/konto/log-ind/", "/", "/plan/no-such-plan/", "/admin/login/"])
def test_every_response_denies_the_browser_features_the_site_never_uses(client, url):
    response = client.get(url)

    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy.split(", ")


# Cache-Control: no-store on pages with personal data, and only there.


def personal_pages(plan) -> dict[str, str]:
    contact = Contact.objects.filter(preparedness_plan__plan=plan).order_by("pk").first()
    goal = Goal.objects.filter(sub_agreement__plan=plan).order_by("pk").first()
    at = {"plan": plan.slug}
    return {
        "contacts": reverse("preparedness:contacts", kwargs=at),
        "print": reverse("preparedness:print", kwargs=at),
        "new contact": reverse("preparedness:contact_create", kwargs=at),
        "edit contact": reverse("preparedness:contact_update", kwargs={**at, "pk": contact.pk}),
        "delete contact": reverse("preparedness:contact_delete", kwargs={**at, "pk": contact.pk}),
        "contact history": reverse(
            "history", kwargs={**at, "app_label": "preparedness", "model_name": "contact", "pk": contact.pk}
        ),
        "goal history (who changed it)": reverse(
            "history", kwargs={**at, "app_label": "goals", "model_name": "goal", "pk": goal.pk}
        ),
    }


def test_pages_with_phones_emails_and_names_are_never_stored(amager_plan, personas, client_for):
    client = client_for(personas.coordinator)
    for name, url in personal_pages(amager_plan).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert no_store(response), name
        assert "private" in response["Cache-Control"], name


def test_a_refused_form_post_with_a_phone_is_not_stored_either(amager_plan, personas, client_for):
    response = client_for(personas.coordinator).post(
        personal_pages(amager_plan)["new contact"], {"name": "Anna", "phone": "12 34 56 78"}
    )
    assert response.status_code == 200  # the form again, with its errors and what was typed
    assert no_store(response)


def test_pages_without_personal_data_may_be_kept_by_the_browser(amager_plan, personas, client_for):
    client = client_for(personas.coordinator)
    for url in (
        reverse("overview:dashboard", kwargs={"plan": amager_plan.slug}),
        reverse("preparedness:overview", kwargs={"plan": amager_plan.slug}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert not no_store(response), url


def test_the_minutes_download_stays_private_and_unstored(amager_plan, personas, client_for, settings):
    decision = EstateDecision.objects.filter(estate__plan=amager_plan).order_by("pk").first()
    decision.minutes.save("referat.pdf", io.BytesIO(b"%PDF-1.4\n%%EOF\n"))
    url = reverse("approvals:minutes", kwargs={"plan": amager_plan.slug, "pk": decision.pk})

    response = client_for(personas.coordinator).get(url)

    assert response.status_code == 200
    assert no_store(response)


# A request body too large to read.


def test_a_60_mib_upload_is_refused_with_413_in_danish_before_it_is_read(amager_plan, personas, client_for):
    decision = EstateDecision.objects.filter(estate__plan=amager_plan).order_by("pk").first()
    url = reverse("approvals:decision_update", kwargs={"plan": amager_plan.slug, "pk": decision.pk})
    body = b"--x\r\nContent-Disposition: form-data; name=minutes; filename=referat.pdf\r\n\r\n%PDF-"

    # The body announces 60 MiB; only its first bytes are here, and nothing may try to read the rest.
    response = client_for(personas.coordinator).generic(
        "POST", url, body, content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(60 * MIB)
    )

    assert response.status_code == 413
    text = response.content.decode()
    assert "Forespørgslen er for stor (60,0\xa0MB)" in text
    assert "højst sendes 20,0\xa0MB" in text
    decision.refresh_from_db()
    assert not decision.minutes


def test_the_limit_answers_from_the_length_alone():
    class Unreadable(io.RawIOBase):
        def read(self, size=-1):
            raise AssertionError("the body was read")

    request = RequestFactory().post("/", data=b"", content_type="application/octet-stream")
    request.META["CONTENT_LENGTH"] = str(60 * MIB)
    request.META["wsgi.input"] = Unreadable()
    request._stream = Unreadable()

    def view(request):
        request.POST  # noqa: B018 - what the CSRF check does
        raise AssertionError("the view was reached")

    response = RequestBodyLimitMiddleware(view)(request)

    assert response.status_code == 413


def test_a_request_within_the_limit_is_let_through(settings):
    request = RequestFactory().post("/", data=b"x" * 1000, content_type="application/octet-stream")
    request.META["CONTENT_LENGTH"] = str(settings.MAX_REQUEST_BODY_BYTES)

    assert RequestBodyLimitMiddleware(lambda request: "reached")(request) == "reached"


def test_the_limit_leaves_room_for_the_largest_minutes_and_django_keeps_little_in_memory(settings):
    assert settings.MAX_REQUEST_BODY_BYTES == 20 * MIB
    assert settings.MINUTES_MAX_UPLOAD_BYTES < settings.MAX_REQUEST_BODY_BYTES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * MIB
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * MIB
