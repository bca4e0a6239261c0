from django.urls import path

from schedules import views

app_name = "schedules"
urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("upload/", views.upload, name="upload"),
    path("jobs/<int:job_id>/", views.job_detail, name="job"),
    path("jobs/<int:job_id>/status/", views.job_status, name="job-status"),
    path("batches/<uuid:batch>/", views.batch_detail, name="batch"),
    path("schedules/manage/", views.manage, name="manage"),
    path("schedules/manage/<int:schedule_id>/rename/", views.rename, name="rename"),
    path("schedules/manage/<int:schedule_id>/site/", views.change_site_view, name="change-site"),
    path("schedules/manage/delete/", views.delete, name="delete"),
    path("schedules/<int:schedule_id>/export/", views.export, name="export"),
]
