"""Pages for schedules as a whole: the list, uploads and their jobs, and the native export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_http_methods, require_safe

from schedules.forms import UploadForm
from schedules.models import IngestJob, Schedule
from schedules.permissions import can_upload
from schedules.pipeline.jobs import UploadNotStored, create_ingest_job
from schedules.selectors import (
    COMPOSITE_ORDERINGS,
    by_composite_score,
    schedule_list,
    visible_jobs,
)
from tsi_site.request_checks import too_large_message
from tsi_site.web.access import read_required
from tsi_site.web.downloads import native_export_response

SCHEDULES_PER_PAGE = 25
JOB_POLL_SECONDS = 2


def _upload_allowed(request: HttpRequest) -> None:
    """Raise 403 for a signed-in user without the upload permission."""
    if not can_upload(request.user):
        raise PermissionDenied("You do not have permission to upload schedules.")


def _followed_job(request: HttpRequest, job_id: int) -> IngestJob:
    """A job the uploader may follow, as it should be seen now."""
    _upload_allowed(request)
    return get_object_or_404(visible_jobs(request.user), pk=job_id).as_seen()


@require_safe
@read_required
def home(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:200]
    ordering = request.GET.get("ordering", "")
    schedules = schedule_list(search=search)
    if ordering in COMPOSITE_ORDERINGS:
        schedules = by_composite_score(schedules, ordering)
    page = Paginator(schedules, SCHEDULES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "schedules/home.html",
        {
            "page_obj": page,
            "search": search,
            "ordering": ordering,
            "can_upload": can_upload(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def upload(request: HttpRequest) -> HttpResponse:
    _upload_allowed(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if getattr(request, "upload_too_large", None):
        context = {
            "form": UploadForm(),
            "refused": too_large_message(file_name=request.upload_too_large),
        }
        return render(request, "schedules/upload.html", context, status=413)
    if request.method == "POST" and form.is_valid():
        try:
            job = create_ingest_job(
                schedule_file=form.cleaned_data["schedule_file"],
                visibility_file=form.cleaned_data["visibility_file"],
                dark_periods_file=form.cleaned_data["dark_periods_file"],
                name=form.cleaned_data["name"],
                user=request.user,
                drop_invalid_periods=form.cleaned_data["drop_invalid_periods"],
                sky=form.cleaned_data["sky"],
            )
        except UploadNotStored as error:
            context = {"form": form, "refused": str(error)}
            return render(request, "schedules/upload.html", context, status=507)
        if job.state == IngestJob.State.SUCCEEDED and job.schedule is not None:
            if job.schedule.uploaded_at < job.created_at:
                messages.info(request, f"This content is already stored as “{job.schedule}”.")
            else:
                messages.success(request, f"Stored as “{job.schedule}”.")
            if job.dropped_periods:
                messages.warning(request, job.dropped_periods_summary)
            return redirect(job.schedule)
        return redirect("schedules:job", job_id=job.pk)
    return render(request, "schedules/upload.html", {"form": form})


@require_safe
@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _followed_job(request, job_id)
    return render(
        request,
        "schedules/job.html",
        {"job": job, "finished": _finished(job), "poll_seconds": JOB_POLL_SECONDS},
    )


@require_safe
@login_required
def job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    """What the job page polls while the job runs."""
    job = _followed_job(request, job_id)
    return JsonResponse(
        {
            "state": job.state,
            "phase": job.phase,
            "progress": job.progress,
            "finished": _finished(job),
            "error": job.error,
            "schedule_url": job.schedule.get_absolute_url() if job.schedule else None,
        }
    )


def _finished(job: IngestJob) -> bool:
    return job.state in (IngestJob.State.SUCCEEDED, IngestJob.State.FAILED)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's)."""
    return redirect(static("tsi/favicon.svg"))


@require_safe
@read_required
def export(request: HttpRequest, schedule_id: int) -> HttpResponse:
    """The schedule in the native format, as a download."""
    return native_export_response(get_object_or_404(Schedule, pk=schedule_id))
