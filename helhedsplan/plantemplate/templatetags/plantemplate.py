from typing import Any

from django import template

from helhedsplan.plantemplate.services import may_create_plans as _may_create_plans

register = template.Library()


@register.simple_tag
def may_create_plans(user: Any) -> bool:
    """Whether ``user`` may start a new plan (one query for a user who is not staff)."""
    return _may_create_plans(user)
