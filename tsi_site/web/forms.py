"""GET forms over a query string, shared by the pages and the API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict


@dataclass(frozen=True)
class Alias:
    """An older parameter name (or value) still read as its current one."""

    name: str  # the current parameter name
    values: Mapping[str, str] = field(default_factory=dict)  # older value → current value


class QueryForm(forms.Form):
    """A form bound to a query string, always valid to bind (no data is an empty query).

    Absent fields take their initial value, so the controls show what the page uses; parameters
    named in ``aliases`` are read as their current names and values, and an error about such a
    parameter is reported under the name the client sent.
    """

    aliases: Mapping[str, Alias] = {}

    def __init__(self, data: Mapping | None = None, **kwargs) -> None:
        query = _mutable_query(data)
        self.aliased: dict[str, str] = {}
        for old, alias in self.aliases.items():
            if old not in query:
                continue
            values = [alias.values.get(str(value).lower(), value) for value in query.getlist(old)]
            if old != alias.name:
                query.pop(old)
                if alias.name in query:
                    continue
                self.aliased[alias.name] = old
            query.setlist(alias.name, values)
        for name, value in self.defaults().items():
            if name not in query:
                query[name] = value
        super().__init__(query, **kwargs)

    def defaults(self) -> dict:
        """Values of the fields a query leaves out."""
        return {
            name: field.initial
            for name, field in self.base_fields.items()
            if field.initial not in (None, "")
        }

    def clean(self):
        cleaned = super().clean()
        defaults = self.defaults()
        for name, value in defaults.items():
            if cleaned.get(name) in (None, ""):
                cleaned[name] = value
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        for current, sent in self.aliased.items():
            if current in self._errors:
                self._errors[sent] = self._errors.pop(current)


def search_field(what: str) -> forms.CharField:
    """The free-text ``q`` parameter: part of ``what``, in any case."""
    return forms.CharField(required=False, max_length=200, label="Search", help_text=what)


def _mutable_query(data: Mapping | None) -> QueryDict:
    if isinstance(data, QueryDict):
        return data.copy()
    query = QueryDict(mutable=True)
    for key, value in (data or {}).items():
        query.setlist(key, list(value) if isinstance(value, list | tuple) else [value])
    return query
