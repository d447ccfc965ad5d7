"""The admin in French: the base classes every ``admin.py`` builds on.

A model's ``MoneyField`` (cents) shows as ``18,84 €`` and its ``RateField`` (basis points) as ``4 %``, in the
lists, on read-only pages and in inlines; editable ones are typed in euros and in percent. A ``FileField``
lives in the private storage, never served at a URL: it shows as its file name, linked only to a download
page the admin names in ``file_links`` (``{"sepa_file": "admin:settlement_settlementrun_sepa"}``).

Django displays a model field by its own rules, so a formatted field is shown through a display method of
the same label, ``<name>_formatted``, swapped in for the field's name wherever it is read-only.
"""

import posixpath

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aptic.fields import MONEY_FIELDS, RateField
from aptic.money import NBSP, format_eur, format_rate, parse_eur, parse_rate

FORMATTED_SUFFIX = "_formatted"


class EuroField(forms.Field):
    """An amount typed in euros (``1 048,00``), cleaned to integer cents."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("Indiquez un montant en euros, par exemple 10,00.")}
    default_help_text = _("En euros, par exemple 10,00.")
    unit = f"{NBSP}€"

    def __init__(self, *, min_value=None, max_value=None, **kwargs):
        self.min_value = min_value  # the model validates the upper bound
        super().__init__(**kwargs)
        self.help_text = self.help_text or self.default_help_text

    def shown(self, value: int) -> str:
        return format_eur(value)

    def parse(self, text: str) -> int:
        return parse_eur(text)

    def prepare_value(self, value):
        return self.shown(value).removesuffix(self.unit) if isinstance(value, int) else value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.parse(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value is not None and self.min_value is not None and value < self.min_value:
            raise ValidationError(_("La valeur ne peut pas être négative."), code="min_value")


class PercentField(EuroField):
    """A rate typed in percent (``4`` or ``5,5``), cleaned to basis points."""

    default_error_messages = {"invalid": _("Indiquez un pourcentage, par exemple 4 ou 5,5.")}
    default_help_text = _("En pourcentage, par exemple 4 ou 5,5.")
    unit = f"{NBSP}%"

    def shown(self, value: int) -> str:
        return format_rate(value)

    def parse(self, text: str) -> int:
        return parse_rate(text)


class PrivateFileInput(admin.widgets.AdminFileWidget):
    """The current file's name, without the link to its storage URL (private files are not served there)."""

    template_name = "aptic/widgets/private_file_input.html"


def _value_display(field: models.Field, formatter, empty: str):
    @admin.display(description=field.verbose_name, ordering=field.name)
    def display(obj):
        value = getattr(obj, field.attname)
        return empty if value is None else formatter(value)

    return display


def _file_display(field: models.Field, url_name: str | None, empty: str):
    @admin.display(description=field.verbose_name)
    def display(obj):
        file = getattr(obj, field.attname)
        if not file:
            return empty
        name = posixpath.basename(file.name)
        if url_name is None:
            return name
        return format_html('<a href="{}">{}</a>', reverse(url_name, args=[obj.pk]), name)

    return display


def formatted_displays(model, *, file_links: dict[str, str], empty: str) -> dict[str, object]:
    """The display method of each money, rate and file field of ``model``, by field name."""
    displays = {}
    for field in model._meta.concrete_fields:
        if isinstance(field, MONEY_FIELDS):
            displays[field.name] = _value_display(field, format_eur, empty)
        elif isinstance(field, RateField):
            displays[field.name] = _value_display(field, format_rate, empty)
        elif isinstance(field, models.FileField):
            displays[field.name] = _file_display(field, file_links.get(field.name), empty)
    return displays


def _swap(names, swapped: set[str]):
    """``names`` (a list, or fieldsets' nested tuples) with each name of ``swapped`` replaced by its display."""
    if isinstance(names, str):
        return f"{names}{FORMATTED_SUFFIX}" if names in swapped else names
    return type(names)(_swap(name, swapped) for name in names) if isinstance(names, list | tuple) else names


def _swap_fieldsets(fieldsets, swapped: set[str]) -> list:
    return [(title, {**options, "fields": _swap(options["fields"], swapped)}) for title, options in fieldsets]


class FrenchDisplayMixin:
    """Swaps formatted displays in for money, rate and file fields; types money in euros and rates in percent."""

    #: File fields with a download page: {field name: admin URL name taking the object's pk}.
    file_links: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.formatted = formatted_displays(
            self.model, file_links=self.file_links, empty=self.get_empty_value_display()
        )
        for name, display in self.formatted.items():
            setattr(self, f"{name}{FORMATTED_SUFFIX}", display)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, MONEY_FIELDS):
            return db_field.formfield(**{**kwargs, "form_class": EuroField})
        if isinstance(db_field, RateField):
            return db_field.formfield(**{**kwargs, "form_class": PercentField})
        if isinstance(db_field, models.FileField):
            return db_field.formfield(**{**kwargs, "widget": PrivateFileInput})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_list_display(self, request):
        return _swap(list(super().get_list_display(request)), set(self.formatted))

    def _swap_read_only(self, admin_form):
        """Read-only fields of a built form (a page's or an inline's) shown through their display."""
        swapped = set(self.formatted) & set(admin_form.readonly_fields)
        if not getattr(admin_form, "has_change_permission", True) and not admin_form.has_add_permission:
            swapped = set(self.formatted)  # a view-only inline: every field is read-only
        admin_form.fieldsets = _swap_fieldsets(admin_form.fieldsets, swapped)
        admin_form.readonly_fields = _swap(list(admin_form.readonly_fields), swapped)


class ModelAdmin(FrenchDisplayMixin, admin.ModelAdmin):
    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if "adminform" in context:
            self._swap_read_only(context["adminform"])
        for inline_admin_formset in context.get("inline_admin_formsets", []):
            if isinstance(inline_admin_formset.opts, FrenchDisplayMixin):
                inline_admin_formset.opts._swap_read_only(inline_admin_formset)
        return super().render_change_form(request, context, add, change, form_url, obj)


class TabularInline(FrenchDisplayMixin, admin.TabularInline):
    pass


class StackedInline(FrenchDisplayMixin, admin.StackedInline):
    pass
