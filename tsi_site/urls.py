"""Top-level URL configuration: pages, sign-in and sign-out, the API under /api/, and the
admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="schedules:home"), name="logout"),
    path("", include("schedules.urls")),
    path("schedules/<int:schedule_id>/", include("analytics.urls")),
    path("environments/", include("analytics.environment_urls")),
    path("schedules/<int:schedule_id>/validation/", include("validation.urls")),
    path("api/", include("tsi_site.api_urls")),
    path("admin/", admin.site.urls),
]
