"""The validation report's GET filter form (pages and API)."""

from django import forms

from tsi_site.web.forms import Alias, QueryForm, search_field
from validation.models import Criticality, Status
from validation.rules import RULES
from validation.selectors import ValidationFilters


class ValidationFilterForm(QueryForm):
    aliases = {"search": Alias("q")}

    q = search_field("Part of the block id, block name or message")
    status = forms.ChoiceField(
        choices=[
            ("", "Any status"),
            *[(value, label) for value, label in Status.choices if value != Status.VALID],
        ],
        required=False,
    )
    criticality = forms.ChoiceField(
        choices=[("", "Any criticality"), *Criticality.choices], required=False
    )
    category = forms.ChoiceField(
        choices=[
            ("", "Any category"),
            *sorted({(rule.category, rule.category.replace("_", " ")) for rule in RULES.values()}),
        ],
        required=False,
    )
    rule = forms.ChoiceField(
        choices=[("", "Any rule"), *[(slug, rule.title) for slug, rule in RULES.items()]],
        required=False,
    )

    def filters(self) -> ValidationFilters:
        values = {name: self.cleaned_data.get(name) or "" for name in self.fields}
        values["search"] = values.pop("q")
        return ValidationFilters(**values)
