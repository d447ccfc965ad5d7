from django import forms
from django.utils.translation import gettext_lazy as _

from qualification.directory.search import DEFAULT_RADIUS_KM, RADIUS_CHOICES_KM, service_choices
from referentiel.models import Format


class DirectoryForm(forms.Form):
    """The public search: a commune or a postcode (or the visitor's position), a distance, a service, a format."""

    q = forms.CharField(
        label=_("Commune ou code postal"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "list": "commune-suggestions", "placeholder": "69004"}
        ),
    )
    commune = forms.CharField(required=False, max_length=5, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    rayon = forms.TypedChoiceField(
        label=_("Distance"),
        coerce=int,
        required=False,
        empty_value=DEFAULT_RADIUS_KM,
        choices=[(value, _("%(km)s km") % {"km": value}) for value in RADIUS_CHOICES_KM],
        initial=DEFAULT_RADIUS_KM,
    )
    service = forms.ChoiceField(label=_("Service"), required=False)
    format = forms.ChoiceField(label=_("Format"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Tous les services")), *service_choices()]
        self.fields["format"].choices = [("", _("Tous les formats"))] + [
            (item.value, item.label) for item in Format.objects.active()
        ]

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise forms.ValidationError(_("Position incomplète : réessayez « Autour de moi »."))
        return data
