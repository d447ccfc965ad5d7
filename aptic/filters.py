"""Filters of the API's lists that django-filter does not have."""

import django_filters
from django import forms


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (an id, a version number): ``?version=1.5`` is refused, not read as 1."""

    field_class = forms.IntegerField
