"""Route of the validation report endpoint; included by ``tsi_site.api_urls``."""

from django.urls import path

from validation.api.views import ValidationReportView

urlpatterns = [
    path(
        "schedules/<dbid:schedule_id>/validation-report/",
        ValidationReportView.as_view(),
        name="schedule-validation-report",
    ),
]
