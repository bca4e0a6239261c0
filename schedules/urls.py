from django.urls import path

from schedules import views

app_name = "schedules"
urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("upload/", views.upload, name="upload"),
    path("jobs/<int:job_id>/", views.job_detail, name="job"),
    path("jobs/<int:job_id>/status/", views.job_status, name="job-status"),
    path("schedules/<int:schedule_id>/export/", views.export, name="export"),
]
