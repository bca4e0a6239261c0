"""What every admin page of the site shares: change lists that show numbers for reading."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models

DECIMALS = 3


class ReadableNumbersAdmin(admin.ModelAdmin):
    """Float columns of a change list rounded to ``DECIMALS`` places (the change form, the
    exports and the API keep every digit)."""

    def get_list_display(self, request):
        return [self._readable(name) for name in super().get_list_display(request)]

    def _readable(self, name) -> str | Callable:
        if not isinstance(name, str):
            return name
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return name
        if not isinstance(field, models.FloatField):
            return name

        @admin.display(description=field.verbose_name, ordering=name)
        def readable(obj) -> str:
            value = getattr(obj, name)
            return "—" if value is None else f"{value:,.{DECIMALS}f}"

        readable.__name__ = name  # the column keeps the field's CSS class
        return readable
