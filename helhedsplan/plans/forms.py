"""The forms of a plan's members: invite someone by e-mail, change a membership, accept an invitation. Validation is the model's
(``Membership.clean`` and its constraints); the views hand ``model_data()`` to ``plans.services``."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.forms import PlanModelForm
from helhedsplan.core.mail import RenderedMail, outgoing_mail_queue

from .models import EmailDomain, Invitation, Membership, Organisation


class MembershipForm(PlanModelForm):
    """A member's organisation (one of the plan's parties), role, and for an editor the delaftale limit."""

    class Meta:
        model = Membership
        fields = ["organisation", "role", "sub_agreements", "signs_for_organisation", "keeps_accounts"]
        widgets = {"sub_agreements": forms.CheckboxSelectMultiple}
        help_texts = {
            "organisation": _("The party of the plan the member acts for."),
            "sub_agreements": _(
                "Only for an editor: the sub-agreements they may edit. None ticked means all."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Organisations are shared by all plans: offer the plan's parties (and the one already chosen).
        self.offer("organisation", self.plan.organisations.order_by("kind", "short_name"))
        # (The delaftale model lies in a higher app: it is named through the field, not imported.)
        limits = self.choice_field("sub_agreements")
        assert limits.queryset is not None  # every delaftale, as the model field offers them
        self.limit_to_plan("sub_agreements", limits.queryset)
        # Django's Danish catalogue has no words for a choice that is not offered: say what is wrong.
        limits.error_messages["invalid_choice"] = _("A limit can only name sub-agreements of this plan.")
        limits.error_messages["invalid_pk_value"] = _("A limit can only name sub-agreements of this plan.")
        self.choice_field("organisation").error_messages["invalid_choice"] = _(
            "Choose one of the plan's parties."
        )
        self.fields["role"].error_messages["invalid_choice"] = _("Choose coordinator, editor or reviewer.")

    def add_write_errors(self, refusal) -> None:
        """A refusal of the service: the model's rules about the user (already a member) are shown at the
        e-mail address when the form has one, the others at their fields or above the form."""
        if not hasattr(refusal, "error_dict"):
            self.add_error(None, refusal)
            return
        for name, errors in refusal.error_dict.items():
            if name == "user" and "email" in self.fields:
                name = "email"
            self.add_error(name if name in self.fields else None, errors)


class InvitationForm(MembershipForm):
    """Invite someone to the plan by e-mail: the role starts when the holder of the address accepts."""

    class Meta(MembershipForm.Meta):
        model = Invitation  # type: ignore[assignment]  # the same fields, on the invitation
        fields = ["email", "organisation", "role", "sub_agreements"]
        help_texts = {
            **MembershipForm.Meta.help_texts,
            "email": _(
                "The invitation is mailed to this address; the role starts when its holder follows the link and "
                "accepts."
            ),
        }


class NewAccountForm(auth_forms.SetPasswordForm):
    """The password of the account made for the invited address (Django's password rules)."""


class PasswordResetForm(auth_forms.PasswordResetForm):
    """ "Forgot your password?": also for a member added by e-mail who has not chosen a password yet (whose
    set-password link has run out). Django leaves out users without a usable password, as one who logs in
    elsewhere would have; here every user logs in with a password of their own."""

    def get_users(self, email):
        user_model = get_user_model()
        email_field = user_model.get_email_field_name()
        users = user_model._default_manager.filter(**{f"{email_field}__iexact": email, "is_active": True})
        return (
            user
            for user in users
            if auth_forms._unicode_ci_compare(email, getattr(user, email_field))  # type: ignore[attr-defined]
        )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Django's hook for the mail itself: queued through ``core.mail`` (sent by the background worker,
        retried, recorded) instead of sent in the request. The link is a secret: the record forgets it once
        sent, and its key never names it."""
        mail = RenderedMail(
            subject=" ".join(render_to_string(subject_template_name, context).split()),
            text=render_to_string(email_template_name, context),
            html=render_to_string(html_email_template_name, context) if html_email_template_name else "",
        )
        # Each request is its own mail (Django gives the same link twice in one second; both are sent).
        outgoing_mail_queue(
            key=f"set-password:{context['user'].pk}:{secrets.token_hex(16)}",
            to=to_email,
            mail=mail,
            user=context["user"],
            carries_secret=True,
        )


class AffiliationRequestForm(forms.Form):
    """Ask an organisation to confirm you as one of its people."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("short_name"),
        help_text=_("Its administrators confirm you; until then you cannot speak for it in a plan."),
        error_messages={"invalid_choice": _("Choose one of the organisations.")},
    )

    def __init__(self, *args, exclude: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = field.queryset.exclude(pk__in=exclude)  # type: ignore[attr-defined]


class EmailDomainForm(forms.ModelForm):
    """One of the organisation's e-mail domains (input only: the model checks it)."""

    class Meta:
        model = EmailDomain
        fields = ["domain"]

    def validate_unique(self) -> None:
        """The service validates (with the organisation set); the form only parses."""
