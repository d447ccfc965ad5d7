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
from territories.selectors import communes_with_postcode


def default_valid_until() -> datetime.date:
    today = timezone.localdate()
    return datetime.date(today.year + 1, 12, 31)


def communes_parse(text: str) -> list[Commune]:
    """ "Allanche, 15187, Saint-Flour" -> communes (INSEE code, postcode or exact name). Ambiguous names ask
    for the INSEE code."""
    communes = []
    for token in [part.strip() for part in (text or "").replace(";", ",").split(",") if part.strip()]:
        if token.isdigit() or (len(token) == 5 and token[:2] in ("2A", "2B")):
            # A postcode of Paris, Lyon or Marseille is its arrondissement; the city's INSEE code covers them all.
            found = list(Commune.objects.filter(code=token.upper())) or list(communes_with_postcode(token))
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


class CounterLookupForm(forms.Form):
    """At the counter: the cheque's number and code, typed, or the text of its scanned QR code."""

    number = forms.CharField(
        label=_("Numéro du chèque ou du carnet"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "1000 0014-03"}),
    )
    code = forms.CharField(
        label=_("Code secret"),
        max_length=40,
        required=False,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "XXXX-XXXX-XXXX-XXXX",
            }
        ),
    )
    qr = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("qr") and not (cleaned.get("number") and cleaned.get("code")):
            raise ValidationError(_("Scannez le QR code du chèque, ou saisissez son numéro et son code."))
        return cleaned

    def lookup(self) -> dict:
        data = self.cleaned_data
        if data.get("qr"):
            return {"payload": data["qr"]}
        return {"number": data["number"], "code": data["code"]}


class RedemptionForm(forms.Form):
    """What is validated: the service and the number of cheques (the cheque and lieu travel as hidden fields)."""

    lieu = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    code = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    qr = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)
    service = forms.CharField(label=_("Service rendu"), max_length=60)
    cheques_count = forms.IntegerField(label=_("Nombre de chèques"), min_value=1, max_value=20)

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields["service"].widget = ServiceSelect(
                choices=[
                    (service.code, f"{service.label} — {service.cost_in_cheques} chèque(s)") for service in services
                ],
                costs={service.code: (service.cost_in_cheques, service.cost_adjustable) for service in services},
            )


class ServiceSelect(forms.Select):
    """A select whose options carry the service's cost, so the page proposes it as the number of cheques."""

    def __init__(self, *args, costs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.costs = costs or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        cost, adjustable = self.costs.get(value, (1, False))
        option["attrs"].update({"data-cost": cost, "data-adjustable": "1" if adjustable else "0"})
        return option


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Erreur de saisie, service non rendu…")}),
    )
