from django.urls import path

from validation.pages import ValidationReportPage

app_name = "validation"
urlpatterns = [
    path("", ValidationReportPage.as_view(), name="report"),
]
