"""The error summary every form page shows above its form: each error once, a field's as a link to its input,
the form's own (a conflict, a lock version) as plain text, in the order of the page."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template

from helhedsplan.core.templatetags.helhedsplan import SummaryError, summary_errors


class ExampleForm(forms.Form):
    name = forms.CharField(label="Navn")
    kinds = forms.MultipleChoiceField(
        label="Slags", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        raise ValidationError("Nogen gemte imens.")


def render(form) -> str:
    return Template("{% load helhedsplan %}{% error_summary form %}").render(Context({"form": form}))


def test_an_unbound_or_valid_form_has_no_summary():
    assert summary_errors(ExampleForm()) == []
    assert render(ExampleForm()).strip() == ""
    assert summary_errors(None) == []


def test_errors_are_listed_in_page_order_with_links_to_their_inputs():
    form = ExampleForm(data={"lock_version": "x"})

    assert summary_errors(form) == [
        SummaryError("Nogen gemte imens."),
        SummaryError("Navn: Dette felt er påkrævet.", "id_name"),
        # Checkboxes: the link leads to the first box.
        SummaryError("Slags: Dette felt er påkrævet.", "id_kinds_0"),
        # A hidden field has nothing to move to.
        SummaryError("Indtast et heltal."),
    ]


def test_the_summary_is_titled_in_danish_focusable_and_links_each_field():
    html = render(ExampleForm(data={"lock_version": "1"}))

    assert 'role="alert" tabindex="-1" data-error-summary' in html
    assert '<h2 class="h5" id="error-summary-title">Der er et problem</h2>' in html
    assert (
        '<a class="alert-link" href="#id_name" data-field="id_name">Navn: Dette felt er påkrævet.</a>' in html
    )
    assert "<li>Nogen gemte imens.</li>" in html
