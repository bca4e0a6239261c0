"""The validation report's GET filter form (pages and API)."""

from django import forms

from validation.models import Criticality, Status
from validation.rules import RULES
from validation.selectors import ValidationFilters


class ValidationFilterForm(forms.Form):
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
    search = forms.CharField(required=False, max_length=200)

    def __init__(self, data=None, **kwargs) -> None:
        super().__init__(data if data is not None else {}, **kwargs)

    def filters(self) -> ValidationFilters:
        values = {name: self.cleaned_data.get(name) or "" for name in self.fields}
        return ValidationFilters(**values)
