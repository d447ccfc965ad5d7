from django import forms
from django.utils.translation import gettext_lazy as _


class BankAccountForm(forms.Form):
    holder = forms.CharField(label=_("Titulaire du compte"), max_length=140)
    iban = forms.CharField(label=_("IBAN"), max_length=42, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    bic = forms.CharField(
        label=_("BIC"),
        max_length=11,
        required=False,
        help_text=_("Facultatif pour un compte français : il se déduit de l'IBAN."),
    )
    totp_code = forms.CharField(
        label=_("Code de double authentification"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Le code à six chiffres de votre application d'authentification."),
    )


class MutationsForm(forms.Form):
    opted_in = forms.TypedChoiceField(
        label=_("Contribution au fonds de dotation Mutations"),
        coerce=lambda value: value == "oui",
        choices=[
            ("oui", _("Oui, ma structure verse 1 % de la valeur faciale au fonds Mutations")),
            ("non", _("Non, pas de contribution")),
        ],
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(label=_("J'ai lu le texte ci-dessus et je fais ce choix au nom de ma structure."))


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif (obligatoire pour un refus)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
