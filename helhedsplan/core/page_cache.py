"""Whole pages kept in the ``pages`` cache under a key that names everything they depend on.

A page is kept under what its caller names (for a plan's page: the plan, its change stamp and the user, see
``plans.views``) together with what every page depends on: the address with its query, the language, the host and
scheme, htmx's request headers and today's date (a page judges "overdue" and "this year" by it). A key is never
invalidated: when something changes, the caller's stamp moves and the old key is no longer asked for; the cache
forgets it by age and size (``settings.CACHES["pages"]``).

Only what is the same for every request under that key is kept: the body (zlib-compressed), the status and the
view's own headers. The middleware adds the rest to a cached answer as to a fresh one (session and CSRF cookies,
the CSP, ``Cache-Control``). A CSRF token in a form is the one per-request part of a body: it is kept as a
placeholder and filled in with the requesting session's token.

Kept only: a successful ``GET`` of an HTML or JSON page, without a cookie of the view's own and without a message
waiting to be shown (that page is shown once). ``settings.PAGE_CACHE`` turns it all off (the unit tests run
without it, and test it on its own).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

CACHE_ALIAS = "pages"
#: Raised when what is stored changes shape, so a running cache is never read in an old shape.
FORMAT = 1
#: Larger bodies are not kept (a page that long is better paged than cached).
MAX_BODY_BYTES = 4 * 1024 * 1024
HTMX_HEADERS = ("HTTP_HX_REQUEST", "HTTP_HX_BOOSTED", "HTTP_HX_TARGET", "HTTP_HX_TRIGGER_NAME")
KEPT_TYPES = ("text/html", "application/json")
LEFT_OUT_HEADERS = {"content-length", "set-cookie"}

CSRF_PLACEHOLDER = "\x00csrf\x00"  # no stored text holds a control character (core.models.CleanInput)
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def page_key(request: HttpRequest, parts: Iterable[object]) -> str:
    """The cache key of this request's page, given what its caller says it depends on."""
    described = repr(
        (
            FORMAT,
            tuple(parts),
            request.get_full_path(),
            request.get_host(),
            request.scheme,
            translation.get_language(),
            timezone.localdate().isoformat(),
            tuple(request.META.get(header, "") for header in HTMX_HEADERS),
        )
    )
    return "page:" + hashlib.sha256(described.encode()).hexdigest()


def cacheable_request(request: HttpRequest) -> bool:
    return settings.PAGE_CACHE and request.method == "GET" and not len(get_messages(request))


def cached_page(
    request: HttpRequest, parts: Callable[[], Iterable[object]], respond: Callable[[], HttpResponse]
) -> HttpResponse:
    """The page kept under ``parts()`` (and the request, ``page_key``), else ``respond()``'s answer, kept if it
    may be.

    ``parts`` is asked only when the request may be answered from the cache, ``respond`` only on a miss; so the
    caller must have done every access check before, as a kept page is shown to whoever reaches this call with the
    same key.
    """
    if not cacheable_request(request):
        return respond()
    cache = caches[CACHE_ALIAS]
    key = page_key(request, parts())
    kept = cache.get(key)
    if kept is not None:
        return _from_kept(request, kept)
    response = respond()
    kept = _to_keep(response)
    if kept is not None:
        cache.set(key, kept)
    return response


def _to_keep(response: HttpResponse) -> tuple | None:
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    if not response.get("Content-Type", "").startswith(KEPT_TYPES):
        return None
    render = getattr(response, "render", None)
    if callable(render):
        render()  # a TemplateResponse: render it now (the handler will not render it twice)
    if len(response.content) > MAX_BODY_BYTES:
        return None
    charset = response.charset or "utf-8"
    body = _CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", response.content.decode(charset))
    headers = [(name, value) for name, value in response.items() if name.lower() not in LEFT_OUT_HEADERS]
    return (response.status_code, headers, charset, zlib.compress(body.encode(charset), 1))


def _from_kept(request: HttpRequest, kept: tuple) -> HttpResponse:
    status, headers, charset, compressed = kept
    body = zlib.decompress(compressed).decode(charset)
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request))
    response = HttpResponse(body.encode(charset), status=status)
    for name, value in headers:
        response[name] = value
    return response
