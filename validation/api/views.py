"""The validation report endpoint: the report page's form and selector, as JSON."""

from tsi_site.api.pages import PageView, page_schema
from tsi_site.api.schema import dataclass_schema
from validation.api.examples import VALIDATION_REPORT
from validation.forms import ValidationFilterForm
from validation.selectors import ValidationReport, validation_report


@page_schema(
    ValidationFilterForm,
    dataclass_schema(ValidationReport),
    VALIDATION_REPORT,
    "Validation report",
    "Counts by status and criticality, findings per rule, and the issues passing the filters, "
    "most critical first. `issue_count` counts the issues before filtering.",
    tags=("validation",),
)
class ValidationReportView(PageView):
    form_class = ValidationFilterForm
    selector = staticmethod(validation_report)
