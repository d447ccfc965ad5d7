from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from qualification.charter import COMMITMENTS, MIN_ANSWER_LENGTH, QUALITY_CRITERIA, REVIEW_CHECKLIST
from qualification.eligibility import RULES
from qualification.enums import DocumentKind
from qualification.models import Lieu, Mediateur
from referentiel.models import Format, Service, Version
from territories.models import Commune
from territories.selectors import communes_with_postcode


class IdentityForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "legal_form", "siret", "address", "postcode", "city", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("legal_form", "siret", "address", "email"):
            self.fields[name].required = True


class LieuForm(forms.ModelForm):
    """The lieu; its commune is chosen among those of its postcode (INSEE reference data)."""

    commune = forms.ModelChoiceField(
        queryset=Commune.objects.none(),
        label=_("Commune"),
        required=False,
        empty_label=_("— choisissez après avoir saisi le code postal —"),
    )

    class Meta:
        model = Lieu
        fields = [
            "name",
            "address",
            "address_complement",
            "postcode",
            "commune",
            "latitude",
            "longitude",
            "opening_hours",
            "phone",
            "email",
            "website",
            "summary",
            "description",
            "accessibility",
            "accessibility_url",
            "appointment_url",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        postcode = self.data.get(self.add_prefix("postcode")) if self.is_bound else self.initial.get("postcode")
        if postcode is None and self.instance.pk:
            postcode = self.instance.postcode
        self.fields["commune"].queryset = communes_for_postcode(postcode or "")
        self.fields["postcode"].widget.attrs.update(
            {
                "inputmode": "numeric",
                "maxlength": 5,
                "hx-get": "",
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#id_commune",
                "hx-select": "#id_commune > *",
                "hx-swap": "innerHTML",
            }
        )
        self.fields["opening_hours"].required = True

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if not (len(postcode) == 5 and postcode.isdigit()):
            raise forms.ValidationError(_("Le code postal compte cinq chiffres."))
        return postcode

    def clean(self):
        cleaned = super().clean()
        postcode = cleaned.get("postcode")
        if postcode and not cleaned.get("commune"):
            candidates = list(communes_for_postcode(postcode)[:2])
            if not candidates:
                self.add_error("postcode", _("Aucune commune ne porte ce code postal."))
            elif len(candidates) == 1:
                cleaned["commune"] = candidates[0]
            else:
                self.add_error("commune", _("Plusieurs communes portent ce code postal : choisissez la vôtre."))
        return cleaned


def communes_for_postcode(postcode: str):
    """For a postcode of Paris, Lyon or Marseille: its arrondissement."""
    return communes_with_postcode(postcode).order_by("name")


class OfferForm(forms.Form):
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Services proposés"),
        help_text=_("Les services du référentiel national #APTIC que ce lieu délivre."),
    )
    formats = forms.ModelMultipleChoiceField(
        queryset=Format.objects.active(), widget=forms.CheckboxSelectMultiple, label=_("Formats proposés")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = Version.objects.in_force()
        self.fields["services"].queryset = (
            version.services.select_related("category").prefetch_related("standard_services")
            if version
            else Service.objects.none()
        )


class MediateurForm(forms.ModelForm):
    class Meta:
        model = Mediateur
        fields = ["first_name", "last_name", "email", "employment_status", "convention_start", "convention_end"]
        widgets = {
            "convention_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "convention_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employment_status"].help_text = _(
            "Salarié·e, CAE et groupement d'employeurs : éligibles. Service civique : décision de l'équipe. "
            "Auto-entrepreneur·e et bénévole : non éligibles."
        )
        self.eligibility_reasons = {status.value: str(reason) for status, (_d, reason) in RULES.items()}


class CharterForm(forms.Form):
    """One checkbox per commitment: each is accepted explicitly."""

    def __init__(self, *args, accepted=(), **kwargs):
        super().__init__(*args, **kwargs)
        for identifier, text in COMMITMENTS:
            self.fields[identifier] = forms.BooleanField(label=text, required=False, initial=identifier in accepted)

    def accepted(self) -> list[str]:
        return [identifier for identifier, _text in COMMITMENTS if self.cleaned_data.get(identifier)]


class QualityForm(forms.Form):
    def __init__(self, *args, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        answers = answers or {}
        for identifier, question in QUALITY_CRITERIA:
            self.fields[identifier] = forms.CharField(
                label=question,
                required=False,
                initial=answers.get(identifier, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Quelques phrases (au moins %(count)d caractères).") % {"count": MIN_ANSWER_LENGTH},
            )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=DocumentKind.choices, label=_("Type de pièce"))
    file = forms.FileField(
        label=_("Fichier (PDF, PNG ou JPEG, 5 Mo au plus)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class MessageForm(forms.Form):
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}))


class ChecklistForm(forms.Form):
    def __init__(self, *args, checked=None, **kwargs):
        super().__init__(*args, **kwargs)
        checked = checked or {}
        for identifier, text in REVIEW_CHECKLIST:
            self.fields[identifier] = forms.BooleanField(
                label=text, required=False, initial=checked.get(identifier, False)
            )


class ApproveForm(forms.Form):
    reason = forms.CharField(
        label=_("Message à la structure (facultatif)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    service_civique = forms.ModelMultipleChoiceField(
        queryset=Mediateur.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Volontaires en service civique que vous qualifiez (ils resteront signalés)"),
    )

    def __init__(self, *args, service_civique=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_civique"].queryset = (
            service_civique if service_civique is not None else Mediateur.objects.none()
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}))


class PrefillSearchForm(forms.Form):
    q = forms.CharField(label=_("Nom du lieu ou commune"), required=False)
