"""Form pieces shared by every app: Danish number fields, the optimistic-locking base form, and reading an id
from a query string."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import DecimalValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.formatting import format_number, parse_danish_number


class DanishNumberInput(forms.TextInput):
    """A text input (not type=number) so people can type '31.200.000,00' or '4,62 mio.'."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, (Decimal, int, float)):
            return format_number(value)
        return str(value)


class DanishDecimalField(forms.DecimalField):
    """A decimal written the Danish way: 12,5 · 1.234,5 · 4,62 mio."""

    widget = DanishNumberInput
    default_error_messages = {
        "invalid": _("Write a number, e.g. 12,5 or 31.200.000."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_danish_number(str(value))
        except ValueError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error

    def validate(self, value):
        # DecimalField.validate rejects NaN/inf; our parser never produces them.
        forms.Field.validate(self, value)


class DanishAmountField(DanishDecimalField):
    """Kroner: '31.200.000', '31.200.000,00', '4,62 mio.'; at most two decimals (øre). Whether an amount may be
    negative is the model's rule (a constraint with its message), not this field's."""

    default_error_messages = {
        "invalid": _("Write an amount in kroner, e.g. 31.200.000, 31.200.000,00 or 4,62 mio."),
        "too_precise": _("An amount has at most two decimals (øre)."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_python(self, value):
        number = super().to_python(value)
        if number is None:
            return None
        whole_digits = (self.max_digits or 0) - (self.decimal_places or 0)
        if self.max_digits is not None and number.adjusted() >= whole_digits:
            # Too large to round to øre at all (decimal.InvalidOperation beyond 28 digits): say the limit.
            raise ValidationError(
                DecimalValidator.messages["max_whole_digits"],
                code="max_whole_digits",
                params={"max": whole_digits},
            )
        if number != number.quantize(Decimal("0.01")):
            raise ValidationError(self.error_messages["too_precise"], code="too_precise")
        return number.quantize(Decimal("0.01"))


def _could_be_an_id(queryset, to_field_name: str | None, value) -> bool:
    """Whether ``value`` could name a row by an integer primary key at all. A database refuses (SQLite:
    OverflowError, a 500) to look up an id beyond 64 bits; such a choice is simply not one of the choices."""
    if to_field_name is not None or not isinstance(queryset.model._meta.pk, models.IntegerField):
        return True
    if isinstance(value, models.Model):
        return True
    if isinstance(value, int):
        return 0 < value <= LARGEST_ID
    return id_from_query(str(value).strip()) is not None


class IdChoiceField(forms.ModelChoiceField):
    """A choice of one object whose id, however large or odd, is never handed to the database unchecked."""

    def to_python(self, value):
        if value not in self.empty_values and not _could_be_an_id(self.queryset, self.to_field_name, value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several objects whose ids are checked as ``IdChoiceField``'s are."""

    def _check_values(self, value):
        if isinstance(value, list | tuple):
            for pk in value:
                if not _could_be_an_id(self.queryset, self.to_field_name, pk):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super()._check_values(value)  # type: ignore[misc]  # private: not in the stubs


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class PlanModelForm(forms.ModelForm):
    """A ModelForm that knows its plan, with Danish widgets for dates and numbers, and a hidden lock counter.

    It validates through the model: the instance it is given has its parent (delaftale, indicator, plan …)
    already set, and those fields are validated too although they are not on the form, so the model's
    ``clean()`` and its constraints — "one measurement per date" — answer here with their own messages. The form
    never saves: the view hands ``model_data()`` to the app's service.

    ``lock_version`` carries the lock counter of the object the user started editing; the service compares it
    with the stored one so a later save never silently overwrites an earlier one (``core.services``).
    """

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan=None, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.fields["lock_version"].initial = self.instance.lock_version
        if self.instance.pk is None:
            del self.fields["lock_version"]
        for name, field in list(self.fields.items()):
            if type(field) is forms.DecimalField:
                # Model decimals are typed the Danish way (12,5), not as <input type=number>.
                self.fields[name] = DanishDecimalField(
                    max_digits=field.max_digits,
                    decimal_places=field.decimal_places,
                    required=field.required,
                    label=field.label,
                    help_text=field.help_text,
                    initial=field.initial,
                )
            elif type(field) is forms.ModelMultipleChoiceField:
                field.__class__ = IdMultipleChoiceField
            elif type(field) is forms.ModelChoiceField:
                field.__class__ = IdChoiceField
            elif isinstance(field, forms.DateField) and not isinstance(field.widget, forms.HiddenInput):
                field.widget = DateInput(attrs=field.widget.attrs)
            elif isinstance(field, forms.DateTimeField) and not isinstance(field.widget, forms.HiddenInput):
                field.widget = DateTimeInput(attrs=field.widget.attrs)
                field.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def _get_validation_exclusions(self):
        # Fields the view set on the instance (its parent, its plan) are validated too: constraints over them
        # ("one measurement per indicator and date") are then checked here, not first by the database.
        exclusions = super()._get_validation_exclusions()  # type: ignore[misc]  # private: not in the stubs
        return {
            name
            for name in exclusions
            if not (name in self._parent_fields and getattr(self.instance, f"{name}_id", None) is not None)
        }

    @property
    def _parent_fields(self) -> set[str]:
        return {
            f.name
            for f in self.instance._meta.concrete_fields
            if f.many_to_one and f.name not in self.fields and getattr(f, "editable", True)
        }

    def _update_errors(self, errors):
        # An error about a field that is not on the form (the parent) is shown at the top of the form.
        if hasattr(errors, "error_dict"):
            for name in list(errors.error_dict):
                if name not in self.fields and name != NON_FIELD_ERRORS:
                    errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(errors.error_dict.pop(name))
        super()._update_errors(errors)  # type: ignore[misc]  # private: not in the stubs

    def model_data(self) -> dict:
        """The model's fields from the cleaned form: what the app's service writes."""
        return {
            name: self.cleaned_data[name] for name in self._meta.fields or () if name in self.cleaned_data
        }

    def choice_field(self, name: str) -> forms.ModelChoiceField:
        """The field ``name``: the choice of objects a foreign key or a many-to-many gets."""
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField), f"{name} is not a choice of objects"
        return field

    def offer(self, field_name: str, queryset) -> None:
        """Offer ``queryset``'s objects in the choice field ``field_name`` — and the object already chosen, even
        when ``queryset`` leaves it out (an organisation that is not, or no longer, one of the plan's parties,
        as the police are in the emergency plan), so that an object always saves unchanged."""
        field = self.choice_field(field_name)
        current = getattr(self.instance, f"{field_name}_id", None) if self.instance.pk is not None else None
        if current is not None:
            chosen = models.Q(pk__in=queryset.values("pk")) | models.Q(pk=current)
            queryset = queryset.model._default_manager.filter(chosen).order_by(*queryset.query.order_by)
        field.queryset = queryset

    def limit_to_plan(self, field_name: str, queryset) -> None:
        """Offer only the plan's own objects in a choice field."""
        if field_name in self.fields:
            self.choice_field(field_name).queryset = queryset.in_plan(self.plan)


#: The largest id a database row can have (a 64-bit signed integer).
LARGEST_ID = 2**63 - 1


def id_from_query(value: str | None) -> int | None:
    """The row id a query string names (``?goal=12``), or None for anything else: empty, not plain ASCII digits
    ("²" is a digit to ``str.isdigit()`` but not to ``int()``), or too large for a database id. A bad id in an
    address is ignored, never an error page."""
    if not value or len(value) > len(str(LARGEST_ID)) or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= LARGEST_ID else None
