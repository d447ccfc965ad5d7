from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.enums import OrganisationKind
from accounts.models import Organisation


class OrganisationCreateForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label=_("Vous êtes"),
        choices=OrganisationKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Commanditaire : vous financez des chèques. Distributeur : vous remettez des carnets aux personnes. "
            "Structure : vous accompagnez les personnes dans vos lieux et validez les chèques."
        ),
    )

    class Meta:
        model = Organisation
        fields = ["kind", "name", "legal_form", "siret", "address", "postcode", "city", "email", "phone"]


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Nom de la clé"),
        max_length=100,
        help_text=_("Pour vous y retrouver : le nom de l'outil qui l'utilisera."),
    )
