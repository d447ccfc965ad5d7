from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User


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


class UserAddForm(forms.ModelForm):
    """The admin's form to add a person: no password (they choose theirs through « Mot de passe oublié ? »)."""

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user
