import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from aptic.errors import BusinessError
from aptic.text import normalize_search
from cheques.enums import AgeBand, Situation
from cheques.models.orders import MAX_CARNET_SIZE
from cheques.services.orders import order_validate
from qualification.selectors import lieux_qualified
from referentiel.models import Category, Version
from territories.models import Commune, Departement


def default_valid_until() -> datetime.date:
    today = timezone.localdate()
    return datetime.date(today.year + 1, 12, 31)


def communes_parse(text: str) -> list[Commune]:
    """ "Allanche, 15187, Saint-Flour" -> communes (INSEE code, postcode or exact name). Ambiguous names ask
    for the INSEE code."""
    communes = []
    for token in [part.strip() for part in (text or "").replace(";", ",").split(",") if part.strip()]:
        if token.isdigit() or (len(token) == 5 and token[:2] in ("2A", "2B")):
            found = list(Commune.objects.filter(code=token.upper())) or list(
                Commune.objects.filter(postcodes__contains=token)
            )
        else:
            found = list(Commune.objects.filter(search_name=normalize_search(token)).select_related("departement"))
        if not found:
            raise ValidationError(_("Commune introuvable : « %(name)s ».") % {"name": token})
        if len(found) > 1 and not token.isdigit():
            options = ", ".join(f"{commune.name} ({commune.departement_id}) : {commune.code}" for commune in found[:6])
            raise ValidationError(
                _("Plusieurs communes s'appellent « %(name)s » : indiquez le code INSEE (%(options)s).")
                % {"name": token, "options": options}
            )
        communes.extend(found)
    return list(dict.fromkeys(communes))


class OrderForm(forms.Form):
    quantity = forms.IntegerField(label=_("Nombre de chèques"), min_value=1, initial=100)
    carnet_size = forms.IntegerField(label=_("Chèques par carnet"), min_value=1, max_value=MAX_CARNET_SIZE, initial=10)
    valid_until = forms.DateField(
        label=_("Valables jusqu'au"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    communes = forms.CharField(
        label=_("Communes"),
        required=False,
        help_text=_("Facultatif. Noms ou codes INSEE séparés par des virgules, par exemple « Allanche, 15187 »."),
    )
    departements = forms.ModelMultipleChoiceField(
        label=_("Départements"),
        queryset=Departement.objects.all(),
        required=False,
        help_text=_("Facultatif. Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Catégories de services"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Facultatif. Sans choix, tous les services du référentiel."),
    )
    lieux = forms.ModelMultipleChoiceField(
        label=_("Lieux"),
        queryset=lieux_qualified().none(),
        required=False,
        help_text=_("Facultatif. Sans choix, tous les lieux qualifiés (dans les territoires choisis)."),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    purchase_reference = forms.CharField(label=_("Votre référence (bon de commande)"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].initial = default_valid_until()
        version = Version.objects.in_force()
        self.fields["categories"].queryset = (
            Category.objects.filter(version=version) if version else Category.objects.none()
        )
        self.fields["lieux"].queryset = lieux_qualified().select_related("commune").order_by("name")
        self.fields["lieux"].label_from_instance = lambda lieu: f"{lieu.name} — {lieu.commune.name}"

    def clean_communes(self):
        return communes_parse(self.cleaned_data.get("communes", ""))

    def clean(self):
        data = super().clean()
        if all(data.get(key) is not None for key in ("quantity", "carnet_size", "valid_until")):
            try:
                order_validate(
                    quantity=data["quantity"], carnet_size=data["carnet_size"], valid_until=data["valid_until"]
                )
            except BusinessError as error:
                raise ValidationError(error.message, code=error.code) from None
        return data

    @classmethod
    def initial_for(cls, order) -> dict:
        return {
            "quantity": order.quantity,
            "carnet_size": order.carnet_size,
            "valid_until": order.valid_until,
            "communes": ", ".join(order.communes.values_list("code", flat=True)),
            "departements": list(order.departements.all()),
            "categories": list(order.categories.all()),
            "lieux": list(order.lieux.all()),
            "purchase_reference": order.purchase_reference,
        }


class PaymentForm(forms.Form):
    transfer_reference = forms.CharField(
        label=_("Référence du virement"),
        max_length=60,
        help_text=_("Telle qu'elle figure sur le relevé : APTIC-0000000-00."),
    )
    amount = forms.CharField(label=_("Montant reçu (€)"), max_length=30, help_text=_("Par exemple 1 048,00"))
    received_on = forms.DateField(
        label=_("Reçu le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    bank_reference = forms.CharField(label=_("Référence bancaire (facultatif)"), max_length=100, required=False)

    def clean_amount(self):
        from aptic.money import parse_eur

        try:
            amount = parse_eur(self.cleaned_data["amount"])
        except ValueError:
            raise ValidationError(_("Indiquez un montant en euros, par exemple 1 048,00.")) from None
        if amount <= 0:
            raise ValidationError(_("Le montant doit être positif."))
        return amount


class DistributeurSearchForm(forms.Form):
    q = forms.CharField(label=_("Nom ou SIRET du distributeur"), max_length=100)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail du distributeur à inviter"))


class CarnetSelectionForm(forms.Form):
    """By count (lowest numbers first) or by an inclusive range of carnet numbers."""

    count = forms.IntegerField(label=_("Nombre de carnets"), min_value=1, required=False)
    first_number = forms.CharField(label=_("Du carnet n°"), max_length=20, required=False)
    last_number = forms.CharField(label=_("au carnet n°"), max_length=20, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("count") and not data.get("first_number"):
            raise ValidationError(_("Indiquez un nombre de carnets, ou une plage de numéros."))
        return data


class AssignForm(CarnetSelectionForm):
    distributeur = forms.ModelChoiceField(label=_("Distributeur"), queryset=Organisation.objects.none())

    field_order = ["distributeur", "count", "first_number", "last_number"]

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if partners is not None:
            self.fields["distributeur"].queryset = partners


class TakeBackForm(AssignForm):
    pass


class CarnetNumberForm(forms.Form):
    number = forms.CharField(label=_("Numéro du carnet"), max_length=20, help_text=_("8 chiffres, sur la couverture."))
    reason = forms.CharField(label=_("Motif"), max_length=200, required=False)


class HandOutForm(forms.Form):
    number = forms.CharField(label=_("Numéro du carnet"), max_length=20, help_text=_("8 chiffres, sur la couverture."))
    age_band = forms.ChoiceField(
        label=_("Tranche d'âge"), choices=[("", _("Non précisée"))] + AgeBand.choices, required=False
    )
    commune = forms.CharField(label=_("Commune de la personne"), required=False, max_length=100)
    situation = forms.ChoiceField(
        label=_("Situation"), choices=[("", _("Non précisée"))] + Situation.choices, required=False
    )

    def clean_commune(self):
        communes = communes_parse(self.cleaned_data.get("commune", ""))
        return communes[0] if communes else None


class BalanceForm(forms.Form):
    number = forms.CharField(
        label=_("Numéro du carnet ou du chèque"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "1000 0014"}),
    )
    code = forms.CharField(
        label=_("Code secret d'un chèque"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "XXXX-XXXX-XXXX-XXXX",
            }
        ),
    )
