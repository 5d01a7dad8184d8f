"""Middleware of the whole site: what every response says about browser features and caching, and how large a
request may be.

- ``RequestBodyLimitMiddleware`` answers 413 to a request that announces a body larger than
  ``settings.MAX_REQUEST_BODY_BYTES`` before anything reads it (a 60 MiB upload is never read whole).
- ``PermissionsPolicyMiddleware`` sends ``settings.PERMISSIONS_POLICY`` as ``Permissions-Policy`` on every
  response: the site uses no camera, microphone, location, payment or the like, so no page may ask for them.
- ``PersonalDataMiddleware`` keeps a page with personal data out of every cache (``Cache-Control: no-store``):
  a view says so with the class attribute ``personal_data = True`` (the contacts, the printed emergency plan,
  the history pages).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

GetResponse = Callable[[HttpRequest], HttpResponse]


class RequestBodyLimitMiddleware:
    """Refuse, unread, a request whose ``Content-Length`` is above ``settings.MAX_REQUEST_BODY_BYTES``.

    Django reads an upload into memory or a temporary file as soon as anything asks for ``request.POST`` or
    ``request.FILES`` (the CSRF check does); this answers before that, from the header alone. Put it first.
    A request without a length (chunked) is left to the server in front, which buffers and measures it.
    """

    def __init__(self, get_response: GetResponse):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.MAX_REQUEST_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads a malformed length as no body, and so reads nothing
        if length > limit:
            message = _(
                "The request is too large (%(size)s). At most %(limit)s can be sent at a time; "
                "minutes may be at most %(minutes)s."
            ) % {
                "size": filesizeformat(length),
                "limit": filesizeformat(limit),
                "minutes": filesizeformat(settings.MINUTES_MAX_UPLOAD_BYTES),
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """``Permissions-Policy: settings.PERMISSIONS_POLICY`` on every response."""

    def __init__(self, get_response: GetResponse):
        self.get_response = get_response
        self.policy = ", ".join(
            f"{feature}=({' '.join(allowed)})" for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class PersonalDataMiddleware:
    """``Cache-Control: no-store`` (and its older equivalents) on the responses of views marked
    ``personal_data = True``: neither the browser's cache nor a proxy keeps a copy of phones and e-mails."""

    def __init__(self, get_response: GetResponse):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "_personal_data", False):
            add_never_cache_headers(response)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        view_class = getattr(view_func, "view_class", None)
        request._personal_data = bool(getattr(view_class, "personal_data", False))  # type: ignore[attr-defined]
