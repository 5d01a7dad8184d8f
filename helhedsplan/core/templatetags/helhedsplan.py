"""Template filters and tags shared by every page: Danish numbers and dates, status badges, permission checks,
forms' error summaries."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from helhedsplan.core import formatting

register = template.Library()


@register.filter
def kr(value, decimals: int = 0) -> str:
    return formatting.format_kr(value, int(decimals))


@register.filter
def mio_kr(value) -> str:
    return formatting.format_mio_kr(value)


@register.filter
def percent(fraction, decimals: int = 0) -> str:
    return formatting.format_percent(fraction, int(decimals))


@register.filter
def number(value, decimals=None) -> str:
    return formatting.format_number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def long_date(value) -> str:
    """``{{ day|long_date }}`` → 1. januar 2022: the date on every page."""
    return formatting.format_date(value)


@register.filter
def short_date(value) -> str:
    """``{{ day|short_date }}`` → 01.01.2022: only in dense tables."""
    return formatting.format_short_date(value)


@register.filter
def long_datetime(value) -> str:
    return formatting.format_datetime(value)


@register.filter
def short_datetime(value) -> str:
    return formatting.format_short_datetime(value)


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}`` for dicts keyed by years or objects."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def has_perm(context, permission: str, obj) -> bool:
    """``{% has_perm "plan.manage" plan as can_manage %}`` — the one way templates ask about rights."""
    user = context["request"].user
    return user.has_perm(permission, obj)


@register.inclusion_tag("includes/status_badge.html")
def status_badge(progress):
    """Status in words, colour and a symbol — never colour alone."""
    return {"progress": progress}


@register.simple_tag
def model_name(obj) -> str:
    return str(obj._meta.verbose_name)


@register.simple_tag
def history_url(obj) -> str:
    """The change-log page of any object inside a plan."""
    from django.urls import reverse

    return reverse(
        "history",
        kwargs={
            "plan": obj.owning_plan.slug,
            "app_label": obj._meta.app_label,
            "model_name": obj._meta.model_name,
            "pk": obj.pk,
        },
    )


@dataclass(frozen=True)
class SummaryError:
    """One line of a form's error summary: the message and, for a field's error, the id of its input."""

    message: str
    field_id: str = ""


def _input_id(bound_field) -> str:
    """The id of the input a summary link moves to: a field's own, or its first choice's (checkboxes, radios)."""
    if bound_field.id_for_label:
        return bound_field.id_for_label
    subwidgets = bound_field.subwidgets
    return subwidgets[0].id_for_label if subwidgets else ""


def summary_errors(form) -> list[SummaryError]:
    """Every error of ``form`` in the order of the page: the form's own first, then each field's, named by its
    label ("Dato: Dette felt er påkrævet."). Errors of hidden fields (the lock version) read as the form's own."""
    if form is None or not form.is_bound or not form.errors:
        return []
    errors = [SummaryError(str(message)) for message in form.non_field_errors()]
    for bound_field in form:
        for message in bound_field.errors:
            if bound_field.is_hidden:
                errors.append(SummaryError(str(message)))
            else:
                label = bound_field.label or bound_field.name
                errors.append(SummaryError(f"{label}: {message}", _input_id(bound_field)))
    return errors


@register.inclusion_tag("includes/error_summary.html")
def error_summary(form, summary_id: str = "error-summary"):
    """GOV.UK's error summary: a box at the top of the form, titled "Der er et problem", listing each error as
    a link to its field; ``static/js/forms.js`` moves the focus to it when the page (or an htmx swap) shows it."""
    return {"errors": summary_errors(form), "summary_id": summary_id}


@register.simple_tag
def map_config() -> dict:
    """The estates' map's settings for its script (``includes/estate_map.html``): the tile source (none by
    default: a plain background), its attribution and the referrer policy its provider asks for, and where
    Leaflet's marker images are served from (our static files)."""
    from django.conf import settings
    from django.templatetags.static import static

    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "referrerPolicy": settings.MAP_TILE_REFERRER_POLICY,
        "imagePath": static("vendor/leaflet/images/"),
    }
