"""Template filters and tags shared by every page: Danish numbers, status badges, permission checks."""

from __future__ import annotations

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
