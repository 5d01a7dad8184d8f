"""What each person wants mailed per plan, and the reminders sent (who, what, when)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helhedsplan.core.constraints import UniqueConstraint, dates_in_bounds


class MailPreference(models.Model):
    """A person's choice for one plan. Without a row, both kinds are sent (the default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mail_preferences",
        verbose_name=_("user"),
    )
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="mail_preferences", verbose_name=_("plan")
    )
    notifications = models.BooleanField(
        _("notifications"), default=True, help_text=_("A mail when something happens that concerns you.")
    )
    digest = models.BooleanField(
        _("daily digest"), default=True, help_text=_("One mail a day with what is due or awaits you.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mail preference")
        verbose_name_plural = _("mail preferences")
        constraints = [
            UniqueConstraint(
                fields=["user", "plan"],
                name="one_mail_preference_per_user_and_plan",
                violation_error_message=_("You already have a mail preference for this plan."),
                error_field="plan",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.plan}"


class SentReminder(models.Model):
    """One item of a daily digest, as it was sent: to whom, about what, when. A person's digest of a day is
    sent once: ``send_reminders`` skips whoever already has reminders of that day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sent_reminders",
        verbose_name=_("user"),
    )
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="sent_reminders", verbose_name=_("plan")
    )
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=30)
    title = models.CharField(_("what"), max_length=300)
    url = models.CharField(_("link"), max_length=500)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        ordering = ["-day", "user", "plan", "kind"]
        indexes = [models.Index(fields=["day", "user"], name="notifications_reminder_day")]
        constraints = [*dates_in_bounds("day", times=("sent_at",))]

    def __str__(self) -> str:
        return f"{self.day} · {self.user} · {self.title}"
