"""Routes of the environments pages (DESIGN §14), under /environments/."""

from django.urls import path

from analytics.pages.environments import EnvironmentListPage, EnvironmentPage

app_name = "environments"
urlpatterns = [
    path("", EnvironmentListPage.as_view(), name="list"),
    path("<int:environment_id>/", EnvironmentPage.as_view(), name="detail"),
]
