"""The user's API tokens (/konto/tokens/): make one (shown once, in full), see one's own, revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import generic

from . import services
from .forms import AccessTokenForm
from .models import AccessToken


def _own_tokens(request) -> QuerySet[AccessToken]:
    """The signed-in user's tokens, and no one else's."""
    return AccessToken.objects.filter(user_id=request.user.pk)


class AccessTokenListView(LoginRequiredMixin, generic.TemplateView):
    """The signed-in user's tokens, and the form for a new one; a POST makes it and shows it this once."""

    template_name = "api/tokens.html"
    #: The page shows a new token in full: no cache may keep it.
    personal_data = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", AccessTokenForm())
        context["tokens"] = list(_own_tokens(self.request))
        context["page_title"] = _("API tokens")
        return context

    def post(self, request, *args, **kwargs):
        form = AccessTokenForm(request.POST, instance=AccessToken(user=request.user))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        row, token = services.access_token_create(name=form.cleaned_data["name"], actor=request.user)
        return self.render_to_response(self.get_context_data(new_token=token, new_row=row))


class AccessTokenRevokeView(LoginRequiredMixin, generic.View):
    """Revoke one of the user's own tokens; another user's token is not found (404)."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        token = get_object_or_404(_own_tokens(request), pk=pk)
        services.access_token_revoke(token=token, actor=request.user)
        messages.success(
            request, _("The token “%(name)s” is revoked; it opens nothing any more.") % {"name": token.name}
        )
        return redirect("api_tokens")
