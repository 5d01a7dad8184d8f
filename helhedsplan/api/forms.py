from django import forms

from .models import AccessToken


class AccessTokenForm(forms.ModelForm):
    class Meta:
        model = AccessToken
        fields = ["name"]
